"""The hub's queue: what waits for the hub, in what order, and how it is searched.

"Waiting" has one definition (`waiting_for_hub`), used by the queue's first tab, the
coordinator's home page and its worklist, and the API's `needs_action` filter, so that
the number on the home page is the number of rows the queue opens on."""

import re

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from clients.access import clients_named
from clients.models import looks_like_identity_code
from coordination.access import consultations_visible_to
from coordination.models import ConsultationRequest, format_reference
from coordination.services import FEEDBACK_STATUSES

Status = ConsultationRequest.Status

# Sent and not yet answered: the hub must act. (A request waiting for the requester's
# further information is in a state of its own, and waits for the requester instead.)
WAITING_STATUSES = (Status.SUBMITTED, Status.TRIAGED)
# The hub has answered or taken it towards a network, and nobody has closed it.
ANSWERED_STATUSES = (Status.ANSWERED, Status.NETWORK_NEEDED, Status.NETWORK_FORMED)

WAITING = "waiting"
ANSWERED = "answered"
MINE = "mine"
ALL = "all"
TABS = (
    (WAITING, _("Waiting")),
    (ANSWERED, _("Answered, not closed")),
    (MINE, _("Mine")),
    (ALL, _("All")),
)


def waiting_for_hub(queryset: QuerySet[ConsultationRequest]) -> QuerySet[ConsultationRequest]:
    """The requests of `queryset` that wait for the hub's action."""
    return queryset.filter(status__in=WAITING_STATUSES)


def in_tab(queryset: QuerySet[ConsultationRequest], tab: str, user) -> QuerySet:
    if tab == WAITING:
        return waiting_for_hub(queryset)
    if tab == ANSWERED:
        return queryset.filter(status__in=ANSWERED_STATUSES)
    if tab == MINE:
        return queryset.filter(assigned_to=user, status__in=ConsultationRequest.OPEN_STATUSES)
    return queryset


def tab_counts(queryset: QuerySet[ConsultationRequest], user) -> dict[str, int]:
    """The number of requests in each tab, in one query."""
    counts = queryset.aggregate(
        **{
            WAITING: Count("pk", filter=Q(status__in=WAITING_STATUSES)),
            ANSWERED: Count("pk", filter=Q(status__in=ANSWERED_STATUSES)),
            MINE: Count(
                "pk", filter=Q(assigned_to=user, status__in=ConsultationRequest.OPEN_STATUSES)
            ),
            ALL: Count("pk"),
        }
    )
    return {key: counts[key] or 0 for key, _label in TABS}


def _urgent_first() -> Case:
    return Case(
        When(urgency=ConsultationRequest.Urgency.URGENT, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def needs_action_order(queryset: QuerySet[ConsultationRequest]) -> QuerySet:
    """Urgent first, then by waiting time, the longest first."""
    return queryset.annotate(urgent_rank=_urgent_first()).order_by(
        "urgent_rank", "submitted_at", "pk"
    )


# The columns a person can sort by: the name in the address, and the fields it orders by.
SORTS = {
    "reference": ("reference",),
    "sent": ("submitted_at",),
    "urgency": ("urgent_rank", "submitted_at"),
    "status": ("status", "submitted_at"),
    "assigned": ("assigned_to__last_name", "assigned_to__first_name", "submitted_at"),
}


def sorted_by(queryset: QuerySet[ConsultationRequest], sort: str) -> QuerySet:
    """`sort` is a key of SORTS, `-` in front for descending; anything else: the
    needs-action order."""
    descending = sort.startswith("-")
    fields = SORTS.get(sort.lstrip("-"))
    if not fields:
        return needs_action_order(queryset)
    order = [f"-{name}" if descending else name for name in fields]
    return queryset.annotate(urgent_rank=_urgent_first()).order_by(*order, "pk")


_REFERENCE = re.compile(r"^K-?(\d{4})-?(\d{1,6})$")


def as_reference(text: str) -> str | None:
    """`K-2026-000123` from what a person types: any case, spaces, no zero padding
    (`k 2026 123`); None when it is not a reference."""
    compact = re.sub(r"\s+", "-", (text or "").strip().upper())
    compact = re.sub(r"-+", "-", compact)
    match = _REFERENCE.match(compact) or _REFERENCE.match(compact.replace("-", ""))
    if not match:
        return None
    return format_reference(int(match[1]), int(match[2]))


def search(queryset: QuerySet[ConsultationRequest], text: str, user) -> QuerySet:
    """By reference, by the client's name (among the clients `user` may see, and as the
    requester sent them), or by the requester's name or organisation. An identity code is
    never searched for here (it would stand in the address): nothing matches."""
    text = (text or "").strip()
    if not text:
        return queryset
    if looks_like_identity_code(text):
        return queryset.none()
    reference = as_reference(text)
    if reference:
        return queryset.filter(reference=reference)
    query = Q(client__in=clients_named(user, text).values("pk"))
    sent_as = Q()
    requester = Q()
    for word in text.split():
        sent_as &= Q(client_snapshot__first_name__icontains=word) | Q(
            client_snapshot__last_name__icontains=word
        )
        requester &= (
            Q(requester__first_name__icontains=word)
            | Q(requester__last_name__icontains=word)
            | Q(requesting_organization__name__icontains=word)
        )
    if user.is_coordinator:
        # What the requester sent is the hub's to read (coordination.access).
        query |= Q(client__isnull=True, anonymous=False) & sent_as
    return queryset.filter(query | requester)


# --- What waits for a requester --------------------------------------------------------


def answers_awaiting_feedback(user) -> QuerySet[ConsultationRequest]:
    """The user's own answered requests they have not given feedback on, the oldest
    answer first."""
    return (
        consultations_visible_to(user)
        .filter(requester=user, status__in=FEEDBACK_STATUSES, feedback__isnull=True)
        .order_by("first_response_at", "pk")
    )


def waiting_for_me(user) -> QuerySet[ConsultationRequest]:
    """The user's own requests on which the hub has asked for more information and waits
    for their reply, the longest waiting first."""
    return (
        consultations_visible_to(user)
        .filter(requester=user, waiting_for_requester_since__isnull=False)
        .order_by("waiting_for_requester_since", "pk")
    )
