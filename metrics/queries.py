"""The dashboard's numbers: one function per block, each a small fixed number of aggregate
queries, so that the query count is the same at a thousand rows and at a million.

Every function takes the same `Filters` and returns plain numbers (before suppression);
`metrics.summary.build_summary` turns them into the tables that the page, the CSV export
and the API all show, after `metrics.privacy.suppress` has hidden small counts.

Filters: the date range selects by the event's own date (a consultation by when it was
sent, a network by when it was formed or closed, feedback by when it was given), in
Helsinki time. Municipality and organisation kind select by the *contact source* (the
requesting organisation): they are the dimensions a county manager steers by, and an
organisation's municipality is not client data. Networks are selected through their
origin consultation's contact source.
"""

import datetime
import statistics
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from common.workdays import working_days_between
from coordination.models import ConsultationRequest, Feedback, Organization
from networks.models import ClientNetwork

HELSINKI = ZoneInfo("Europe/Helsinki")


@dataclass(frozen=True)
class Filters:
    """Dates are inclusive, in Helsinki time; empty strings mean "all"."""

    start: datetime.date
    end: datetime.date
    municipality: str = ""
    org_kind: str = ""

    @classmethod
    def default(cls, today: datetime.date | None = None) -> "Filters":
        """The last 12 months: from the first day of the month eleven months ago to today,
        so that the first month of the trend is a whole one."""
        today = today or timezone.localdate()
        month = today.month - 11
        year = today.year + (month - 1) // 12
        start = datetime.date(year, (month - 1) % 12 + 1, 1)
        return cls(start=start, end=today)

    @property
    def since(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=HELSINKI)

    @property
    def until(self) -> datetime.datetime:
        """The first moment after the range."""
        next_day = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(next_day, datetime.time.min, tzinfo=HELSINKI)

    def months(self) -> list[datetime.date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def contact_sources(filters: Filters):
    """The organisations the filters select (all of them, those that never send too;
    the hub itself too, so that the contact sources add up to the requests received)."""
    organizations = Organization.objects.all()
    if filters.municipality:
        organizations = organizations.filter(municipality=filters.municipality)
    if filters.org_kind:
        organizations = organizations.filter(kind=filters.org_kind)
    return organizations


def _source_filter(filters: Filters, prefix: str = "") -> Q:
    """Municipality and kind as a subquery on the organisations (no extra round trip)."""
    if not (filters.municipality or filters.org_kind):
        return Q()
    return Q(**{f"{prefix}requesting_organization__in": contact_sources(filters).values("pk")})


def consultations(filters: Filters):
    return ConsultationRequest.objects.filter(
        _source_filter(filters),
        submitted_at__gte=filters.since,
        submitted_at__lt=filters.until,
    )


def networks(filters: Filters):
    qs = ClientNetwork.objects.all()
    if filters.municipality or filters.org_kind:
        qs = qs.filter(_source_filter(filters, "origin_consultation__"))
    return qs


def feedback(filters: Filters):
    return Feedback.objects.filter(
        _source_filter(filters, "request__"),
        given_at__gte=filters.since,
        given_at__lt=filters.until,
    )


# --- Consultations -------------------------------------------------------------------


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
    target = settings.CONSULTATION_TARGET_WORKING_DAYS
    answered = consultations(filters).filter(first_response_at__isnull=False)
    if connection.vendor != "postgresql":
        days = [
            working_days_between(timezone.localdate(sent), timezone.localdate(first))
            for sent, first in answered.values_list("submitted_at", "first_response_at")
        ]
        return {
            "median_working_days": statistics.median(days) if days else None,
            "within_target": sum(1 for d in days if d <= target),
            "answered": len(days),
        }
    # Responses can come after the range: the calendar runs to today (or the range's end).
    # Requests are grouped by their two dates first (a few thousand pairs), the pairs are
    # looked up in the calendar, and the result is a histogram of working days from which
    # the median is read: the same value as percentile_cont, without sorting every row.
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
        "median_working_days": _histogram_median(histogram, count),
        "within_target": sum(n for days, n in histogram if days <= target),
        "answered": count,
    }


