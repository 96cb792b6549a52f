"""A coordinator turns a consultation into a client network with members from three
organisations, schedules a meeting and records its minutes – in headless Chromium.
Screenshots go to var/screenshots/network-*.png."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from conftest import require_chromium
from coordination.models import ConsultationRequest, Organization, User
from coordination.tests.factories import (
    TEST_PASSWORD,
    ConsultationFactory,
    OrganizationFactory,
    UserFactory,
)
from networks.models import ClientNetwork, NetworkMeeting

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def shoot(page):
    require_chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(step: str):
        page.screenshot(path=str(SCREENSHOTS / f"network-{step}.png"), full_page=True)

    return shoot


@pytest.fixture
def people(transactional_db):
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
        username="alice",
        first_name="Alice",
        last_name="Hoitaja",
        title="sairaanhoitaja",
        organization=health,
    )
    teemu = UserFactory(username="teemu", first_name="Teemu", last_name="Työ", organization=te)
    olli = UserFactory(username="olli", first_name="Olli", last_name="Kela", organization=kela)
    consultation = ConsultationFactory(
        requester=alice,
        status=ConsultationRequest.Status.NETWORK_NEEDED,
        asked=["network"],
        client__first_name="Matti",
        client__last_name="Meikäläinen",
    )
    return {
        "kaisa": kaisa,
        "alice": alice,
        "teemu": teemu,
        "olli": olli,
        "health": health,
        "te": te,
        "kela": kela,
        "consultation": consultation,
    }


def _add_professional(page, user, role):
    page.select_option("#id_pro-user", value=str(user.pk))
    page.select_option("#id_pro-role", value=role)
    page.click("#professional-form button[type=submit]")


def test_coordinator_forms_a_network_schedules_and_records_a_meeting(
    page, live_server, people, shoot
):
    consultation = people["consultation"]
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "kaisa")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # 1. The consultation that needs a network offers to form it.
    page.goto(f"{live_server.url}/consultations/{consultation.uuid}/")
    shoot("01-consultation")
    page.click(f"a[href$='?consultation={consultation.uuid}']")
    expect(page.locator("h1")).to_be_visible()
    # The client's consent for the health centre and the employment services, now.
    # The requester's organisation is chosen already; the others are searched for.
    health = page.locator(f"input[name=organizations][value='{people['health'].pk}']")
    expect(health).to_be_checked()
    page.fill("#id_organizations", "työllisyys")
    page.check(f"input[name=organizations][value='{people['te'].pk}']")
    page.select_option("#id_method", value="written")
    shoot("02-form-network")
    page.click("form.border button[type=submit]")
    page.wait_for_url(re.compile(r".*/networks/[0-9a-f-]{36}/$"))
    network = ClientNetwork.objects.get()
    assert network.origin_consultation_id == consultation.pk
    consultation.refresh_from_db()
    assert consultation.status == ConsultationRequest.Status.NETWORK_FORMED

    # 2. Members from three organisations: the health centre, employment services, Kela.
    _add_professional(page, people["alice"], "responsible_worker")
    expect(page.locator(".network-member")).to_have_count(1)
    _add_professional(page, people["teemu"], "te_expert")
    expect(page.locator(".network-member")).to_have_count(2)
    _add_professional(page, people["olli"], "kela")
    # Kela is not covered: the page says so and offers the consent, Kela already chosen.
    expect(page.locator("#consent-missing")).to_be_visible()
    expect(page.locator(f"#consent-form input[value='{people['kela'].pk}']")).to_be_checked()
    shoot("03-consent-missing")
    page.select_option("#id_consent-method", value="verbal")
    page.click("#consent-form button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    _add_professional(page, people["olli"], "kela")
    expect(page.locator(".network-member")).to_have_count(3)
    page.click("#outside-form >> xpath=.. >> summary")
    page.fill("#id_out-name", "Maija Virtanen")
    page.fill("#id_out-organization_name", "Työnantaja, Rakennus Oy")
    page.select_option("#id_out-role", value="employer")
    page.fill("#id_out-email", "maija@example.invalid")
    page.click("#outside-form button[type=submit]")
    expect(page.locator(".network-member")).to_have_count(4)
    organisations = {m.organization_id for m in network.members.filter(user__isnull=False)}
    assert organisations == {people["health"].pk, people["te"].pk, people["kela"].pk}
    shoot("04-network-members")

    # 3. A meeting next week.
    page.click(f"a[href$='/networks/{network.uuid}/meetings/new/']")
    when = timezone.localtime() + datetime.timedelta(days=7)
    page.fill("#id_date", when.strftime("%Y-%m-%d"))
    page.fill("#id_time", "10:00")
    page.fill("#id_duration_minutes", "90")
    page.fill("#id_location", "Tuiran sote-keskus, neuvotteluhuone 2")
    page.fill("#id_agenda", "1. Asiakkaan tilanne ja tavoitteet\n2. Työkyvyn arvio\n3. Sopimukset")
    shoot("05-meeting-form")
    page.click("form.meeting-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/networks/meetings/[0-9a-f-]{36}/$"))
    meeting = NetworkMeeting.objects.get()
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "10:00"
    shoot("06-meeting")

    # 4. The meeting has been held: move it into the past (the clock, not the user,
    # makes this step possible), then record attendance, minutes and a decision.
    NetworkMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    page.reload()
    for member in network.members.filter(user__isnull=False):
        page.check(f"input[name=attendees][value='{member.pk}']")
    page.select_option("#id_client_present", value="yes")
    page.fill("#id_minutes", "Asiakas kertoi tavoitteekseen osa-aikatyön. Sovittiin työkokeilusta.")
    page.fill("#id_decisions-0-text", "Työkokeilu rakennusalalla selvitetään")
    page.select_option(
        "#id_decisions-0-responsible", value=str(network.members.get(user=people["teemu"]).pk)
    )
    page.click("#minutes-form button[type=submit]")
    expect(page.locator(".meeting-record")).to_be_visible()
    expect(page.locator(".decisions")).to_contain_text("Työkokeilu rakennusalalla")
    shoot("07-minutes")
    page.click(".minutes-details summary")
    shoot("07b-minutes-correct")
    meeting.refresh_from_db()
    assert meeting.status == NetworkMeeting.Status.HELD
    assert meeting.attendees.count() == 3
    assert meeting.client_present is True

    # 5. The network page shows the meeting and the timeline.
    page.goto(f"{live_server.url}/networks/{network.uuid}/")
    expect(page.locator(".timeline .timeline-meeting_held")).to_have_count(1)
    shoot("08-network-after-meeting")

    # 6. alice (the responsible worker) finds it in "My networks".
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("form button[type=submit]")
    page.goto(f"{live_server.url}/networks/")
    expect(page.locator(".network-list")).to_contain_text("Meikäläinen")
    shoot("09-my-networks")
