"""Consultations: requests received, answered and closed, the working days to the first
response, the contact sources (every organisation, those that never send too), the
reasons for the requests and what was asked, and the monthly trend's numbers."""

import datetime
import statistics
from collections.abc import Mapping
from dataclasses import dataclass

import holidays
from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.workdays import working_days_between
from coordination.models import ConsultationRequest, Organization
from metrics.filters import HELSINKI, Filters, consultations, contact_sources, helsinki_month
from metrics.privacy import SUPPRESSED, is_small, suppress_count
from metrics.stats import histogram_median
from metrics.tables import figure, suppress_column, table

# --- Queries -------------------------------------------------------------------------


def consultation_totals(filters: Filters) -> dict:
    """One query: received, answered, closed, anonymous and identified in the range."""
    # Aggregate names must not shadow the `anonymous` field, hence the renaming.
    row = consultations(filters).aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(first_response_at__isnull=False)),
        closed=Count("pk", filter=Q(closed_at__isnull=False)),
        anonymous_requests=Count("pk", filter=Q(anonymous=True)),
        identified_requests=Count("pk", filter=Q(anonymous=False)),
    )
    return {
        "received": row["received"],
        "answered": row["answered"],
        "closed": row["closed"],
        "anonymous": row["anonymous_requests"],
        "identified": row["identified_requests"],
    }


def _holiday_list(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return sorted(holidays.Finland(years=range(start.year, end.year + 1)))


def response_times(filters: Filters) -> dict:
    """One query: the median working days from sending to the first response, and how
    many answered requests were answered within the target
    (`settings.CONSULTATION_TARGET_WORKING_DAYS`).

    Working days on PostgreSQL: a calendar built inside the query by `generate_series`
    over the range (a few hundred rows), numbering each day by a running count of working
    days (Monday–Friday and not in the holiday list, which `holidays.Finland` gives as a
    parameter, the same source as `common.workdays`). The working days between two
    dates are then the difference of their numbers: two hash-join lookups per row and no
    per-row loop, and no calendar table that someone must remember to extend each year.
    SQLite (`make run`) has no `generate_series`: there the pairs are read and counted in
    Python with `common.workdays`, slower but the same numbers.
    """
    answered = consultations(filters).filter(first_response_at__isnull=False)
    if connection.vendor != "postgresql":
        return _response_times_in_python(answered)
    return _response_times_in_sql(filters, answered)


def _response_times_in_python(answered) -> dict:
    target = settings.CONSULTATION_TARGET_WORKING_DAYS
    days = [
        working_days_between(timezone.localdate(sent), timezone.localdate(first))
        for sent, first in answered.values_list("submitted_at", "first_response_at")
    ]
    return {
        "median_working_days": statistics.median(days) if days else None,
        "within_target": sum(1 for d in days if d <= target),
        "answered": len(days),
    }


def _response_times_in_sql(filters: Filters, answered) -> dict:
    # Responses can come after the range: the calendar runs to today (or the range's end).
    # Requests are grouped by their two dates first (a few thousand pairs), the pairs are
    # looked up in the calendar, and the result is a histogram of working days from which
    # the median is read: the same value as percentile_cont, without sorting every row.
    target = settings.CONSULTATION_TARGET_WORKING_DAYS
    calendar_end = max(filters.end, timezone.localdate()) + datetime.timedelta(days=1)
    inner_sql, inner_params = answered.values(
        "submitted_at", "first_response_at"
    ).query.sql_with_params()
    sql = f"""
        WITH calendar AS (
            SELECT day::date AS day,
                   SUM(CASE WHEN EXTRACT(ISODOW FROM day) < 6
                             AND NOT (day::date = ANY(%s::date[])) THEN 1 ELSE 0 END)
                       OVER (ORDER BY day) AS n
            FROM generate_series(%s::date, %s::date, interval '1 day') AS day
        ),
        pairs AS (
            SELECT (c.submitted_at AT TIME ZONE 'Europe/Helsinki')::date AS sent,
                   (c.first_response_at AT TIME ZONE 'Europe/Helsinki')::date AS answered,
                   COUNT(*) AS requests
            FROM ({inner_sql}) AS c
            GROUP BY 1, 2
        )
        SELECT e.n - s.n AS days, SUM(p.requests)
        FROM pairs p
        JOIN calendar s ON s.day = p.sent
        JOIN calendar e ON e.day = p.answered
        GROUP BY 1
        ORDER BY 1
    """  # noqa: S608 – inner_sql is Django's compiled SQL; values go as parameters
    params = [
        _holiday_list(filters.start, calendar_end),
        filters.start,
        calendar_end,
        *inner_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        histogram = [(int(days), int(count)) for days, count in cursor.fetchall()]
    count = sum(n for _days, n in histogram)
    return {
        "median_working_days": histogram_median(histogram, count),
        "within_target": sum(n for days, n in histogram if days <= target),
        "answered": count,
    }


def requests_by_organization(filters: Filters) -> list[dict]:
    """One query: every selected organisation with its number of requests in the range,
    zeros included (the services that never find the hub): the requests are counted once,
    grouped by organisation, and joined to the organisations. (A correlated count per
    organisation was 9× slower on a million rows: one index range walk per organisation.)"""
    counted_sql, counted_params = (
        consultations(filters)
        .order_by()
        .values("requesting_organization")
        .annotate(n=Count("pk"))
        .query.sql_with_params()
    )
    orgs_sql, orgs_params = (
        contact_sources(filters)
        .order_by()
        .values("id", "kind", "name", "is_hub")
        .query.sql_with_params()
    )
    sql = f"""
        SELECT o.kind, o.name, o.is_hub, COALESCE(c.n, 0)
        FROM ({orgs_sql}) AS o
        LEFT JOIN ({counted_sql}) AS c ON c.requesting_organization = o.id
        ORDER BY o.kind, o.name
    """  # noqa: S608 – Django's compiled SQL; values go as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*orgs_params, *counted_params])
        return [
            {"kind": kind, "name": name, "is_hub": bool(is_hub), "requests": requests}
            for kind, name, is_hub, requests in cursor.fetchall()
        ]


def reasons_and_asked(filters: Filters) -> dict[str, dict[str, int]]:
    """One query: how many requests name each reason and each kind of help asked (a
    request may name several). The requests are first grouped by their two lists (a few
    thousand distinct combinations at most), and only the groups' lists are unnested:
    `jsonb_array_elements_text` on PostgreSQL, `json_each` on SQLite."""
    inner_sql, inner_params = (
        consultations(filters).values("reasons", "asked").query.sql_with_params()
    )
    if connection.vendor == "postgresql":
        unnest = "jsonb_array_elements_text(g.{field}) AS j(value)"
    else:
        unnest = "json_each(g.{field}) AS j"
    parts = [
        f"SELECT '{field}', j.value, SUM(g.n) FROM grouped AS g, "  # noqa: S608
        + unnest.format(field=field)
        + " GROUP BY j.value"
        for field in ("reasons", "asked")
    ]
    sql = (
        f"WITH grouped AS (SELECT c.reasons, c.asked, COUNT(*) AS n FROM ({inner_sql}) AS c "  # noqa: S608
        "GROUP BY c.reasons, c.asked) " + " UNION ALL ".join(parts)
    )
    result: dict[str, dict[str, int]] = {"reasons": {}, "asked": {}}
    with connection.cursor() as cursor:
        cursor.execute(sql, inner_params)
        for field, value, count in cursor.fetchall():
            result[field][value] = int(count)
    return result


def consultation_trend(filters: Filters) -> dict[datetime.date, dict]:
    """One query: requests received and (of them) answered, by month sent, in Helsinki."""
    rows = (
        consultations(filters)
        .annotate(month=TruncMonth("submitted_at", tzinfo=HELSINKI))
        .order_by()
        .values("month")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(first_response_at__isnull=False)),
        )
    )
    return {helsinki_month(row["month"]): row for row in rows}


