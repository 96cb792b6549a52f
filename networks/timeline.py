"""The network page's timeline: formed, members joining and leaving, meetings, closing –
built from rows the page has already loaded – and what the apps above add about this
network (the plan's versions and reviews, through common.timeline)."""

from common.timeline import Event, TimelineQuery, collect_for_network
from networks.events import meeting_events, member_events, network_events
from networks.models import ClientNetwork

NETWORK_PAGE_LIMIT = 200


def network_timeline(network: ClientNetwork, members, meetings, user=None) -> list[Event]:
    """Newest first. With `user`, the upper apps' entries about the network that the user
    may see are added (a fixed number of queries per source)."""
    events = network_events(network)
    for member in members:
        events.extend(member_events(member))
    for meeting in meetings:
        events.extend(meeting_events(meeting))
    if user is not None:
        events.extend(
            collect_for_network(network, user, TimelineQuery(limit=NETWORK_PAGE_LIMIT)).events
        )
    events.sort(key=lambda event: event.at, reverse=True)
    return events
