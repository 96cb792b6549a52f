"""The plan pages: the access matrix, the locking conflict, bad input, versions and
"Omat toimenpiteet"."""

import datetime

import pytest
from django.urls import reverse

from clients.models import AccessLog
from networks import services as network_services
from serviceplans import services
from serviceplans.models import PlanAction, ServicePlan
from serviceplans.tests.conftest import agree

pytestmark = pytest.mark.django_db


def plan_url(plan):
    return reverse("serviceplans:plan_detail", args=[plan.uuid])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("alice", 200),  # the responsible worker
        ("teemu", 200),  # a member from the employment services
        ("kaisa", 200),  # the hub's coordinator
        ("olli", 404),  # Kela, not in the network: the outsider
        ("eero", 404),  # the manager sees aggregates only
        ("ylva", 404),  # the administrator sees no client content
    ],
    indirect=["persona"],
)
def test_plan_page_access_matrix(client, plan, persona, expected):
    client.force_login(persona)
    assert client.get(plan_url(plan)).status_code == expected
    assert client.get(reverse("serviceplans:my_actions")).status_code in (200, 404)


def test_a_member_who_leaves_loses_the_plan_at_once(client, plan, network, kaisa, teemu):
    client.force_login(teemu)
    assert client.get(plan_url(plan)).status_code == 200
    network_services.remove_network_member(
        network.members.get(user=teemu), by=kaisa, reason="Ei enää tarpeen."
    )
    assert client.get(plan_url(plan)).status_code == 404
    action = plan.actions.get(responsible_user=teemu)
    response = client.post(
        reverse("serviceplans:action_status", args=[action.uuid]), {"status": "done"}
    )
    assert response.status_code == 404


def test_reading_the_plan_is_logged(client, plan, alice):
    client.force_login(alice)
    client.get(plan_url(plan))
    assert AccessLog.objects.filter(
        user=alice, client=plan.client, action="view", object_kind="service_plan"
    ).exists()