@dataclass(frozen=True)
class ConsultationNumbers:
    totals: dict
    response: dict
    by_organization: list[dict]
    reasons_and_asked: dict[str, dict[str, int]]
    trend: dict[datetime.date, dict]


def count(filters: Filters) -> ConsultationNumbers:
    """The topic's five queries."""
    return ConsultationNumbers(
        totals=consultation_totals(filters),
        response=response_times(filters),
        by_organization=requests_by_organization(filters),
        reasons_and_asked=reasons_and_asked(filters),
        trend=consultation_trend(filters),
    )


# --- Key figures and tables ----------------------------------------------------------


def headline(numbers: ConsultationNumbers) -> list[dict]:
    """Received, answered, closed, the median working days and the share within the
    target. Median and share are shown only when they cannot reveal a small group: five
    answers at least, and neither the ones within the target nor the ones past it 1–4."""
    totals, response = numbers.totals, numbers.response
    within, answered_count = response["within_target"], response["answered"]
    median = response["median_working_days"] if answered_count >= 5 else None
    share = None
    if answered_count and not (is_small(within) or is_small(answered_count - within)):
        share = round(100 * within / answered_count)
    target = settings.CONSULTATION_TARGET_WORKING_DAYS
    return [
        figure("received", _("Consultations received"), suppress_count(totals["received"])),
        figure("answered", _("Consultations answered"), suppress_count(totals["answered"])),
        figure("closed", _("Consultations closed"), suppress_count(totals["closed"])),
        figure("median_working_days", _("Median working days to the first response"), median),
        figure(
            "share_within_target",
            _("Answered within %(days)s working days") % {"days": target},
            share,
            unit="%",
        ),
    ]


def tables(filters: Filters, numbers: ConsultationNumbers) -> list[dict]:
    """The measures, the contact sources by kind and by organisation, the reasons and
    what was asked."""
    kinds_table, kinds = _kinds_table(filters, numbers)
    return [
        _measures_table(headline(numbers)),
        kinds_table,
        _organisations_table(numbers, kinds),
        *_reasons_and_asked_tables(numbers),
    ]