def _histogram_median(histogram: list[tuple[int, int]], count: int) -> float | None:
    """The median of a sorted histogram [(value, how many)], as `statistics.median`."""
    if not count:
        return None

    def nth(index: int) -> int:  # 0-based
        seen = 0
        for value, n in histogram:
            seen += n
            if index < seen:
                return value
        raise IndexError(index)

    middle = count // 2
    if count % 2:
        return float(nth(middle))
    return (nth(middle - 1) + nth(middle)) / 2


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


# --- Networks ------------------------------------------------------------------------


def network_totals(filters: Filters) -> dict:
    """One query: formed in the range, active at some time in it, closed in it, and open
    at its end."""
    since, until = filters.since, filters.until
    return networks(filters).aggregate(
        formed=Count("pk", filter=Q(opened_at__gte=since, opened_at__lt=until)),
        active=Count(
            "pk",
            filter=Q(opened_at__lt=until) & (Q(closed_at__isnull=True) | Q(closed_at__gte=since)),
        ),
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


# --- Clients -------------------------------------------------------------------------


def distinct_clients(filters: Filters) -> int:
    """One query: distinct identified clients with a request in the range or a network
    active in it (UNION removes the duplicates). Anonymous requests have no client and
    are counted apart in `consultation_totals`."""
    since, until = filters.since, filters.until
    # A request awaiting identification has no client yet: it is not a client of its own.
    from_requests = (
        consultations(filters)
        .filter(anonymous=False, client__isnull=False)
        .order_by()
        .values("client_id")
    )
    from_networks = (
        networks(filters)
        .filter(Q(opened_at__lt=until) & (Q(closed_at__isnull=True) | Q(closed_at__gte=since)))
        .order_by()
        .values("client_id")
    )
    return from_requests.union(from_networks).count()


# --- Feedback ------------------------------------------------------------------------


def feedback_distribution(filters: Filters) -> dict:
    """One query: feedback given in the range by usefulness 1–5; count and mean follow
    from the five rows."""
    rows = feedback(filters).order_by().values("usefulness").annotate(n=Count("pk"))
    distribution = dict.fromkeys(range(1, 6), 0)
    for row in rows:
        distribution[row["usefulness"]] = row["n"]
    count = sum(distribution.values())
    mean = sum(score * n for score, n in distribution.items()) / count if count else None
    return {"count": count, "mean": mean, "distribution": distribution}


# --- Monthly trends ------------------------------------------------------------------


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
    return {_month(row["month"]): row for row in rows}


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
    return {_month(row["month"]): row["formed"] for row in rows}


def _month(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.astimezone(HELSINKI).date() if timezone.is_aware(value) else value.date()
    return value


# --- Plan actions --------------------------------------------------------------------

HEALTH_CHECK_SERVICE_TYPE = "unemployed_health_check"


def plan_action_model():
    """`serviceplans.PlanAction` (looked up by name: metrics imports no upper app)."""
    try:
        return apps.get_model("serviceplans", "PlanAction")
    except LookupError:
        return None


def plan_actions(filters: Filters) -> dict | None:
    """One query: actions by service type, done in the range, open now, overdue now.

    A plan is versioned and each version carries a copy of its actions, so only the
    version in force counts: a version that is not a draft and that no later non-draft
    version of the same network has replaced. Cancelled actions are neither open nor
    done. Municipality and kind filters do not apply (an action has no contact source
    of its own)."""
    model = plan_action_model()
    if model is None:
        return None
    plan_model = apps.get_model("serviceplans", "ServicePlan")
    replaced = plan_model.objects.filter(
        network=OuterRef("plan__network"), version__gt=OuterRef("plan__version")
    ).exclude(status="draft")
    today = timezone.localdate()
    open_q = Q(status__in=["planned", "in_progress"])
    rows = (
        model.objects.order_by()
        .exclude(plan__status="draft")
        .filter(~Exists(replaced))
        .values("service_type")
        .annotate(
            done=Count(
                "pk",
                filter=Q(status="done", done_at__gte=filters.since, done_at__lt=filters.until),
            ),
            open=Count("pk", filter=open_q),
            overdue=Count("pk", filter=open_q & Q(due_date__lt=today)),
        )
    )
    return {row["service_type"]: row for row in rows}


# --- IPS job coaching and health checks ------------------------------------
#
# Referrals follow the contact-source filters through the organisation of the
# professional who referred the client (`referred_by`): the referring organisation is a
# referral's contact source, as the requesting organisation is a consultation's.
# Self-referrals have no referring organisation, so a municipality or kind filter leaves
# them out. Health checks are counted for the unemployed clients served in the period
# (a request, a network or job coaching), by the client's municipality.

UNEMPLOYED = ("unemployed_registered", "unemployed_not_registered")
OUTCOME_EXITS = ("studies", "rehabilitation", "pension_assessment")
EMPLOYER_CONTACT_TARGET_DAYS = 30


def coaching_model(name: str = "Referral"):
    """A `coaching` model by name (metrics imports no upper app), or None."""
    try:
        return apps.get_model("coaching", name)
    except LookupError:
        return None


def referrals(filters: Filters):
    qs = coaching_model().objects.all()
    if filters.municipality or filters.org_kind:
        qs = qs.filter(referred_by__organization__in=contact_sources(filters).values("pk"))
    return qs


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int
    start: datetime.date  # cut to the period
    end: datetime.date

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.number}"


# The quarterly table shows at most the last ten years of a longer period: each quarter
# is a column of one aggregate query (PostgreSQL allows 1,664), and a longer table helps
# nobody. Found by schemathesis with a period of several centuries.
MAX_QUARTERS = 40


def quarters(filters: Filters) -> list[Quarter]:
    """The calendar quarters the period touches, the first and last cut to the period;
    the last `MAX_QUARTERS` of them."""
    result = []
    year, number = filters.start.year, (filters.start.month - 1) // 3 + 1
    earliest = filters.end.year - MAX_QUARTERS // 4 - 1
    if year < earliest:  # not a loop over centuries for the quarters that are dropped
        year, number = earliest, 1
    while True:
        first = datetime.date(year, 3 * number - 2, 1)
        if first > filters.end:
            return result[-MAX_QUARTERS:]
        after = datetime.date(year + (number == 4), 1 if number == 4 else 3 * number + 1, 1)
        last = after - datetime.timedelta(days=1)
        result.append(Quarter(year, number, max(first, filters.start), min(last, filters.end)))
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)


