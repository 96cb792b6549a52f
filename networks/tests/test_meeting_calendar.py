"""The meeting's calendar file: downloaded from the meeting page as the e-mail carries it,
and the organiser as an attendee who gets the invitation, its updates and its
cancellation once – unless a member's invitation already reaches them."""

import base64
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from clients.models import AccessLog
from networks import emails, services
from networks.models import MeetingInvitation, NetworkMember
from networks.tests.factories import MeetingFactory
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")
WHEN = datetime.datetime(2027, 3, 10, 13, 30, tzinfo=HELSINKI)


@pytest.fixture
def meeting(network, kaisa):
    return services.schedule_meeting(network, by=kaisa, starts_at=WHEN, location="Tuira")


def _ics_url(meeting):
    return reverse("networks:meeting_invite_ics", args=[meeting.uuid])


def _event(content: bytes):
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    return event


def _attendees(event) -> dict[str, dict]:
    values = event.get("ATTENDEE")
    values = values if isinstance(values, list) else [values]
    return {str(a).removeprefix("mailto:"): dict(a.params) for a in values}


def _organiser_rows(meeting):
    return OutboxMessage.objects.filter(
        dedupe_key__startswith=f"meeting-invitation:{meeting.pk}:",
        dedupe_key__endswith=":organiser",
    )


# --- The download ----------------------------------------------------------------------


def test_a_member_downloads_the_invitation(client, alice, kaisa, meeting):
    client.force_login(alice)
    response = client.get(_ics_url(meeting))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "invite.ics" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "REQUEST"
    event = _event(response.content)
    assert str(event["UID"]) == meeting.ical_uid
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == WHEN
    assert str(event["ORGANIZER"]) == f"mailto:{kaisa.email}"
    attendees = _attendees(event)
    assert set(attendees) == {alice.email, kaisa.email}
    assert attendees[kaisa.email]["ROLE"] == "CHAIR"
    assert network_client_absent(meeting, response.content)


def network_client_absent(meeting, content: bytes) -> bool:
    client = meeting.network.client
    text = content.decode()
    return client.last_name not in text and client.first_name not in text


def test_the_download_is_the_calendar_the_e_mail_carries(client, alice, kaisa, meeting):
    services.update_meeting(meeting, by=kaisa, location="Tuiran sote-keskus")
    client.force_login(alice)
    downloaded = _event(client.get(_ics_url(meeting)).content)
    row = OutboxMessage.objects.filter(recipient=alice.email).latest("pk")
    mailed = _event(base64.b64decode(row.attachments[0]["content"]))
    for name in ("UID", "SEQUENCE", "ORGANIZER", "LOCATION", "DTSTART"):
        assert str(downloaded[name]) == str(mailed[name]), name
    assert int(downloaded["SEQUENCE"]) == 1
    assert _attendees(downloaded) == _attendees(mailed)


def test_a_cancelled_meeting_downloads_as_a_cancellation(client, kaisa, meeting):
    services.cancel_meeting(meeting, by=kaisa, reason="Ei enää tarpeen.")
    client.force_login(kaisa)
    response = client.get(_ics_url(meeting))
    assert Calendar.from_ical(response.content)["METHOD"] == "CANCEL"
    assert int(_event(response.content)["SEQUENCE"]) == 1


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("kaisa", 200), ("alice", 200), ("olli", 404), ("eero", 404), ("ylva", 404)],
    indirect=["persona"],
)
def test_who_may_download(client, persona, expected, meeting):
    client.force_login(persona)
    assert client.get(_ics_url(meeting)).status_code == expected


