"""The client's own voice in headless Chromium: after a network meeting the coordinator
shows a one-time link as a QR code; on a 375 px phone the client opens it without an
account, switches to plain Finnish and answers the feedback, then with a second link
makes their own assessment of their work ability; the manager's dashboard shows the
answers once there are five. Screenshots go to var/screenshots/."""

import datetime
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import WorkAbilityAssessment
from clients.tests.factories import ClientFactory
from coordination.models import User
from coordination.tests.factories import OrganizationFactory, UserFactory
from networks import services as network_services
from networks.tests.factories import MeetingFactory
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_accessibility import AXE_OPTIONS, SERIOUS
from voice import services
from voice.models import FeedbackAnswer, Touchpoint

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
# The radio buttons' ids by the answer's value: yes, partly, no.
CHOICE_INDEX = {"2": 0, "1": 1, "0": 2}


@pytest.fixture
def world(transactional_db):
    hub = OrganizationFactory(name="Työikäisten koordinaatio", kind="social_services", is_hub=True)
    kaisa = UserFactory(
        username="kaisa",
        first_name="Kaisa",
        last_name="Koordinaattori",
        organization=hub,
        role=User.Role.COORDINATOR,
    )
    eero = UserFactory(username="eero", first_name="Eero", organization=hub, role=User.Role.MANAGER)
    client = ClientFactory(first_name="Matti", last_name="Meikäläinen", municipality="564")
    network = network_services.form_network(by=kaisa, client=client)
    meeting = MeetingFactory(
        network=network, starts_at=timezone.now() - datetime.timedelta(hours=1), created_by=kaisa
    )
    # Four earlier answers and self-assessments today: the client's own make five.
    FeedbackAnswer.objects.bulk_create(
        FeedbackAnswer(
            touchpoint=Touchpoint.NETWORK_MEETING,
            organization=hub,
            answered_on=timezone.localdate(),
            heard=2,
            understood=2,
            knows_next=2,
            recommends=2,
        )
        for _ in range(4)
    )
    for score in (5, 6, 7, 8):
        other = network_services.form_network(by=kaisa, client=ClientFactory())
        link, _token = services.create_link(
            obj=MeetingFactory(network=other, created_by=kaisa),
            purpose="self_assessment",
            by=kaisa,
        )
        services.submit_self_assessment(link, score=score)
    return {"kaisa": kaisa, "eero": eero, "meeting": meeting, "client": client}


def no_serious_violations(target) -> bool:
    """axe-core on the page as it is (WCAG 2.1 A/AA), like tests/e2e/test_accessibility.py:
    the client's pages answer 404 to its made-up token, so they are checked here."""
    result = Axe().run(target, options=AXE_OPTIONS).response
    found = {v["id"]: v["impact"] for v in result["violations"] if v["impact"] in SERIOUS}
    assert not found, found
    return True


def phone_shot(mobile, step: str) -> None:
    """The phone's page, beside the `screenshot` fixture's files."""
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    mobile.screenshot(path=str(folder / f"client-voice-{step}.png"), full_page=True)


def _make_link(page, live_server, meeting, button_text) -> str:
    page.goto(f"{live_server.url}/networks/meetings/{meeting.uuid}/")
    page.get_by_role("button", name=button_text).click()
    page.wait_for_url(re.compile(r".*/client-links/[0-9a-f-]{36}/$"))
    expect(page.locator(".qr-code svg")).to_be_visible()
    return page.locator(".qr-code + p code").inner_text()


def test_client_answers_through_links_and_the_manager_sees_five(
    page, browser, live_server, login_as, world, screenshot
):
    kaisa, meeting, client = world["kaisa"], world["meeting"], world["client"]
    login_as(kaisa)
    page.set_viewport_size({"width": 1366, "height": 900})
    feedback_url = _make_link(page, live_server, meeting, "Palautelinkki")
    assert "/c/feedback/" in feedback_url
    assert str(client.uuid) not in feedback_url
    screenshot("01-qr-code")
    page.get_by_role("link", name="Tulostusnäkymä").click()
    expect(page.locator(".link-print .qr-code svg")).to_be_visible()
    screenshot("02-print-view")
    self_url = _make_link(page, live_server, meeting, "Oman arvion linkki")

    # The client's phone: no login, no cookies of the coordinator.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    mobile.goto(feedback_url)
    mobile.get_by_role("link", name="Selkosuomi").click()
    expect(mobile.locator("h1")).to_have_text("Kerro mielipiteesi")
    expect(mobile.get_by_text("Kuunneltiinko sinua?")).to_be_visible()
    # Nothing wider than the phone's screen.
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for question, answer in (
        ("heard", "2"),
        ("understood", "1"),
        ("knows_next", "2"),
        ("recommends", "2"),
    ):
        mobile.locator(f"label[for=id_{question}_{CHOICE_INDEX[answer]}]").click()
    mobile.fill("#id_free_text", "Minua kuunneltiin. <script>alert(1)</script>")
    phone_shot(mobile, "03-phone-feedback")
    assert no_serious_violations(mobile)
    mobile.get_by_role("button", name="Lähetä").click()
    expect(mobile.locator("h1")).to_have_text("Kiitos!")
    phone_shot(mobile, "04-phone-thanks")
    # Opened again: used.
    mobile.goto(feedback_url)
    expect(mobile.locator("h1")).to_have_text("Linkki ei toimi")
    assert no_serious_violations(mobile)

    mobile.goto(self_url + "?lang=selko")
    expect(mobile.locator("h1")).to_have_text("Oma arviosi työkyvystäsi")
    mobile.locator("label[for=id_score_6]").click()
    mobile.locator("label[for=id_mental_wellbeing_5]").click()
    mobile.fill("#id_narrative", "Jaksan paremmin kuin keväällä.")
    phone_shot(mobile, "05-phone-self-assessment")
    assert no_serious_violations(mobile)
    mobile.get_by_role("button", name="Lähetä").click()
    expect(mobile.locator("h1")).to_have_text("Kiitos!")
    phone.close()

    own = WorkAbilityAssessment.objects.get(client=client)
    assert (own.kind, own.score, own.mental_wellbeing) == ("self", 6, 4)

    # The manager: five answers, and the mean of five self-assessments (5+6+7+8+6)/5.
    login_as(world["eero"])
    page.goto(f"{live_server.url}/metrics/")
    feedback = page.locator("table[data-table=client_feedback] tbody tr").first
    expect(feedback).to_contain_text("Verkostopalaveri")
    expect(feedback.locator("td").nth(1)).to_have_text("5")
    expect(page.locator("table[data-table=self_assessment_mean] tfoot")).to_contain_text(
        re.compile(r"6[,.]4")
    )
    screenshot("06-dashboard")
    folder = Path(SCREENSHOTS)
    for key in ("client_feedback", "self_assessment_mean"):
        page.locator(f"#section-{key}").screenshot(
            path=str(folder / f"client-voice-07-dashboard-{key}.png")
        )