def _served_q(start: datetime.date, end: datetime.date, prefix: str = "") -> Q:
    """A referral served between the dates: taken on or before the end and not ended
    before the start."""
    return Q(**{f"{prefix}taken_on__lte": end}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": start})
    )


def coaching_totals(filters: Filters) -> dict | None:
    """One query on the referrals: clients in coaching at the end of the period (taken
    and not ended by then: active or follow-along), referrals ended in the period by
    reason, and the clients served in each quarter."""
    if coaching_model() is None:
        return None
    end = filters.end
    ended_in_period = Q(status="ended", ended_on__gte=filters.start, ended_on__lte=end)
    aggregates = {
        "in_coaching": Count(
            "client",
            distinct=True,
            filter=Q(taken_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end)),
        ),
        "ended": Count("pk", filter=ended_in_period),
    }
    reasons = coaching_model()._meta.get_field("end_reason").choices or []
    for value, _label in reasons:
        aggregates[f"ended_{value}"] = Count("pk", filter=ended_in_period & Q(end_reason=value))
    periods = quarters(filters)
    for index, quarter in enumerate(periods):
        aggregates[f"served_{index}"] = Count(
            "client", distinct=True, filter=_served_q(quarter.start, quarter.end)
        )
    row = referrals(filters).aggregate(**aggregates)
    return {
        "in_coaching": row["in_coaching"],
        "ended": row["ended"],
        "ended_by_reason": {value: row[f"ended_{value}"] for value, _label in reasons},
        "served": [row[f"served_{index}"] for index in range(len(periods))],
    }


