"""The iCalendar (RFC 5545) invitation of a network meeting: METHOD:REQUEST for a new or
changed meeting, METHOD:CANCEL for a cancelled one. The UID never changes and SEQUENCE
grows with each change, so calendar programs replace the earlier version.

No client names or identity codes: the invitation travels by e-mail; the agenda is
behind the link, which needs a login."""

import datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from networks.models import NetworkMeeting, NetworkMember

HELSINKI = ZoneInfo("Europe/Helsinki")


def meeting_url(meeting: NetworkMeeting) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("networks:meeting_detail", args=[meeting.uuid])


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def meeting_calendar(meeting: NetworkMeeting, attendees: list[NetworkMember]) -> bytes:
    cancelled = meeting.status == NetworkMeeting.Status.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//Työkyky//network meetings//FI")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(HELSINKI))
    event.add("dtend", meeting.ends_at.astimezone(HELSINKI))
    event.add("summary", _("Network meeting"))
    url = meeting_url(meeting)
    event.add("description", _("The agenda and the details: %(url)s") % {"url": url})
    event.add("url", url)
    if meeting.location:
        event.add("location", meeting.location)
    elif meeting.video_link:
        event.add("location", meeting.video_link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = meeting.created_by
    # The organiser's own address; else the service's sender address without its name.
    organizer_email = organizer.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    event.add("organizer", _address(organizer_email, str(organizer)))
    listed = {member.contact_email.lower() for member in attendees if member.contact_email}
    if organizer.email and organizer.email.lower() not in listed:
        # The organiser takes part too: calendar programs show the meeting as theirs
        # only when they are also an attendee, and they chair it.
        event.add(
            "attendee",
            _address(
                organizer.email,
                str(organizer),
                ROLE="CHAIR",
                PARTSTAT="ACCEPTED",
                RSVP="FALSE",
            ),
            encode=False,
        )
    for member in attendees:
        email = member.contact_email
        if email:
            event.add(
                "attendee",
                _address(
                    email,
                    member.display_name,
                    ROLE="REQ-PARTICIPANT",
                    PARTSTAT="NEEDS-ACTION",
                    RSVP="FALSE",
                ),
                encode=False,
            )
    calendar.add_component(event)
    # VTIMEZONE for Europe/Helsinki, so that DTSTART;TZID=Europe/Helsinki resolves.
    calendar.add_missing_timezones()
    return calendar.to_ical()