def _measures_table(items: list[dict]) -> dict:
    return table(
        "consultations",
        _("Consultations"),
        [_("Measure"), _("Value")],
        [
            [
                item["label"],
                f"{item['value']} %"
                if item.get("unit") and item["value"] is not None
                else item["value"],
            ]
            for item in items
        ],
        note=_(
            "Working days exclude weekends and Finnish public holidays. The median and "
            "the share are left out when fewer than five requests were answered."
        ),
    )


def _sending_organisations(numbers: ConsultationNumbers) -> list[dict]:
    """The organisations of the contact-source tables. The hub is listed only if it sent
    requests itself (so that the rows add up to the requests received); as "an
    organisation that never sends" it would only confuse."""
    return [row for row in numbers.by_organization if not (row["is_hub"] and row["requests"] == 0)]


@dataclass(frozen=True)
class _Kinds:
    """The kinds of organisation as the kinds table shows them, for the organisations
    table that breaks each kind down."""

    counts: dict[str, dict]  # kind → requests, organisations, silent ones
    shown: Mapping[str, object]  # kind → its requests as shown (perhaps hidden)
    total: object  # the requests received as shown


def _kinds_table(filters: Filters, numbers: ConsultationNumbers) -> tuple[dict, _Kinds]:
    """Contact sources by kind: every kind, those that never send too."""
    kinds = {
        value: {"requests": 0, "organizations": 0, "silent": 0}
        for value in Organization.Kind.values
    }
    for row in _sending_organisations(numbers):
        kind = kinds.setdefault(row["kind"], {"requests": 0, "organizations": 0, "silent": 0})
        kind["requests"] += row["requests"]
        kind["organizations"] += 1
        kind["silent"] += row["requests"] == 0
    labels = dict(Organization.Kind.choices)
    if filters.org_kind:
        kinds = {key: value for key, value in kinds.items() if key == filters.org_kind}
    rows = [
        [labels.get(key, key), kind["requests"], kind["organizations"], kind["silent"]]
        for key, kind in kinds.items()
    ]
    total = suppress_column(rows, 1, numbers.totals["received"])
    shown = {key: row[1] for key, row in zip(kinds, rows, strict=True)}
    kinds_table = table(
        "contact_kinds",
        _("Contact sources by kind of organisation"),
        [
            _("Kind of organisation"),
            _("Requests"),
            _("Organisations"),
            _("Organisations that sent none"),
        ],
        rows,
        total=[
            _("Total"),
            total,
            sum(k["organizations"] for k in kinds.values()),
            sum(k["silent"] for k in kinds.values()),
        ],
        chart="bar",
    )
    return kinds_table, _Kinds(counts=kinds, shown=shown, total=total)


def _organisations_table(numbers: ConsultationNumbers, kinds: _Kinds) -> dict:
    """Contact sources by organisation: each kind's organisations are a breakdown of the
    kind's count shown above (hidden there, then all its organisations are hidden too)."""
    labels = dict(Organization.Kind.choices)
    organisations = _sending_organisations(numbers)
    rows = []
    for key in kinds.counts:
        group = [
            [labels.get(key, key), row["name"], row["requests"]]
            for row in organisations
            if row["kind"] == key
        ]
        if key == Organization.Kind.EMPLOYER and group:
            # Job coaches type the employers' names: they are counted, never listed.
            group = [
                [
                    labels.get(key, key),
                    ngettext("%(count)s employer", "%(count)s employers", len(group))
                    % {"count": len(group)},
                    sum(row[2] for row in group),
                ]
            ]
        if kinds.shown[key] == SUPPRESSED:
            for row in group:
                row[2] = SUPPRESSED if row[2] else 0
        else:
            suppress_column(group, 2, kinds.counts[key]["requests"])
        rows.extend(group)
    return table(
        "contact_organisations",
        _("Contact sources by organisation"),
        [_("Kind of organisation"), _("Organisation"), _("Requests")],
        rows,
        total=[_("Total"), "", kinds.total],
        numeric_from=2,
        note=_("Organisations with no requests in the period are listed with 0."),
    )


def _reasons_and_asked_tables(numbers: ConsultationNumbers) -> list[dict]:
    """Reasons and what was asked: a request may name several, so there is no total."""
    result = []
    for key, caption, header, choices in (
        ("reasons", _("Reasons for requests"), _("Reason"), ConsultationRequest.Reason.choices),
        ("asked", _("What was asked"), _("Asked for"), ConsultationRequest.Asked.choices),
    ):
        rows = [[label, numbers.reasons_and_asked[key].get(value, 0)] for value, label in choices]
        suppress_column(rows, 1, None)
        result.append(
            table(
                key,
                caption,
                [header, _("Requests")],
                rows,
                chart="bar",
                note=_("A request may name several, so the rows add up to more than the requests."),
            )
        )
    return result
