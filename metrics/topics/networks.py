"""Client networks: formed, active, closed and open at the end of the period, why they
closed, and the monthly trend's numbers. Networks are selected through their origin
consultation's contact source (`metrics.filters.networks`)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from metrics.filters import HELSINKI, Filters, active_in_period, helsinki_month, networks
from metrics.privacy import suppress, suppress_count
from metrics.tables import figure, suppress_column, table
from networks.models import ClientNetwork

# --- Queries -------------------------------------------------------------------------


def network_totals(filters: Filters) -> dict:
    """One query: formed in the range, active at some time in it, closed in it, and open
    at its end."""
    since, until = filters.since, filters.until
    return networks(filters).aggregate(
        formed=Count("pk", filter=Q(opened_at__gte=since, opened_at__lt=until)),
        active=Count("pk", filter=active_in_period(filters)),
        closed=Count("pk", filter=Q(closed_at__gte=since, closed_at__lt=until)),
        open_at_end=Count(
            "pk",
            filter=Q(opened_at__lt=until) & (Q(closed_at__isnull=True) | Q(closed_at__gte=until)),
        ),
    )


def closure_reasons(filters: Filters) -> dict[str, int]:
    """One query: networks closed in the range by reason."""
    rows = (
        networks(filters)
        .filter(closed_at__gte=filters.since, closed_at__lt=filters.until)
        .order_by()
        .values("closure_reason")
        .annotate(n=Count("pk"))
    )
    return {row["closure_reason"]: row["n"] for row in rows}


def network_trend(filters: Filters) -> dict[datetime.date, int]:
    """One query: networks formed by month, in Helsinki."""
    rows = (
        networks(filters)
        .filter(opened_at__gte=filters.since, opened_at__lt=filters.until)
        .annotate(month=TruncMonth("opened_at", tzinfo=HELSINKI))
        .order_by()
        .values("month")
        .annotate(formed=Count("pk"))
    )
    return {helsinki_month(row["month"]): row["formed"] for row in rows}


@dataclass(frozen=True)
class NetworkNumbers:
    totals: dict
    closures: dict[str, int]
    trend: dict[datetime.date, int]


def count(filters: Filters) -> NetworkNumbers:
    """The topic's three queries."""
    return NetworkNumbers(
        totals=network_totals(filters),
        closures=closure_reasons(filters),
        trend=network_trend(filters),
    )


# --- Key figures and tables ----------------------------------------------------------


def headline(numbers: NetworkNumbers) -> list[dict]:
    return [
        figure(
            "networks_formed",
            _("Client networks formed"),
            suppress_count(numbers.totals["formed"]),
        )
    ]


def tables(numbers: NetworkNumbers) -> list[dict]:
    """The networks of the period, and why the closed ones closed."""
    totals = numbers.totals
    # The networks active in the period either closed in it or were open at its end.
    closed_and_open, active_shown = suppress(
        {"closed": totals["closed"], "open": totals["open_at_end"]},
        totals["active"],
    )
    closure_rows = [
        [label, numbers.closures.get(value, 0)]
        for value, label in ClientNetwork.ClosureReason.choices
    ]
    closure_total = suppress_column(closure_rows, 1, totals["closed"])
    return [
        table(
            "networks",
            _("Client networks"),
            [_("Measure"), _("Networks")],
            [
                [_("Formed in the period"), suppress_count(totals["formed"])],
                [_("Active at some time in the period"), active_shown],
                [_("Closed in the period"), closed_and_open["closed"]],
                [_("Open at the end of the period"), closed_and_open["open"]],
            ],
        ),
        table(
            "closure_reasons",
            _("Why client networks closed"),
            [_("Reason for closing"), _("Networks")],
            closure_rows,
            total=[_("Total"), closure_total],
            chart="bar",
        ),
    ]