def test_an_unknown_meeting_is_404(client, kaisa):
    client.force_login(kaisa)
    url = reverse("networks:meeting_invite_ics", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


def test_every_download_is_in_the_access_log(client, alice, meeting):
    client.force_login(alice)
    before = AccessLog.objects.count()
    client.get(_ics_url(meeting))
    client.get(_ics_url(meeting))
    rows = AccessLog.objects.order_by("pk")[before:]
    assert [(r.user, r.client, r.action, r.basis, r.object_kind) for r in rows] == [
        (
            alice,
            meeting.network.client,
            AccessLog.Action.EXPORT,
            AccessLog.Basis.NETWORK,
            "network_meeting",
        )
    ] * 2


def test_the_outsider_s_attempt_writes_no_log(client, olli, meeting):
    client.force_login(olli)
    before = AccessLog.objects.count()
    assert client.get(_ics_url(meeting)).status_code == 404
    assert AccessLog.objects.count() == before


def test_the_meeting_page_offers_the_download(client, alice, meeting):
    client.force_login(alice)
    response = client.get(reverse("networks:meeting_detail", args=[meeting.uuid]))
    assert _ics_url(meeting) in response.content.decode()


# --- The organiser's invitation --------------------------------------------------------


def test_the_organiser_is_invited_once_per_version(network, kaisa, alice):
    meeting = services.schedule_meeting(network, by=kaisa, starts_at=WHEN, location="A")
    assert _organiser_rows(meeting).count() == 1
    # The same version written again (a retried task) adds nothing.
    emails.queue_invitations(meeting)
    assert _organiser_rows(meeting).count() == 1
    services.update_meeting(meeting, by=kaisa, starts_at=WHEN + datetime.timedelta(days=1))
    services.cancel_meeting(meeting, by=kaisa, reason="Ei enää tarpeen.")
    rows = _organiser_rows(meeting)
    # The invitation and the update were withdrawn unsent: the newest version replaces them.
    assert [row.recipient for row in rows] == [kaisa.email]
    assert rows.get().dedupe_key.split(":")[2] == "2"
    assert "method=CANCEL" in rows.get().attachments[0]["mimetype"]
    # Members still have their rows; the organiser has none (she is not a member).
    assert not MeetingInvitation.objects.filter(meeting=meeting, member__user=kaisa).exists()


def test_each_version_reaches_the_organiser_once(
    network, kaisa, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.schedule_meeting(network, by=kaisa, starts_at=WHEN, location="A")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(meeting, by=kaisa, location="B")
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting, by=kaisa, reason="Ei enää tarpeen.")
    to_kaisa = [m for m in mailoutbox if m.to == [kaisa.email]]
    assert len(to_kaisa) == 3
    sequences = [int(_event(m.attachments[0][1])["SEQUENCE"]) for m in to_kaisa]
    assert sequences == [0, 1, 2]
    assert _organiser_rows(meeting).count() == 3


def test_an_organiser_who_is_a_member_gets_one_invitation(network, kaisa, alice):
    """alice is the responsible worker: her member invitation is the organiser's too."""
    meeting = services.schedule_meeting(network, by=alice, starts_at=WHEN, location="A")
    assert _organiser_rows(meeting).count() == 0
    assert OutboxMessage.objects.filter(recipient=alice.email).count() == 1
    attendees = _attendees(_event(emails_calendar(meeting)))
    assert list(attendees) == [alice.email]
    assert attendees[alice.email]["ROLE"] == "REQ-PARTICIPANT"


def emails_calendar(meeting) -> bytes:
    return emails.invitation_calendar(meeting)


def test_a_coordinator_who_is_a_member_gets_one_invitation(network, kaisa):
    services.add_network_member(network, by=kaisa, user=kaisa, role=NetworkMember.Role.OTHER)
    meeting = services.schedule_meeting(network, by=kaisa, starts_at=WHEN, location="A")
    assert OutboxMessage.objects.filter(recipient=kaisa.email).count() == 1
    assert _organiser_rows(meeting).count() == 0


def test_an_organiser_without_an_address_gets_nothing(network, kaisa, alice):
    kaisa.email = ""
    kaisa.save(update_fields=["email"])
    meeting = services.schedule_meeting(network, by=kaisa, starts_at=WHEN, location="A")
    assert _organiser_rows(meeting).count() == 0
    assert list(_attendees(_event(emails_calendar(meeting)))) == [alice.email]


def test_the_organiser_s_e_mail_is_in_their_language(network, kaisa):
    kaisa.language = "sv"
    kaisa.save(update_fields=["language"])
    meeting = services.schedule_meeting(network, by=kaisa, starts_at=WHEN, location="A")
    row = _organiser_rows(meeting).get()
    assert row.language == "sv"


def test_a_factory_meeting_calendar_names_the_organiser_as_attendee(network, kaisa):
    meeting = MeetingFactory(network=network, created_by=kaisa)
    assert kaisa.email in _attendees(_event(emails_calendar(meeting)))
