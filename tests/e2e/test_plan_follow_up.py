"""A coordinator follows a plan in force in headless Chromium: edits an action (the
change lands on the plan's history), records a review (the plan stays in force: the
version number is unchanged and the badge shows), and the actions read as a table at
1366 px and as cards at 375 px with no horizontal scroll. Screenshots go to
var/screenshots/test_*-<step>.png; the work-ability domains and the managers' group
means are shot too."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import WorkAbilityAssessment
from serviceplans import services
from serviceplans.models import PlanAction, ServicePlan
from tests.e2e.test_plan_flow import people  # noqa: F401 (the fixture, used by name)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def plan_in_force(request):
    """Version 1 agreed, with three actions of long Finnish words and organisation
    names (the words that used to break letter by letter), and two assessments with
    their domains."""
    cast = request.getfixturevalue("people")
    alice, teemu = cast["alice"], cast["teemu"]
    network = cast["network"]
    today = timezone.localdate()
    plan = services.create_plan(network, by=alice)
    goal = services.add_goal(
        plan, by=alice, text="Pääsen työkokeiluun kahvilaan keväällä", domain="work"
    )
    for description, service, user, days in (
        (
            "Työkokeilupaikan etsiminen yhdessä työhönvalmentajan kanssa lähikahviloista",
            PlanAction.ServiceType.WORK_TRIAL,
            teemu,
            14,
        ),
        (
            "Työttömien terveystarkastus ja työkykyarvio terveysasemalla",
            PlanAction.ServiceType.UNEMPLOYED_HEALTH_CHECK,
            alice,
            30,
        ),
        (
            "Ammatillisen kuntoutuksen mahdollisuuksien selvittäminen",
            PlanAction.ServiceType.VOCATIONAL_REHABILITATION,
            teemu,
            45,
        ),
    ):
        services.add_action(
            plan,
            by=alice,
            goal=goal,
            description=description,
            service_type=service,
            responsible_user=user,
            due_date=today + datetime.timedelta(days=days),
        )
    plan.refresh_from_db()
    services.agree_plan(plan, by=alice, lock_version=plan.lock_version, method="in_meeting")
    for days, score, domains in (
        (120, 4, {"physical_functioning": 5, "mental_wellbeing": 3, "competence": 6}),
        (1, 6, {"physical_functioning": 6, "mental_wellbeing": 6, "competence": 5}),
    ):
        WorkAbilityAssessment.objects.create(
            client=network.client,
            assessed_by=alice,
            assessed_on=today - datetime.timedelta(days=days),
            kind="self",
            score=score,
            everyday_coping=7,
            motivation_values=8,
            social_participation=5,
            work_environment=4,
            **domains,
        )
    plan.refresh_from_db()
    return {**cast, "plan": plan}


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _buttons_inside_their_cells(page):
    """Every button of the actions table lies within its cell (nothing cut off)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.plan-actions .btn')].every(b => {
            const cell = b.closest('td').getBoundingClientRect();
            const box = b.getBoundingClientRect();
            return box.left >= cell.left - 1 && box.right <= cell.right + 1;
        })"""
    )


def _narrowest_description(page):
    return page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('.plan-actions td.col-action')]
            .map(td => td.getBoundingClientRect().width))"""
    )


def _edit_first_action(page, cast, plan, screenshot):
    """The coordinator moves the first action's due date and hands it to alice; a due
    date before the plan started is refused next to the field first."""
    action = plan.actions.order_by("position").first()
    page.locator(f"#action-{action.uuid} .action-edit").click()
    page.wait_for_url(re.compile(r".*/plans/actions/[0-9a-f-]{36}/edit/$"))
    expect(page.locator("#in-force-badge")).to_be_visible()
    too_early = timezone.localdate(plan.created_at) - datetime.timedelta(days=2)
    page.fill("#id_edit-due_date", too_early.isoformat())
    page.click("#action-edit-form button[type=submit]")
    expect(page.locator("#id_edit-due_date")).to_have_class(re.compile("is-invalid"))
    screenshot("1366-edit-error")
    new_due = timezone.localdate() + datetime.timedelta(days=21)
    page.fill("#id_edit-due_date", new_due.isoformat())
    page.select_option("#id_edit-responsible_user", value=str(cast["alice"].pk))
    page.click("#action-edit-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/plans/[0-9a-f-]{36}/#h-actions$"))
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".plan-change")).to_have_count(1)
    expect(page.locator(".plan-change")).to_contain_text("Kaisa Koordinaattori")
    action.refresh_from_db()
    assert action.due_date == new_due and action.responsible_user == cast["alice"]
    return action


def test_a_coordinator_edits_an_action_and_reviews_the_plan_in_force(
    page, live_server, plan_in_force, login_as, screenshot
):
    cast, plan = plan_in_force, plan_in_force["plan"]
    login_as(cast["kaisa"])
    page.set_viewport_size(DESKTOP)
    url = f"{live_server.url}/plans/{plan.uuid}/"
    page.goto(url)
    screenshot("1366-plan-in-force")
    expect(page.locator("#in-force-badge")).to_be_visible()
    expect(page.locator(".plan-action")).to_have_count(3)
    assert _no_horizontal_scroll(page)
    assert _buttons_inside_their_cells(page)
    assert _narrowest_description(page) > 200  # words whole, not a letter per line
    expect(page.locator("#domain-trend")).to_be_visible()

    action = _edit_first_action(page, cast, plan, screenshot)

    # A review: the version in force stays in force, its number unchanged.
    page.click("#review-form-box > summary")
    page.fill("#id_review-summary", "Työkokeilupaikka löytyi; terveystarkastus odottaa.")
    goal = plan.goals.get()
    page.select_option(f"#id_review-progress_{goal.pk}", value="not_started")
    page.fill(
        "#id_review-next_review_date",
        (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
    )
    page.click("#review-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/plans/[0-9a-f-]{36}/#h-reviews$"))
    expect(page.locator("#plan-status")).to_contain_text("1")
    expect(page.locator("#in-force-badge")).to_be_visible()
    expect(page.locator(".plan-review")).to_have_count(1)
    assert ServicePlan.objects.filter(network=plan.network).count() == 1
    plan.refresh_from_db()
    assert (plan.version, plan.status) == (1, "agreed")
    assert plan.goals.get().status == "not_started"
    screenshot("1366-after-review")

    # The same page on a phone: the actions as cards, nothing wider than the screen.
    page.set_viewport_size(PHONE)
    page.goto(url)
    assert _no_horizontal_scroll(page)
    assert _buttons_inside_their_cells(page)
    screenshot("375-plan-in-force")
    page.goto(f"{live_server.url}/plans/actions/{action.uuid}/edit/")
    assert _no_horizontal_scroll(page)
    screenshot("375-edit")


def test_the_domains_and_the_group_means_are_shown(
    page, live_server, plan_in_force, login_as, screenshot
):
    login_as(plan_in_force["kaisa"])
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/clients/{plan_in_force['plan'].client.uuid}/")
    expect(page.locator("#domain-table .domain-row")).to_have_count(7)
    screenshot("1366-client-domains")
    page.goto(f"{live_server.url}/metrics/work-ability/?period=quarter")
    expect(page.locator("table[data-table=work_ability_self]")).to_be_visible()
    screenshot("1366-group-means")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/clients/{plan_in_force['plan'].client.uuid}/")
    screenshot("375-client-domains")
