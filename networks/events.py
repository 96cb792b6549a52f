"""The networks app's entries in the client's record (common.timeline) and on the network
page: networks formed and closed, members joining and leaving, meetings scheduled, held
(with their minutes) and cancelled. Seen by whoever sees the network
(`networks.access`): the hub's coordinators and the network's consented active members."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.dates import short_datetime
from common.timeline import Event, EventSource, TimelineQuery, newest_rows
from networks.access import networks_visible_to
from networks.models import ClientNetwork, NetworkMeeting, NetworkMember

KINDS = {
    "network_formed": gettext_lazy("Client network formed"),
    "network_closed": gettext_lazy("Client network closed"),
    "member_joined": gettext_lazy("Member joined the network"),
    "member_left": gettext_lazy("Member left the network"),
    "meeting_scheduled": gettext_lazy("Network meeting scheduled"),
    "meeting_held": gettext_lazy("Network meeting held"),
    "meeting_cancelled": gettext_lazy("Network meeting cancelled"),
}


def network_events(network: ClientNetwork) -> list[Event]:
    url = reverse("networks:network_detail", args=[network.uuid])
    events = [Event(network.opened_at, "network_formed", _("The network was formed"), url=url)]
    if network.closed_at:
        events.append(
            Event(
                network.closed_at,
                "network_closed",
                _("The network was closed: %(reason)s")
                % {"reason": network.get_closure_reason_display()},
                url=url,
            )
        )
    return events


def member_events(member: NetworkMember, url: str = "") -> list[Event]:
    events = [
        Event(
            member.joined_at,
            "member_joined",
            _("%(name)s joined (%(role)s)")
            % {"name": member.display_name, "role": member.get_role_display()},
            url=url,
        )
    ]
    if member.left_at:
        events.append(
            Event(
                member.left_at,
                "member_left",
                _("%(name)s left") % {"name": member.display_name},
                member.removal_reason,
                url,
            )
        )
    return events


def meeting_events(meeting: NetworkMeeting) -> list[Event]:
    url = reverse("networks:meeting_detail", args=[meeting.uuid])
    time = short_datetime(meeting.starts_at)
    events = []
    if meeting.recorded_afterwards:
        # Never scheduled here: the record shows it when it was held.
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
            Event(meeting.minutes_recorded_at, "meeting_held", _("Minutes recorded"), url=url)
        )
    if meeting.cancelled_at:
        events.append(
            Event(
                meeting.cancelled_at,
                "meeting_cancelled",
                _("Meeting cancelled"),
                meeting.cancellation_reason,
                url,
            )
        )
    return events


def _fields(query: TimelineQuery, pairs) -> list[str]:
    names: list[str] = []
    for kind, name in pairs:
        if query.wants(kind) and name not in names:
            names.append(name)
    return names


def client_events(client, user, *, query: TimelineQuery) -> list[Event]:
    """At most three queries: the client's networks, their members (the user joined), and
    their meetings – of the networks `user` sees."""
    networks = networks_visible_to(user).filter(client=client)
    events: list[Event] = []
    fields = _fields(query, (("network_formed", "opened_at"), ("network_closed", "closed_at")))
    if fields:
        for network in newest_rows(networks, query, *fields):
            events.extend(network_events(network))
    fields = _fields(query, (("member_joined", "joined_at"), ("member_left", "left_at")))
    if fields:
        members = NetworkMember.objects.filter(network__in=networks).select_related(
            "user", "network"
        )
        for member in newest_rows(members, query, *fields):
            url = reverse("networks:network_detail", args=[member.network.uuid]) + "#h-members"
            events.extend(member_events(member, url))
    fields = _fields(
        query,
        (
            ("meeting_scheduled", "created_at"),
            ("meeting_held", "starts_at"),
            ("meeting_held", "minutes_recorded_at"),
            ("meeting_cancelled", "cancelled_at"),
        ),
    )
    if fields:
        meetings = NetworkMeeting.objects.filter(network__in=networks)
        for meeting in newest_rows(meetings, query, *fields):
            events.extend(meeting_events(meeting))
    return events


SOURCE = EventSource(
    name="networks",
    label=gettext_lazy("Client networks"),
    kinds=KINDS,
    for_client=client_events,
    order=30,
)
