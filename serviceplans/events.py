"""The plan's entries in the client's record and on the network page (common.timeline):
plan versions started, agreed and closed, and reviews with each goal's progress. Seen by
whoever sees the plan (`serviceplans.access`: the network's consented active members and
the hub's coordinators)."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.timeline import Event, EventSource, TimelineQuery, day_event_at, newest_rows
from serviceplans.access import plans_visible_to
from serviceplans.models import GoalProgress, PlanReview, ServicePlan

KINDS = {
    "plan_started": gettext_lazy("Service plan version started"),
    "plan_agreed": gettext_lazy("Service plan agreed"),
    "plan_closed": gettext_lazy("Service plan version closed"),
    "plan_review": gettext_lazy("Plan review and goal progress"),
}

_PLAN_FIELDS = (
    ("plan_started", "created_at"),
    ("plan_agreed", "agreed_at"),
    ("plan_closed", "closed_at"),
)


def _plan_events(plan: ServicePlan) -> list[Event]:
    url = reverse("serviceplans:plan_detail", args=[plan.uuid])
    number = {"version": plan.version}
    events = [
        Event(
            plan.created_at,
            "plan_started",
            _("Service plan version %(version)d started") % number,
            url=url,
        )
    ]
    if plan.agreed_at:
        events.append(
            Event(
                plan.agreed_at,
                "plan_agreed",
                _("Service plan version %(version)d agreed") % number,
                plan.get_agreement_method_display(),
                url,
            )
        )
    if plan.closed_at:
        events.append(
            Event(
                plan.closed_at,
                "plan_closed",
                _("Service plan version %(version)d closed") % number,
                url=url,
            )
        )
    return events


def _review_event(review: PlanReview) -> Event:
    url = reverse("serviceplans:plan_detail", args=[review.plan.uuid]) + "#h-reviews"
    progress = "; ".join(
        f"{item.goal.text[:80]}: {item.get_progress_display()}" for item in review.progress.all()
    )
    return Event(
        day_event_at(review.reviewed_on),  # type: ignore[arg-type]
        "plan_review",
        _("Review of service plan version %(version)d") % {"version": review.plan.version},
        progress,
        url,
        date_only=True,
    )


def _events(plans, query: TimelineQuery) -> list[Event]:
    """At most three queries: the plan versions, the reviews (their plan joined), and the
    goals' progress of those reviews."""
    events: list[Event] = []
    fields = [name for kind, name in _PLAN_FIELDS if query.wants(kind)]
    if fields:
        for plan in newest_rows(plans, query, *fields):
            events.extend(_plan_events(plan))
    if query.wants("plan_review"):
        reviews = (
            PlanReview.objects.filter(plan__in=plans)
            .select_related("plan")
            .prefetch_related(
                Prefetch("progress", queryset=GoalProgress.objects.select_related("goal"))
            )
        )
        events.extend(
            _review_event(review)
            for review in newest_rows(reviews, query, "reviewed_on", dates=True)
        )
    return events


def client_events(client, user, *, query: TimelineQuery) -> list[Event]:
    return _events(plans_visible_to(user).filter(client=client), query)


def network_events(network, user, *, query: TimelineQuery) -> list[Event]:
    return _events(plans_visible_to(user).filter(network=network), query)


SOURCE = EventSource(
    name="serviceplans",
    label=gettext_lazy("Service plans"),
    kinds=KINDS,
    for_client=client_events,
    for_network=network_events,
    order=40,
)
