"""Issue 8 end to end, in headless Chromium: a job coach takes a waiting referral on the
caseload page, records two employer contacts and a job start on the open labour market
through the forms, and the manager's dashboard shows the start in the "IPS job coaching
and health checks" panel. Screenshots go to var/screenshots/test_coach_records_a_job_
start_and_the_dashboard_shows_it-*.png.

Four clients of the same team already started work this quarter, and five more are in
coaching without a job. Before the coach's work the quarter has 9 clients served and 4
starts – shown as "<5", and no rate (it could reveal a group smaller than five). After
it: 10 served, 5 started on the open labour market, 50.0 % – the IPS "excellent" level."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching.models import EmployerContact, JobStart, Referral
from coaching.tests.factories import (
    CoachFactory,
    EmployerFactory,
    JobStartFactory,
    ReferralFactory,
    TeamFactory,
)
from conftest import require_chromium
from coordination.models import User
from coordination.tests.factories import OrganizationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _panel_shot(page, full_page_path):
    """The dashboard is long: the IPS panel on its own too, readable at full size."""
    panel = full_page_path.with_name(full_page_path.stem + "-panel.png")
    page.locator("#panel-ips").screenshot(path=str(panel))


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@pytest.fixture
def team_and_caseload(transactional_db):
    today = timezone.localdate()
    quarter = _quarter_start(today)
    hub = OrganizationFactory(name="Työikäisten koordinaatio", kind="social_services", is_hub=True)
    kaisa = UserFactory(
        username="kaisa", first_name="Kaisa", last_name="Koordinaattori", organization=hub,
        role=User.Role.COORDINATOR,
    )  # fmt: skip
    eero = UserFactory(
        username="eero", first_name="Eero", last_name="Esihenkilö", organization=hub,
        role=User.Role.MANAGER,
    )  # fmt: skip
    team = TeamFactory(name="Oulun työhönvalmennus")
    coach = CoachFactory(
        username="valmentaja", first_name="Ville", last_name="Valmentaja", organization=team
    )
    colleague = CoachFactory(username="kollega", organization=team)
    cafe = EmployerFactory(name="Kahvila Kulma Oy")
    EmployerFactory(name="Rautakauppa Ruuvi Oy")
    # The team's earlier work this quarter: nine clients of a colleague, four of them at work.
    for n in range(9):
        referral = ReferralFactory(
            coach=colleague,
            team=team,
            referred_on=quarter - datetime.timedelta(days=5),
            taken_on=quarter,
        )
        if n < 4:
            JobStartFactory(referral=referral, employer=cafe, started_on=today)
    waiting = ReferralFactory(
        client__first_name="Matti",
        client__last_name="Meikäläinen",
        client__life_situation="unemployed_registered",
        coach=None,
        team=team,
        status=Referral.Status.WAITING,
        taken_on=None,
        referred_by=kaisa,
        referred_on=today - datetime.timedelta(days=2),
    )
    return {"coach": coach, "eero": eero, "waiting": waiting, "today": today}


def test_coach_records_a_job_start_and_the_dashboard_shows_it(
    page, live_server, login_as, screenshot, team_and_caseload
):
    require_chromium()
    coach, eero, waiting = (team_and_caseload[k] for k in ("coach", "eero", "waiting"))
    page.set_viewport_size({"width": 1280, "height": 900})
    ips_row = page.locator("table[data-table=ips_employment] tbody tr").last

    # The manager's dashboard before: 9 served, 4 starts hidden as "<5", no rate.
    login_as(eero)
    page.goto(f"{live_server.url}/metrics/")
    expect(page.locator("#panel-ips")).to_be_visible()
    expect(ips_row.locator("td").nth(0)).to_have_text("9")
    expect(ips_row.locator("td").nth(1)).to_have_text("<5")
    expect(page.locator("[data-metric=clients_in_coaching]")).to_have_text("9")
    _panel_shot(page, screenshot("1-dashboard-before"))
    page.context.clear_cookies()

    # The coach takes the waiting referral on the caseload page.
    login_as(coach)
    page.goto(f"{live_server.url}/coaching/")
    expect(page.locator("#waiting-table")).to_contain_text("Meikäläinen")
    screenshot("2-caseload-waiting")
    page.click(f"#take-{waiting.uuid}")
    page.wait_for_url(f"**/coaching/{waiting.uuid}/")
    expect(page.locator("#referral-status")).to_have_attribute("data-status", "active")

    # Two employer contacts through the form.
    for employer, kind, outcome in [
        ("Rautakauppa Ruuvi Oy", "phone", "no_vacancy"),
        ("Kahvila Kulma Oy", "visit", "interview_agreed"),
    ]:
        page.click("#contact-link")
        page.wait_for_selector("#employer-contact-form")
        page.select_option("#id_employer", label=employer)
        page.select_option("#id_kind", kind)
        page.select_option("#id_outcome", outcome)
        if outcome == "interview_agreed":
            page.check("#id_hidden_job")
            screenshot("3-employer-contact-form")
        page.click("#employer-contact-form-submit")
        page.wait_for_url(f"**/coaching/{waiting.uuid}/")
    assert EmployerContact.objects.filter(referral=waiting).count() == 2

    # The job start on the open labour market.
    page.click("#job-start-link")
    page.wait_for_selector("#job-start-form")
    page.select_option("#id_employer", label="Kahvila Kulma Oy")
    page.fill("#id_job_title", "Kahvilatyöntekijä")
    page.fill("#id_started_on", team_and_caseload["today"].isoformat())
    page.fill("#id_hours_per_week", "25")
    expect(page.locator("#id_open_labour_market")).to_be_checked()
    screenshot("4-job-start-form")
    page.click("#job-start-form-submit")
    page.wait_for_url(f"**/coaching/{waiting.uuid}/**")
    expect(page.locator("#turning-point")).to_be_visible()
    screenshot("5-referral-after-start")
    job = JobStart.objects.get(referral=waiting)
    assert job.open_labour_market and job.hours_per_week == 25
    page.context.clear_cookies()

    # The manager's dashboard after: 10 served, 5 started, 50.0 % (excellent).
    login_as(eero)
    page.goto(f"{live_server.url}/metrics/")
    expect(ips_row.locator("td").nth(0)).to_have_text("10")
    expect(ips_row.locator("td").nth(1)).to_have_text("5")
    expect(ips_row.locator("td").nth(2)).to_have_text("50,0")  # Finnish decimal comma
    expect(page.locator("[data-metric=clients_in_coaching]")).to_have_text("10")
    expect(page.locator("[data-metric=competitive_employment_rate]")).to_contain_text("50,0")
    _panel_shot(page, screenshot("6-dashboard-after"))
