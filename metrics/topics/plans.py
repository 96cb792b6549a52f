"""Service plans: their actions by service type, done in the period, open now and
overdue now. (The health checks themselves are counted from their own records, in
`metrics.topics.healthchecks`.)"""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from metrics.filters import Filters
from metrics.tables import suppress_column, table
from serviceplans.models import PlanAction, ServicePlan

# --- Queries -------------------------------------------------------------------------


def plan_actions(filters: Filters) -> dict[str, dict]:
    """One query: actions by service type, done in the range, open now, overdue now.

    A plan is versioned and each version carries a copy of its actions, so only the
    version in force counts: a version that is not a draft and that no later non-draft
    version of the same network has replaced. Cancelled actions are neither open nor
    done. Municipality and kind filters do not apply (an action has no contact source
    of its own)."""
    replaced = ServicePlan.objects.filter(
        network=OuterRef("plan__network"), version__gt=OuterRef("plan__version")
    ).exclude(status=ServicePlan.Status.DRAFT)
    today = timezone.localdate()
    open_q = Q(status__in=PlanAction.OPEN_STATUSES)
    rows = (
        PlanAction.objects.order_by()
        .exclude(plan__status=ServicePlan.Status.DRAFT)
        .filter(~Exists(replaced))
        .values("service_type")
        .annotate(
            done=Count(
                "pk",
                filter=Q(
                    status=PlanAction.Status.DONE,
                    done_at__gte=filters.since,
                    done_at__lt=filters.until,
                ),
            ),
            open=Count("pk", filter=open_q),
            overdue=Count("pk", filter=open_q & Q(due_date__lt=today)),
        )
    )
    return {row["service_type"]: row for row in rows}


def count(filters: Filters) -> dict[str, dict]:
    """The topic's one query."""
    return plan_actions(filters)


# --- Key figures and tables ----------------------------------------------------------


def tables(actions: dict[str, dict]) -> list[dict]:
    labels = dict(PlanAction.ServiceType.choices)
    rows = [
        [labels.get(key, key), row["done"], row["open"], row["overdue"]]
        for key, row in sorted(actions.items())
    ]
    for column in (1, 2, 3):
        suppress_column(rows, column, None)
    return [
        table(
            "plan_actions",
            _("Plan actions by service type"),
            [_("Service type"), _("Done in the period"), _("Open"), _("Overdue")],
            rows,
            chart="bar",
        )
    ]
