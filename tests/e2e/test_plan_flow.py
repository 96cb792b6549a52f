"""A network writes the client's individual service plan with the client's goals and three
actions from different organisations, agrees it, exports the PDF (rendered to PNG with
pdftoppm), reviews it (version 1 stays in force) and revises it into version 2 – in
headless Chromium. Screenshots go to var/screenshots/plan-*.png."""

import datetime
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from clients.models import Consent
from clients.tests.factories import ClientFactory, ConsentFactory
from conftest import require_chromium
from coordination.models import Organization, User
from coordination.tests.factories import TEST_PASSWORD, OrganizationFactory, UserFactory
from networks import services as network_services
from networks.models import NetworkMember
from serviceplans.models import PlanDocument, ServicePlan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def shoot(page):
    require_chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(step: str):
        page.screenshot(path=str(SCREENSHOTS / f"plan-{step}.png"), full_page=True)

    return shoot


@pytest.fixture
def people(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    hub = OrganizationFactory(name="Työikäisten koordinaatio", kind="social_services", is_hub=True)
    health = OrganizationFactory(name="Oulun sote-keskus Tuira", kind="health_centre")
    te = OrganizationFactory(name="Oulun työllisyysalue", kind=Organization.Kind.TE_OFFICE)
    kela = OrganizationFactory(name="Kela, Oulun palvelupiste", kind=Organization.Kind.KELA)
    kaisa = UserFactory(
        username="kaisa",
        first_name="Kaisa",
        last_name="Koordinaattori",
        organization=hub,
        role=User.Role.COORDINATOR,
    )
    alice = UserFactory(
        username="alice", first_name="Alice", last_name="Hoitaja", organization=health
    )
    teemu = UserFactory(username="teemu", first_name="Teemu", last_name="Työ", organization=te)
    olli = UserFactory(username="olli", first_name="Olli", last_name="Kela", organization=kela)
    client = ClientFactory(first_name="Matti", last_name="Meikäläinen")
    network = network_services.form_network(by=kaisa, client=client)
    consent = ConsentFactory(client=client, scope=Consent.Scope.NETWORK, recorded_by=kaisa)
    consent.organizations.set([health, te, kela])
    for user, role in (
        (alice, NetworkMember.Role.RESPONSIBLE_WORKER),
        (teemu, NetworkMember.Role.TE_EXPERT),
        (olli, NetworkMember.Role.KELA),
    ):
        network_services.add_network_member(network, by=kaisa, user=user, role=role)
    return {"kaisa": kaisa, "alice": alice, "teemu": teemu, "olli": olli, "network": network}


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _add_action(page, description, service, user, days):
    if not page.locator("#action-form").is_visible():
        page.click("#action-form-box > summary")
    page.fill("#id_action-description", description)
    page.select_option("#id_action-service_type", value=service)
    page.select_option("#id_action-responsible_user", value=str(user.pk))
    due = timezone.localdate() + datetime.timedelta(days=days)
    page.fill("#id_action-due_date", due.isoformat())
    page.click("#action-form button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()


def test_network_writes_agrees_exports_and_reviews_a_plan(page, live_server, people, shoot):
    network = people["network"]
    _login(page, live_server, "alice")  # the responsible worker writes with the client

    # 1. The network page offers to start the plan.
    page.goto(f"{live_server.url}/networks/{network.uuid}/")
    page.click("#plan-start")
    page.wait_for_url(re.compile(r".*/plans/[0-9a-f-]{36}/$"))
    plan = ServicePlan.objects.get()
    assert (plan.version, plan.status) == (1, "draft")

    # 2. The client's own goals, strengths and resources.
    page.fill("#id_plan-client_goals", "Haluan osa-aikatyötä kahvilasta ja säännöllisen arjen.")
    page.fill("#id_plan-strengths", "Hyvä asiakaspalvelija, tukena sisko. <b>ei lihavoitu</b>")
    page.fill(
        "#id_plan-next_review_date",
        (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
    )
    page.click("#plan-form button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    page.click("#goal-form-box > summary")
    page.fill("#id_goal-text", "Osa-aikatyö kahvilassa syksyyn mennessä")
    page.select_option("#id_goal-domain", value="work")
    page.click("#goal-form button[type=submit]")
    expect(page.locator(".plan-goal")).to_have_count(1)
    shoot("01-goals")

    # 3. Three actions from three organisations.
    _add_action(page, "Työttömien terveystarkastus", "unemployed_health_check", people["alice"], 14)
    _add_action(page, "IPS-työhönvalmennuksen aloitus", "ips_job_coaching", people["teemu"], 21)
    _add_action(page, "Kuntoutusrahan hakeminen", "benefits_guidance", people["olli"], 30)
    expect(page.locator(".plan-action")).to_have_count(3)
    organisations = set(plan.actions.values_list("responsible_organization__name", flat=True))
    assert len(organisations) == 3
    shoot("02-actions")

    # 4. The client agrees: the version is frozen.
    page.select_option("#id_agree-agreement_method", value="in_meeting")
    page.click("#agree-form button[type=submit]")
    expect(page.locator("#plan-status")).to_contain_text("1")
    plan.refresh_from_db()
    assert plan.status == "agreed"
    shoot("03-agreed")

    # 5. The PDF: queued, then ready (tasks run in-process in tests), downloaded.
    page.click("#pdf-button")
    expect(page.locator("#pdf-download")).to_be_visible()
    with page.expect_download() as download_info:
        page.click("#pdf-download")
    pdf_path = SCREENSHOTS / "plan-v1.pdf"
    download_info.value.save_as(str(pdf_path))
    document = PlanDocument.objects.get()
    assert document.status == "ready"
    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    text = "".join("".join(page.extract_text() for page in reader.pages).split())
    assert "Osa-aikatyökahvilassa" in text and "IPS-työhönvalmennuksenaloitus" in text
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        subprocess.run(
            [pdftoppm, "-png", "-r", "60", str(pdf_path), str(SCREENSHOTS / "plan-pdf")],
            check=True,
        )
    shoot("04-pdf-ready")

    # 6. A review at the follow-up: recorded on version 1, which stays in force; then the
    # network revises the plan ("Päivitä suunnitelma"), which starts version 2, a draft.
    page.click("#review-form-box > summary")
    page.fill("#id_review-summary", "Terveystarkastus tehty, valmennus alkanut hyvin.")
    goal = plan.goals.get()
    page.select_option(f"#id_review-progress_{goal.pk}", value="progressing")
    page.fill(
        "#id_review-next_review_date",
        (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
    )
    page.click("#review-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/plans/[0-9a-f-]{36}/#h-reviews$"))
    expect(page.locator("#plan-status")).to_contain_text("1")
    expect(page.locator("#in-force-badge")).to_be_visible()
    assert ServicePlan.objects.count() == 1
    page.click("#revise-button")
    page.wait_for_url(re.compile(r".*/plans/[0-9a-f-]{36}/$"))
    expect(page.locator("#plan-status")).to_contain_text("2")
    expect(page.locator("#draft-badge")).to_be_visible()
    version2 = ServicePlan.objects.get(version=2)
    assert version2.status == "draft" and version2.actions.count() == 3
    assert page.url.endswith(f"/plans/{version2.uuid}/")
    shoot("05-version-2")
    page.click("#compare-link")
    expect(page.locator("h1")).to_contain_text("2")
    shoot("06-compare")

    # 7. A work-ability assessment on the client's page: the score over time.
    from clients.services import record_assessment

    record_assessment(
        network.client,
        by=people["alice"],
        kind="self",
        score=4,
        assessed_on=timezone.localdate() - datetime.timedelta(days=120),
    )
    page.goto(f"{live_server.url}/clients/{network.client.uuid}/assessments/new/")
    page.fill("#id_assessed_on", timezone.localdate().isoformat())
    page.select_option("#id_kind", value="multi_professional")
    page.fill("#id_score", "11")
    page.click("#assessment-form button[type=submit]")
    expect(page.locator("#id_score")).to_have_class(re.compile("is-invalid"))
    shoot("07-assessment-error")
    page.fill("#id_score", "6")
    page.fill("#id_mental_wellbeing", "5")
    page.click("#assessment-form button[type=submit]")
    expect(page.locator("#was-table .was-row")).to_have_count(2)
    expect(page.locator("#was-chart")).to_be_visible()
    shoot("08-client-work-ability")
    page.goto(f"{live_server.url}/plans/{version2.uuid}/")
    expect(page.locator("#assessment-change")).to_contain_text("+2")

    # 8. teemu finds his action in "Omat toimenpiteet".
    page.context.clear_cookies()
    _login(page, live_server, "teemu")
    page.goto(f"{live_server.url}/plans/actions/")
    expect(page.locator(".my-action")).to_have_count(1)
    expect(page.locator(".my-actions")).to_contain_text("IPS-työhönvalmennuksen aloitus")
    shoot("09-my-actions")
