"""One morning, end to end in headless Chromium, through the UI alone once the world is
built: the coordinator opens the urgent request from her home page's worklist and asks
the requester for more information; the requester finds the question on her own home
page, opens the request from there and replies; the coordinator reads the reply, answers
and forms a client network from the request with the requester as a member; the
requester finds the new network, her role in it and an inbox item on her home page.
Screenshots at 1366 px and 375 px go to var/screenshots/."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import require_chromium
from coordination.models import ConsultationRequest
from coordination.tests.factories import ConsultationFactory
from inbox.models import InboxItem
from networks.models import ClientNetwork

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 375, "height": 800}
QUESTION = "Onko asiakkaalla voimassa oleva lääkärinlausunto työkyvystä?"
REPLY = "On, lausunto on kirjoitettu viime viikolla. Asiakas toivoo verkostotapaamista."


def _ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def log_in(page, live_server, username, password):
    """The login form, as a person uses it (not a session handed to the browser)."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form [type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def both_widths(page, screenshot, step):
    """Screenshots at both widths; at 375 px nothing may be wider than the screen."""
    page.set_viewport_size(WIDE)
    screenshot(f"{step}-1366")
    page.set_viewport_size(NARROW)
    screenshot(f"{step}-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], step
    page.set_viewport_size(WIDE)


@pytest.fixture
def morning(alice, olli, kaisa, kela):
    """Two ordinary requests that have waited longer, and alice's urgent one about Ville."""
    return {
        "older": ConsultationFactory(requester=olli, submitted_at=_ago(6)),
        "old": ConsultationFactory(requester=olli, submitted_at=_ago(3)),
        "urgent": ConsultationFactory(
            requester=alice,
            urgency=ConsultationRequest.Urgency.URGENT,
            submitted_at=_ago(1),
            client__first_name="Ville",
            client__last_name="Virtanen",
        ),
    }


def _coordinator_opens_the_urgent_request_and_asks(page, live_server, password, screenshot, urgent):
    # 1. The coordinator's home: "Minulle nyt", the urgent request first, opened from there.
    log_in(page, live_server, "kaisa", password)
    expect(page.locator("#now-heading")).to_have_text("Minulle nyt")
    items = page.locator("#now-requests .worklist-item")
    expect(items).to_have_count(3)
    expect(items.first).to_contain_text(urgent.reference)
    expect(items.first).to_contain_text("Kiireellinen")
    both_widths(page, screenshot, "1-coordinator-home")
    items.first.get_by_role("link", name=urgent.reference).click()
    page.wait_for_url(f"**/consultations/{urgent.uuid}/")
    expect(page.locator("h1")).to_contain_text(urgent.reference)

    # 2. She asks the requester for more information.
    page.fill("#id_ask-text", QUESTION)
    page.click("#ask-form button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".waiting-for-requester")).to_be_visible()
    expect(page.locator("#conversation")).to_contain_text(QUESTION)
    both_widths(page, screenshot, "2-request-with-question")


def _professional_finds_the_question_and_replies(page, live_server, password, screenshot, urgent):
    # 3. alice logs in: her home says the hub asks her; she opens the request from there.
    log_in(page, live_server, "alice", password)
    asked = page.locator("#now-more_information")
    expect(asked.locator("h3")).to_contain_text("Koordinaatiotiimi pyytää sinulta lisätietoja")
    expect(asked.locator(".worklist-item")).to_have_count(1)
    expect(asked.locator(".worklist-item")).to_contain_text(urgent.reference)
    both_widths(page, screenshot, "3-professional-home-with-question")
    asked.get_by_role("link", name=urgent.reference).click()
    page.wait_for_url(f"**/consultations/{urgent.uuid}/#conversation")
    expect(page.locator("#conversation")).to_contain_text(QUESTION)
    page.fill("#id_reply-text", REPLY)
    page.click("#reply-form button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#conversation")).to_contain_text(REPLY)
    expect(page.locator(".waiting-for-requester")).to_have_count(0)
    # Replied: her home no longer lists the request as waiting for her.
    page.goto(f"{live_server.url}/")
    expect(page.locator("#now-more_information .worklist-item")).to_have_count(0)


def _coordinator_answers_and_forms_a_network(page, live_server, password, urgent, alice, kela):
    """4. The coordinator reads the reply on the request, answers it and forms a network
    with alice in it; answers the label of the role she was given."""
    log_in(page, live_server, "kaisa", password)
    page.locator("#now-requests .worklist-item").first.get_by_role(
        "link", name=urgent.reference
    ).click()
    page.wait_for_url(f"**/consultations/{urgent.uuid}/")
    expect(page.locator("#conversation")).to_contain_text(REPLY)
    page.fill("#id_advice", "Verkostotapaaminen: terveysasema, Kela ja asiakas yhdessä.")
    page.click("#answer-form button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    page.get_by_role("button", name="Tarvitaan asiakasverkosto").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.click(f"a[href$='?consultation={urgent.uuid}']")
    # The consent: the requester's organisation is chosen already; Kela is searched for.
    health = page.locator(f"input[name=organizations][value='{alice.organization_id}']")
    expect(health).to_be_checked()
    page.fill("#id_organizations", "kela")
    page.check(f"input[name=organizations][value='{kela.pk}']")
    page.select_option("#id_method", value="written")
    page.click("form.border button[type=submit]")
    page.wait_for_url(re.compile(r".*/networks/[0-9a-f-]{36}/$"))
    page.select_option("#id_pro-user", value=str(alice.pk))
    role = page.locator("#id_pro-role")
    role.select_option(value="responsible_worker")
    role_label = role.locator("option:checked").inner_text().strip()
    page.click("#professional-form button[type=submit]")
    expect(page.locator(".network-member")).to_have_count(1)
    expect(page.locator(".network-member")).to_contain_text("Alice")
    return role_label


def _professional_finds_the_network(page, live_server, password, screenshot, role_label):
    # 5. alice logs in: the new network and her role on her home, and an inbox item.
    log_in(page, live_server, "alice", password)
    networks = page.locator("#now-networks .worklist-item")
    expect(networks).to_have_count(1)
    expect(networks).to_contain_text("Virtanen")
    expect(networks).to_contain_text(role_label)
    expect(page.locator("a.nav-link[href='/inbox/'] .badge")).to_be_visible()
    expect(page.locator(".new-for-you")).to_contain_text("Uutta sinulle")
    expect(page.locator(".new-for-you")).to_contain_text("Sinut lisättiin asiakasverkostoon")
    both_widths(page, screenshot, "4-professional-home-with-network")
    networks.get_by_role("link").click()
    page.wait_for_url(re.compile(r".*/networks/[0-9a-f-]{36}/$"))
    expect(page.locator("h1")).to_contain_text("Virtanen")


def test_a_morning_from_urgent_request_to_client_network(
    page, live_server, alice, kaisa, kela, password, screenshot, morning
):
    require_chromium()
    page.set_default_timeout(15_000)
    page.set_viewport_size(WIDE)
    urgent = morning["urgent"]

    _coordinator_opens_the_urgent_request_and_asks(page, live_server, password, screenshot, urgent)
    _professional_finds_the_question_and_replies(page, live_server, password, screenshot, urgent)
    role_label = _coordinator_answers_and_forms_a_network(
        page, live_server, password, urgent, alice, kela
    )
    _professional_finds_the_network(page, live_server, password, screenshot, role_label)

    # What the story left behind, read once at the end.
    urgent.refresh_from_db()
    assert urgent.status == ConsultationRequest.Status.NETWORK_FORMED
    network = ClientNetwork.objects.get(origin_consultation=urgent)
    assert network.members.get().user == alice
    assert InboxItem.objects.filter(recipient=alice, kind="added_to_network").count() == 1