def competitive_starts(filters: Filters) -> list[int] | None:
    """One query on the job starts: per quarter, the clients who started work on the open
    labour market in it (of referrals served in it)."""
    job_start = coaching_model("JobStart")
    if job_start is None:
        return None
    periods = quarters(filters)
    aggregates = {
        f"started_{index}": Count(
            "referral__client",
            distinct=True,
            filter=Q(started_on__gte=quarter.start, started_on__lte=quarter.end)
            & _served_q(quarter.start, quarter.end, "referral__"),
        )
        for index, quarter in enumerate(periods)
    }
    if not aggregates:
        return []
    row = job_start.objects.filter(
        open_labour_market=True, referral__in=referrals(filters)
    ).aggregate(**aggregates)
    return [row[f"started_{index}"] for index in range(len(periods))]


def employment_rate(started: int, served: int) -> float | None:
    """The quarterly competitive-employment rate in per cent, one decimal."""
    if not served:
        return None
    return round(100 * started / served, 1)


def first_employer_contacts(filters: Filters) -> dict | None:
    """One query: days from the referral (taken on, or referred on if not taken) to the
    first contact with an employer, for the referrals started in the period. Grouped by
    the pair of dates and counted in Python (a few hundred pairs), like the response
    times. A referral without a contact counts as "not within 30 days" once 30 days
    have passed by the end of the period; before that it is too early to tell."""
    contact = coaching_model("EmployerContact")
    if contact is None:
        return None
    first = (
        contact.objects.filter(referral=OuterRef("pk"))
        .order_by("contacted_on")
        .values("contacted_on")[:1]
    )
    rows = (
        referrals(filters)
        .annotate(began=Coalesce("taken_on", "referred_on"), first=Subquery(first))
        .filter(began__gte=filters.start, began__lte=filters.end)
        .order_by()
        .values("began", "first")
        .annotate(n=Count("pk"))
    )
    target = EMPLOYER_CONTACT_TARGET_DAYS
    last_day = min(filters.end, timezone.localdate())
    histogram: dict[int, int] = {}
    within = late = waiting = never = 0
    for row in rows:
        if row["first"] is None:
            if (last_day - row["began"]).days >= target:
                late += row["n"]
                never += row["n"]
            else:
                waiting += row["n"]
            continue
        days = max(0, (row["first"] - row["began"]).days)
        histogram[days] = histogram.get(days, 0) + row["n"]
        if days < target:
            within += row["n"]
        else:
            late += row["n"]
    pairs = sorted(histogram.items())
    contacted = sum(histogram.values())
    return {
        "contacted": contacted,
        "median_days": _histogram_median(pairs, contacted),
        "within_target": within,
        "judged": within + late,
        "late_without_contact": never,
        "not_yet": waiting,
    }


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
    from clients.models import Client
    from healthchecks.models import HealthCheck

    since, until = filters.since, filters.until
    served = Q(
        pk__in=consultations(filters).filter(anonymous=False).order_by().values("client_id")
    ) | Q(
        pk__in=networks(filters)
        .filter(Q(opened_at__lt=until) & (Q(closed_at__isnull=True) | Q(closed_at__gte=since)))
        .order_by()
        .values("client_id")
    )
    if coaching_model() is not None:
        served |= Q(
            pk__in=referrals(filters)
            .filter(_served_q(filters.start, filters.end))
            .order_by()
            .values("client_id")
        )
    checked = HealthCheck.objects.filter(
        client=OuterRef("pk"),
        status="done",
        done_on__gte=_year_before(filters.end),
        done_on__lte=filters.end,
    )
    rows = (
        Client.objects.filter(served, life_situation__in=UNEMPLOYED)
        .annotate(has_check=Exists(checked))
        .order_by()
        .values("municipality")
        .annotate(clients=Count("pk"), checked=Count("pk", filter=Q(has_check=True)))
    )
    return {
        row["municipality"]: {"clients": row["clients"], "checked": row["checked"]} for row in rows
    }
