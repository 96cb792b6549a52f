"""Invitations with an iCalendar attachment: parsed back with `icalendar`. The UID stays
the same across updates, SEQUENCE grows, a cancellation is METHOD:CANCEL."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from networks import services
from networks.models import MeetingInvitation, NetworkMember
from outbox.delivery import deliver_due
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def members(network, kaisa, teemu):
    services.add_network_member(network, by=kaisa, user=teemu, role=NetworkMember.Role.TE_EXPERT)
    services.add_network_member(
        network,
        by=kaisa,
        name="Maija Virtanen",
        email="maija@example.invalid",
        role=NetworkMember.Role.CLOSE_PERSON,
    )
    # No e-mail address: no invitation.
    services.add_network_member(
        network, by=kaisa, name="Pekka Vertainen", role=NetworkMember.Role.PEER
    )


def _calendar(message) -> Calendar:
    (name, content, mimetype) = message.attachments[0]
    assert name == "invite.ics"
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def _event(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


# 10 March 2027 13:30 in Helsinki (EET, +02:00); 2 April is in summer time (+03:00).
WINTER = datetime.datetime(2027, 3, 10, 13, 30, tzinfo=HELSINKI)


def test_the_invitation_is_a_calendar_request(
    network, members, kaisa, alice, teemu, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.schedule_meeting(
            network, by=kaisa, starts_at=WINTER, duration_minutes=90, location="Tuira"
        )
    recipients = sorted(message.to[0] for message in mailoutbox)
    # kaisa organises it without being a member: she is invited as the organiser.
    assert recipients == sorted([alice.email, teemu.email, "maija@example.invalid", kaisa.email])
    calendar = _calendar(mailoutbox[0])
    assert calendar["METHOD"] == "REQUEST"
    event = _event(calendar)
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND")
    assert start == WINTER
    assert end - start == datetime.timedelta(minutes=90)
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert start.utcoffset() == datetime.timedelta(hours=2)
    (timezone_component,) = calendar.walk("VTIMEZONE")
    assert timezone_component["TZID"] == "Europe/Helsinki"
    assert str(event["UID"]) == meeting.ical_uid
    assert int(event["SEQUENCE"]) == 0
    attendees = sorted(str(a).removeprefix("mailto:") for a in event.get("ATTENDEE"))
    assert attendees == recipients
    assert str(event["ORGANIZER"]) == f"mailto:{kaisa.email}"
    assert str(event["LOCATION"]) == "Tuira"
    # No client names in e-mail or calendar.
    client_name = network.client.last_name
    assert client_name not in mailoutbox[0].body
    assert client_name not in calendar.to_ical().decode()


def test_an_update_keeps_the_uid_and_raises_the_sequence(
    network, members, kaisa, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.schedule_meeting(network, by=kaisa, starts_at=WINTER, location="A")
    first = _event(_calendar(mailoutbox[0]))
    mailoutbox.clear()
    summer = datetime.datetime(2027, 4, 2, 9, 0, tzinfo=HELSINKI)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_meeting(meeting, by=kaisa, starts_at=summer)
    assert len(mailoutbox) == 4
    second = _event(_calendar(mailoutbox[0]))
    assert second["UID"] == first["UID"]
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])
    assert second.decoded("DTSTART") == summer
    assert second.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=3)


def test_a_cancellation_is_method_cancel(
    network, members, kaisa, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.schedule_meeting(network, by=kaisa, starts_at=WINTER, location="A")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting, by=kaisa, reason="Ei enää tarpeen.")
    assert len(mailoutbox) == 4
    calendar = _calendar(mailoutbox[0])
    assert calendar["METHOD"] == "CANCEL"
    event = _event(calendar)
    assert event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == meeting.ical_uid
    assert int(event["SEQUENCE"]) == 1


def test_delivering_twice_sends_once(
    network, members, kaisa, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.schedule_meeting(network, by=kaisa, starts_at=WINTER, location="A")
    assert len(mailoutbox) == 4
    # The sweep run again (a redelivered task, the beat) finds nothing to send.
    assert deliver_due() == 0
    assert len(mailoutbox) == 4
    # A row per member; the organiser's e-mail has only its outbox row.
    assert MeetingInvitation.objects.filter(meeting=meeting, sent_at__isnull=False).count() == 3
    assert OutboxMessage.objects.filter(state=OutboxMessage.State.SENT).count() == 4


def test_the_invitations_are_written_with_the_meeting(network, members, kaisa, mailoutbox):
    """Before the commit, with no broker at all: the rows exist, the e-mails wait."""
    services.schedule_meeting(network, by=kaisa, starts_at=WINTER, location="A")
    assert OutboxMessage.objects.filter(state=OutboxMessage.State.QUEUED).count() == 4
    assert mailoutbox == []


def test_an_outdated_version_is_not_sent(network, members, kaisa, mailoutbox):
    meeting = services.schedule_meeting(network, by=kaisa, starts_at=WINTER, location="A")
    services.update_meeting(meeting, by=kaisa, location="B")
    assert deliver_due() == 4
    # Only the update (SEQUENCE 1) goes out: the invitation it replaced was withdrawn.
    assert {int(_event(_calendar(m))["SEQUENCE"]) for m in mailoutbox} == {1}


def test_a_member_who_left_gets_no_invitation(
    network, members, kaisa, teemu, mailoutbox, django_capture_on_commit_callbacks
):
    services.remove_network_member(
        network.members.get(user=teemu), by=kaisa, reason="Ei enää tarpeen."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_meeting(network, by=kaisa, starts_at=WINTER, location="A")
    assert teemu.email not in [message.to[0] for message in mailoutbox]


def test_the_organizer_falls_back_to_the_service_address(network, kaisa, settings):
    from networks.ics import meeting_calendar
    from networks.tests.factories import MeetingFactory

    settings.DEFAULT_FROM_EMAIL = "Työkyky <noreply@example.invalid>"
    kaisa.email = ""
    kaisa.save()
    meeting = MeetingFactory(network=network, created_by=kaisa)
    event = _event(Calendar.from_ical(meeting_calendar(meeting, [])))
    assert str(event["ORGANIZER"]) == "mailto:noreply@example.invalid"