def test_second_save_with_a_stale_form_is_refused_and_the_text_kept(client, plan, alice, teemu):
    stale = plan.lock_version
    client.force_login(alice)
    response = client.post(
        reverse("serviceplans:plan_edit", args=[plan.uuid]),
        {"plan-lock_version": stale, "plan-client_goals": "Alicen versio"},
    )
    assert response.status_code == 302
    client.force_login(teemu)
    response = client.post(
        reverse("serviceplans:plan_edit", args=[plan.uuid]),
        {"plan-lock_version": stale, "plan-client_goals": "Teemun <b>versio</b>"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this plan" in html or "Joku muu" in html
    # Teemu's text is still in the form (escaped), and the saved one is shown beside it.
    assert "Teemun &lt;b&gt;versio&lt;/b&gt;" in html
    assert "Alicen versio" in html
    plan.refresh_from_db()
    assert plan.client_goals == "Alicen versio"
    # Having compared, Teemu saves again from the re-shown form: now it goes through.
    form = response.context["plan_form"]
    assert form["lock_version"].value() == str(plan.lock_version)
    response = client.post(
        reverse("serviceplans:plan_edit", args=[plan.uuid]),
        {"plan-lock_version": form["lock_version"].value(), "plan-client_goals": "Yhdessä"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.client_goals == "Yhdessä"


def test_action_without_responsible_and_before_the_plan_gives_field_errors(client, plan, alice):
    client.force_login(alice)
    before = plan.actions.count()
    response = client.post(
        reverse("serviceplans:action_add", args=[plan.uuid]),
        {
            "action-description": "Velkaneuvonta",
            "action-service_type": "debt_counselling",
            "action-due_date": "2001-01-01",
        },
    )
    assert response.status_code == 400
    form = response.context["action_form"]
    assert "responsible_organization" in form.errors and "due_date" in form.errors
    assert plan.actions.count() == before


def test_agree_review_then_revise_makes_version_2(client, plan, alice, today):
    client.force_login(alice)
    plan.refresh_from_db()
    response = client.post(
        reverse("serviceplans:plan_agree", args=[plan.uuid]),
        {"agree-lock_version": plan.lock_version, "agree-agreement_method": "written"},
    )
    assert response.status_code == 302
    goals = list(plan.goals.all())
    data = {
        "review-reviewed_on": today.isoformat(),
        "review-summary": "Edistyy.",
        "review-next_review_date": (today + datetime.timedelta(days=30)).isoformat(),
    }
    for goal in goals:
        data[f"review-progress_{goal.pk}"] = "progressing"
    response = client.post(reverse("serviceplans:review_add", args=[plan.uuid]), data)
    assert response.status_code == 302
    assert response.url == plan_url(plan) + "#h-reviews"
    assert ServicePlan.objects.filter(network=plan.network).count() == 1
    response = client.post(reverse("serviceplans:plan_revise", args=[plan.uuid]))
    draft = ServicePlan.objects.get(network=plan.network, version=2)
    assert response.url == plan_url(draft)
    page = client.get(plan_url(draft))
    assert page.status_code == 200 and page.context["previous"].pk == plan.pk
    compare = client.get(reverse("serviceplans:plan_compare", args=[draft.uuid]))
    assert compare.status_code == 200
    assert compare.context["old"] == plan


def test_a_review_date_in_the_past_is_refused(client, plan, alice, today):
    agree(plan, alice)
    client.force_login(alice)
    data = {
        "review-reviewed_on": today.isoformat(),
        "review-summary": "Edistyy.",
        "review-next_review_date": (today - datetime.timedelta(days=1)).isoformat(),
    }
    for goal in plan.goals.all():
        data[f"review-progress_{goal.pk}"] = "progressing"
    response = client.post(reverse("serviceplans:review_add", args=[plan.uuid]), data)
    assert response.status_code == 400
    assert "next_review_date" in response.context["review_form"].errors
    assert ServicePlan.objects.filter(network=plan.network).count() == 1


def test_my_actions_lists_overdue_first(client, plan, teemu, alice, today):
    overdue = plan.actions.create(
        description="Myöhässä",
        service_type="social_work",
        responsible_user=teemu,
        due_date=today - datetime.timedelta(days=2),
    )
    client.force_login(teemu)
    response = client.get(reverse("serviceplans:my_actions"))
    rows = response.context["actions"]
    assert rows[0] == overdue
    assert all(a.responsible_user_id == teemu.pk for a in rows)


def _many_plans(kaisa, teemu, alice, count, today):
    from clients.tests.factories import ClientFactory
    from networks.models import NetworkMember
    from networks.tests.factories import network_consent

    for _ in range(count):
        network = network_services.form_network(by=kaisa, client=ClientFactory())
        network_consent(network.client, [teemu.organization], kaisa)
        network_services.add_network_member(
            network, by=kaisa, user=teemu, role=NetworkMember.Role.TE_EXPERT
        )
        plan = services.create_plan(network, by=kaisa)
        for n in range(3):
            services.add_action(
                plan,
                by=kaisa,
                description=f"Toimenpide {n}",
                service_type="work_trial",
                responsible_user=teemu,
                due_date=today + datetime.timedelta(days=n),
            )


@pytest.mark.parametrize("rows", [1, 12])
def test_my_actions_queries_do_not_grow_with_rows(
    client, kaisa, teemu, alice, rows, today, django_assert_num_queries
):
    _many_plans(kaisa, teemu, alice, rows, today)
    client.force_login(teemu)
    # Expect 10 queries:
    #  1 the session, 2 the user,
    #  3 the open actions with their plans, clients, organisations and goals (one join),
    #  4 the user's reminders,
    #  5 the access log rows (one bulk INSERT),
    #  6 the unread notifications count, 7 the user's organisation (navigation),
    #  8-10 the session renewed: SAVEPOINT, UPDATE, RELEASE.
    with django_assert_num_queries(10):
        response = client.get(reverse("serviceplans:my_actions"))
    assert len(response.context["actions"]) == rows * 3


@pytest.mark.parametrize("rows", [1, 15])
def test_plan_page_queries_do_not_grow_with_rows(
    client, plan, alice, rows, today, django_assert_num_queries
):
    for n in range(rows):
        goal = services.add_goal(plan, by=alice, text=f"Tavoite {n}", domain="work")
        services.add_action(
            plan,
            by=alice,
            goal=goal,
            description=f"Toimenpide {n}",
            service_type="education",
            responsible_user=alice,
            due_date=today,
        )
    agree(plan, alice)
    goals = list(plan.goals.all())
    services.record_review(
        plan,
        by=alice,
        summary="Arvio",
        next_review_date=None,
        progress=dict.fromkeys(goals, ("progressing", "")),
    )
    plan.refresh_from_db()
    client.force_login(alice)
    # Expect 19 queries:
    #  1 the session, 2 the user,
    #  3 the plan with its network and client (access through active membership),
    #  4 the access log row,
    #  5 the versions, 6 the goals, 7 the actions with people, organisations and goals,
    #  7b the actions removed from the draft, with who removed them,
    #  8 the reviews of this and earlier versions, 9 their goal progress, 10 its goals,
    #  11 the PDF documents, 12 the two latest assessments,
    #  13 the plan's history of changes with who made them, 14 the removed actions,
    #  15 "can edit": the user's active membership,
    #  16 the client's latest self-assessment, 17 the client's one-time links of the plan,
    #  18 the unread inbox count, 19 the user's organisation (navigation),
    #  20-22 the session renewed: SAVEPOINT, UPDATE, RELEASE.
    with django_assert_num_queries(22):
        response = client.get(plan_url(plan))
    assert len(response.context["actions"]) == rows + 2


def test_action_status_done_sets_done_at(client, plan, teemu):
    action = plan.actions.get(responsible_user=teemu)
    client.force_login(teemu)
    client.post(
        reverse("serviceplans:action_status", args=[action.uuid]),
        {"status": "done", "next": "mine"},
    )
    action.refresh_from_db()
    assert action.status == PlanAction.Status.DONE and action.done_at is not None


@pytest.mark.parametrize("persona", ["olli", "eero"], indirect=True)
def test_every_plan_url_is_404_for_those_without_access(client, plan, network, persona):
    action = plan.actions.first()
    client.force_login(persona)
    gets = [
        reverse("serviceplans:plan_detail", args=[plan.uuid]),
        reverse("serviceplans:plan_compare", args=[plan.uuid]),
        reverse("serviceplans:pdf_status", args=[plan.uuid]),
        reverse("serviceplans:plan_for_network", args=[network.uuid]),
    ]
    posts = [
        reverse("serviceplans:plan_edit", args=[plan.uuid]),
        reverse("serviceplans:goal_add", args=[plan.uuid]),
        reverse("serviceplans:action_add", args=[plan.uuid]),
        reverse("serviceplans:plan_agree", args=[plan.uuid]),
        reverse("serviceplans:plan_revise", args=[plan.uuid]),
        reverse("serviceplans:review_add", args=[plan.uuid]),
        reverse("serviceplans:pdf_request", args=[plan.uuid]),
        reverse("serviceplans:action_status", args=[action.uuid]),
        reverse("serviceplans:action_remove", args=[action.uuid]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"status": "done"}).status_code == 404, url
    assert plan.actions.count() == 2


def test_a_decision_becomes_an_action_from_the_meeting_page(
    client, plan, network, kaisa, teemu, olli
):
    from django.utils import timezone

    from networks.tests.factories import MeetingFactory

    meeting = MeetingFactory(
        network=network, starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    member = network.members.get(user=teemu)
    network_services.record_meeting_minutes(
        meeting,
        by=kaisa,
        attendees=[member],
        minutes="Sovittiin.",
        decisions=[{"text": "Velkaneuvontaan ajanvaraus", "responsible": member}],
    )
    decision = meeting.decisions.get()
    client.force_login(kaisa)
    page = client.get(reverse("networks:meeting_detail", args=[meeting.uuid])).content.decode()
    assert reverse("serviceplans:decision_to_action", args=[decision.uuid]) in page
    url = reverse("serviceplans:decision_to_action", args=[decision.uuid])
    client.force_login(olli)
    assert client.post(url, {"service_type": "debt_counselling"}).status_code == 404
    client.force_login(kaisa)
    response = client.post(url, {"service_type": "debt_counselling"})
    assert response.status_code == 302 and response.url.endswith("#h-actions")
    action = plan.actions.get(decision=decision)
    assert (action.responsible_user, action.service_type) == (teemu, "debt_counselling")
    # Twice is refused with a message, not a second action.
    client.post(url, {"service_type": "debt_counselling"})
    assert plan.actions.filter(decision=decision).count() == 1


def test_removing_an_action_asks_for_the_reason_and_keeps_it(client, plan, alice):
    action = plan.actions.get(service_type=PlanAction.ServiceType.WORK_TRIAL)
    client.force_login(alice)
    url = reverse("serviceplans:action_remove", args=[action.uuid])
    page = client.get(url)
    assert page.status_code == 200 and b'name="reason"' in page.content
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and refused.context["form"].errors["reason"]
    assert plan.actions.count() == 2
    response = client.post(url, {"reason": "Työkokeilu ei ole nyt ajankohtainen."})
    assert response.status_code == 302
    assert plan.actions.count() == 1
    removed = plan.removed_actions.get()
    assert removed.reason == "Työkokeilu ei ole nyt ajankohtainen." and removed.removed_by == alice
    shown = client.get(plan_url(plan)).content.decode()
    assert "Työkokeilu ei ole nyt ajankohtainen." in shown
