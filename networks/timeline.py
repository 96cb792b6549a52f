"""The network page's timeline: formed, members joining and leaving, meetings, closing.
Built from rows the page has already loaded, so it costs no queries of its own."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.timeline import Event


def network_timeline(network, members, meetings) -> list[Event]:
    events = [Event(network.opened_at, "network_formed", _("The network was formed"))]
    for member in members:
        events.append(
            Event(
                member.joined_at,
                "member_joined",
                _("%(name)s joined (%(role)s)")
                % {"name": member.display_name, "role": member.get_role_display()},
            )
        )
        if member.left_at:
            events.append(
                Event(
                    member.left_at,
                    "member_left",
                    _("%(name)s left") % {"name": member.display_name},
                    member.removal_reason,
                )
            )
    for meeting in meetings:
        url = reverse("networks:meeting_detail", args=[meeting.uuid])
        time = timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M")
        if meeting.recorded_afterwards:
            # Never scheduled here: the timeline shows it when it was held.
            events.append(
                Event(
                    meeting.starts_at,
                    "meeting_held",
                    _("Meeting held %(time)s (recorded afterwards)") % {"time": time},
                    url=url,
                )
            )
        else:
            events.append(
                Event(
                    meeting.created_at,
                    "meeting_scheduled",
                    _("Meeting scheduled for %(time)s") % {"time": time},
                    url=url,
                )
            )
        if meeting.minutes_recorded_at:
            events.append(
                Event(
                    meeting.minutes_recorded_at,
                    "meeting_held",
                    _("Minutes recorded"),
                    url=url,
                )
            )
        if meeting.cancelled_at:
            events.append(
                Event(
                    meeting.cancelled_at,
                    "meeting_cancelled",
                    _("Meeting cancelled"),
                    meeting.cancellation_reason,
                    url=url,
                )
            )
    if network.closed_at:
        events.append(
            Event(
                network.closed_at,
                "network_closed",
                _("The network was closed: %(reason)s")
                % {"reason": network.get_closure_reason_display()},
            )
        )
    events.sort(key=lambda event: event.at, reverse=True)
    return events
