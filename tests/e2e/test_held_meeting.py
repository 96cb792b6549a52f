"""The responsible worker records a network meeting held by phone earlier today, writes
its minutes, and downloads the meeting's calendar file – in headless Chromium. Screenshots
of the meeting page at 1366 px and 375 px go to var/screenshots/ (the `screenshot`
fixture of tests/e2e/conftest.py)."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from clients.tests.factories import ClientFactory
from coordination.models import User
from coordination.tests.factories import OrganizationFactory, UserFactory
from networks import services
from networks.models import NetworkMeeting, NetworkMember
from networks.tests.factories import network_consent
from outbox.models import OutboxMessage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    hub = OrganizationFactory(name="Työikäisten koordinaatio", kind="social_services", is_hub=True)
    health = OrganizationFactory(name="Oulun sote-keskus Tuira", kind="health_centre")
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
    client = ClientFactory(first_name="Matti", last_name="Meikäläinen")
    network = services.form_network(by=kaisa, client=client)
    network_consent(client, [health], kaisa)
    services.add_network_member(
        network, by=kaisa, user=alice, role=NetworkMember.Role.RESPONSIBLE_WORKER
    )
    return {"alice": alice, "kaisa": kaisa, "network": network}


def test_responsible_worker_records_a_phone_meeting_and_downloads_the_ics(
    page, live_server, login_as, world, screenshot
):
    alice, network = world["alice"], world["network"]
    login_as(alice)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/networks/{network.uuid}/")
    page.click(f"a[href$='/networks/{network.uuid}/meetings/held/']")
    expect(page.locator("h1")).to_have_text(re.compile(r"\S"))

    # Earlier today (the network was formed today: a meeting cannot be before that day).
    now = timezone.localtime()
    earlier = now - datetime.timedelta(minutes=30)
    if earlier.date() != now.date():
        earlier = now.replace(hour=0, minute=0)
    page.check("input[name=mode][value=phone]")
    page.fill("#id_date", earlier.strftime("%Y-%m-%d"))
    page.fill("#id_time", earlier.strftime("%H:%M"))
    page.fill("#id_duration_minutes", "30")
    page.fill("#id_agenda", "Työkokeilun aloitus puhelimessa")
    screenshot("01-form")
    page.click("#held-meeting-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/networks/meetings/[0-9a-f-]{36}/#h-minutes$"))
    meeting = NetworkMeeting.objects.get()
    assert meeting.status == NetworkMeeting.Status.HELD
    assert meeting.mode == NetworkMeeting.Mode.PHONE
    # Held already: nobody was invited (the inbox's own e-mails, about being added to
    # the network, are another matter).
    assert not OutboxMessage.objects.exclude(dedupe_key__startswith="inbox:").exists()

    # The minutes form is open.
    expect(page.locator("#minutes-form")).to_be_visible()
    page.check(f"input[name=attendees][value='{network.members.get(user=alice).pk}']")
    page.fill("#id_minutes", "Sovittiin työkokeilusta rakennusalalla.")
    page.click("#minutes-form button[type=submit]")
    expect(page.locator(".meeting-record")).to_contain_text("Sovittiin työkokeilusta")

    # The calendar file, from the page's button.
    with page.expect_download() as download_info:
        page.click(f"a[href$='/meetings/{meeting.uuid}/invite.ics']")
    download = download_info.value
    assert download.suggested_filename == "invite.ics"
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == meeting.ical_uid
    assert str(event["SEQUENCE"]) == "0"
    assert str(event["ORGANIZER"]) == f"mailto:{alice.email}"

    page.evaluate("window.scrollTo(0, 0)")
    screenshot("02-meeting-1366")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    screenshot("03-meeting-375")
    # Nothing sticks out sideways on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
