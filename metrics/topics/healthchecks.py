"""Health checks for the unemployed, a part of the IPS panel: per municipality of the
client, the unemployed clients served in the period and how many of them had a health
check in the twelve months before its end. The only module of metrics that reads the
health checks."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from clients.models import Client
from common.municipalities import municipality_name
from healthchecks.models import HealthCheck
from metrics.filters import (
    Filters,
    active_in_period,
    consultations,
    networks,
    referrals,
    served_between,
)
from metrics.privacy import SUPPRESSED, share
from metrics.tables import figure, suppress_column, table

UNEMPLOYED = (
    Client.LifeSituation.UNEMPLOYED_REGISTERED,
    Client.LifeSituation.UNEMPLOYED_NOT_REGISTERED,
)


def _year_before(day: datetime.date) -> datetime.date:
    """The first day of the twelve months that end on `day`."""
    try:
        previous = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        previous = day.replace(year=day.year - 1, day=28)
    return previous + datetime.timedelta(days=1)


def health_check_coverage(filters: Filters) -> dict[str, dict]:
    """One query: per municipality of the client, the unemployed clients served in the
    period (a request in it, a network active in it, or job coaching in it) and how many
    of them had a health check for the unemployed done in the twelve months before the
    period's end. The life situation is the client's current one."""
    # One UNION of the three sources, not an OR of three `IN` subqueries: PostgreSQL
    # cannot turn the OR into a semi-join, and once the hashed subplan outgrows
    # `work_mem` it rescans per client (minutes at a million requests).
    served = (
        consultations(filters)
        .filter(anonymous=False)
        .order_by()
        .values("client_id")
        .union(
            networks(filters).filter(active_in_period(filters)).order_by().values("client_id"),
            referrals(filters)
            .filter(served_between(filters.start, filters.end))
            .order_by()
            .values("client_id"),
        )
    )
    checked = HealthCheck.objects.filter(
        client=OuterRef("pk"),
        status=HealthCheck.Status.DONE,
        done_on__gte=_year_before(filters.end),
        done_on__lte=filters.end,
    )
    rows = (
        Client.objects.filter(pk__in=served, life_situation__in=UNEMPLOYED)
        .annotate(has_check=Exists(checked))
        .order_by()
        .values("municipality")
        .annotate(clients=Count("pk"), checked=Count("pk", filter=Q(has_check=True)))
    )
    return {
        row["municipality"]: {"clients": row["clients"], "checked": row["checked"]} for row in rows
    }


def _by_official_name(coverage: dict[str, dict]) -> dict[str, dict]:
    """The coverage rows keyed by the municipality's official name ("" for none)."""
    merged: dict[str, dict] = {}
    for code, counts in coverage.items():
        row = merged.setdefault(municipality_name(code), {"clients": 0, "checked": 0})
        row["clients"] += counts["clients"]
        row["checked"] += counts["checked"]
    return merged


def coverage_table(coverage: dict[str, dict]) -> tuple[dict, float | None]:
    """The table by the client's municipality: its official name (the code is all that is
    stored; no code, or one not in the list, is "not recorded"), and the share of all the
    clients with a check, for the panel's key figures."""
    coverage = _by_official_name(coverage)
    municipalities = sorted(coverage, key=lambda name: (name == "", name))
    rows = [
        [
            name or _("Municipality not recorded"),
            coverage[name]["clients"],
            coverage[name]["checked"],
            share(coverage[name]["checked"], coverage[name]["clients"]),
        ]
        for name in municipalities
    ]
    all_clients = sum(row["clients"] for row in coverage.values())
    all_checked = sum(row["checked"] for row in coverage.values())
    clients_total = suppress_column(rows, 1, all_clients)
    checked_total = suppress_column(rows, 2, all_checked)
    for row in rows:
        if SUPPRESSED in (row[1], row[2]):
            row[3] = None
    total_share = share(all_checked, all_clients)
    if SUPPRESSED in (clients_total, checked_total):
        total_share = None
    return table(
        "ips_health_checks",
        _("Health checks for the unemployed in the last 12 months, by municipality"),
        [
            _("Municipality of the client"),
            _("Unemployed clients served"),
            _("With a health check"),
            _("Share (%)"),
        ],
        rows,
        total=[_("Total"), clients_total, checked_total, total_share],
        note=_(
            "Unemployed clients (registered or not) with a request, a client network "
            "or job coaching in the period, and a health check for the unemployed "
            "done in the twelve months before the period's end. For comparison "
            "(PALO2): in 2021, 2.4 per cent of the unemployed in North Ostrobothnia had "
            "one, 21 per cent in Kainuu."
        ),
    ), total_share


def headline(coverage: dict[str, dict]) -> list[dict]:
    """The dashboard's headline count of health checks: the "with a health check" total
    of the coverage table, with the same suppression, so the two cannot disagree."""
    checks, _share = coverage_table(coverage)
    return [
        figure(
            "health_checks_done",
            _("Unemployed clients served with a health check in the last 12 months"),
            checks["total"][2],
        )
    ]
