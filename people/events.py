"""Handovers in the client's record and on the network page (common.timeline): when
someone left, which of their work about this client went to whom – the network's
coordinator, a request, a membership, the coaching, a plan action, a meeting.

An entry is seen by whoever may see the object handed over, by that app's own rule: the
network (`networks.access`), the request (`coordination.access`), the coaching referral
(`coaching.access`) or the plan (`serviceplans.access`)."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coaching.access import referrals_visible_to
from common.timeline import Event, EventSource, TimelineQuery, newest_rows
from coordination.access import consultations_visible_to
from networks.access import networks_visible_to
from people.models import HandedOverItem
from serviceplans.access import actions_visible_to

KIND = "work_handed_over"
KINDS = {KIND: gettext_lazy("Work handed over")}

_NETWORK_BOUND = (
    HandedOverItem.What.COORDINATOR,
    HandedOverItem.What.MEMBERSHIP,
    HandedOverItem.What.MEETING,
)


def _visible(user) -> Q:
    """The items whose object `user` may see; subqueries, so one query in all."""
    what = HandedOverItem.What
    return (
        Q(what__in=_NETWORK_BOUND, network__in=networks_visible_to(user))
        | Q(what=what.REQUEST, object_id__in=consultations_visible_to(user).values("pk"))
        | Q(what=what.COACHING, object_id__in=referrals_visible_to(user).values("pk"))
        | Q(what=what.ACTION, object_id__in=actions_visible_to(user).values("pk"))
    )


def _event(item: HandedOverItem) -> Event:
    what = item.get_what_display()
    return Event(
        item.at,
        KIND,
        _("Work handed over: %(leaver)s → %(receiver)s")
        % {"leaver": item.record.person, "receiver": item.receiver},
        f"{what}: {item.label}" if item.label else what,
        item.url,
    )


def _events(items: QuerySet[HandedOverItem], user, query: TimelineQuery) -> list[Event]:
    """One query: the items `user` may see, the leaver and the receiver joined."""
    if not query.wants(KIND):
        return []
    items = items.filter(_visible(user)).select_related("record__person", "receiver")
    return [_event(item) for item in newest_rows(items, query, "at")]


def client_events(client, user, *, query: TimelineQuery) -> list[Event]:
    return _events(HandedOverItem.objects.filter(client=client), user, query)


def network_events(network, user, *, query: TimelineQuery) -> list[Event]:
    return _events(HandedOverItem.objects.filter(network=network), user, query)


SOURCE = EventSource(
    name="people",
    label=gettext_lazy("Handovers"),
    kinds=KINDS,
    for_client=client_events,
    for_network=network_events,
    order=90,
)
