"""The "IPS job coaching and health checks" panel: clients in job coaching, the quarterly
competitive-employment rate against the IPS benchmarks, the days to the first employer
contact, the health checks of the unemployed (`metrics.topics.healthchecks`), and the
exits to studies, rehabilitation and pension assessment from job coaching and networks.

Referrals follow the contact-source filters through the organisation of the
professional who referred the client (`metrics.filters.referrals`). Health checks are
counted for the unemployed clients served in the period (a request, a network or job
coaching), by the client's municipality.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coaching.models import EmployerContact, JobStart, Referral
from metrics.filters import Filters, referrals, served_between
from metrics.privacy import THRESHOLD, share, suppress_count
from metrics.stats import histogram_median
from metrics.tables import figure, suppress_column, table
from metrics.topics import healthchecks

# The exits counted as outcomes, the same values in a referral's end reason and in a
# network's closure reason.
OUTCOME_EXITS = (
    Referral.EndReason.STUDIES,
    Referral.EndReason.REHABILITATION,
    Referral.EndReason.PENSION_ASSESSMENT,
)
EMPLOYER_CONTACT_TARGET_DAYS = 30

# The IPS benchmarks of the quarterly competitive-employment rate (per cent).
# gettext_lazy by its own name: makemessages does not know an alias.
IPS_BENCHMARKS = (
    (50, gettext_lazy("excellent")),
    (41, gettext_lazy("average")),
    (31, gettext_lazy("minimal")),
)


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
    result: list[Quarter] = []
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


# --- Queries -------------------------------------------------------------------------


def coaching_totals(filters: Filters) -> dict:
    """One query on the referrals: clients in coaching at the end of the period (taken
    and not ended by then: active or follow-along), referrals ended in the period by
    reason, and the clients served in each quarter."""
    end = filters.end
    ended_in_period = Q(
        status=Referral.Status.ENDED, ended_on__gte=filters.start, ended_on__lte=end
    )
    aggregates = {
        "in_coaching": Count(
            "client",
            distinct=True,
            filter=Q(taken_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gt=end)),
        ),
        "ended": Count("pk", filter=ended_in_period),
    }
    reasons = Referral.EndReason.values
    for value in reasons:
        aggregates[f"ended_{value}"] = Count("pk", filter=ended_in_period & Q(end_reason=value))
    periods = quarters(filters)
    for index, quarter in enumerate(periods):
        aggregates[f"served_{index}"] = Count(
            "client", distinct=True, filter=served_between(quarter.start, quarter.end)
        )
    row = referrals(filters).aggregate(**aggregates)
    return {
        "in_coaching": row["in_coaching"],
        "ended": row["ended"],
        "ended_by_reason": {value: row[f"ended_{value}"] for value in reasons},
        "served": [row[f"served_{index}"] for index in range(len(periods))],
    }


def competitive_starts(filters: Filters) -> list[int]:
    """One query on the job starts: per quarter, the clients who started work on the open
    labour market in it (of referrals served in it)."""
    periods = quarters(filters)
    aggregates = {
        f"started_{index}": Count(
            "referral__client",
            distinct=True,
            filter=Q(started_on__gte=quarter.start, started_on__lte=quarter.end)
            & served_between(quarter.start, quarter.end, "referral__"),
        )
        for index, quarter in enumerate(periods)
    }
    if not aggregates:
        return []
    row = JobStart.objects.filter(
        open_labour_market=True, referral__in=referrals(filters)
    ).aggregate(**aggregates)
    return [row[f"started_{index}"] for index in range(len(periods))]


def employment_rate(started: int, served: int) -> float | None:
    """The quarterly competitive-employment rate in per cent, one decimal."""
    if not served:
        return None
    return round(100 * started / served, 1)


def first_employer_contacts(filters: Filters) -> dict:
    """One query: days from the referral (taken on, or referred on if not taken) to the
    first contact with an employer, for the referrals started in the period. Grouped by
    the pair of dates and counted in Python (a few hundred pairs), like the response
    times."""
    first = (
        EmployerContact.objects.filter(referral=OuterRef("pk"))
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
    return _judge_contacts(rows, last_day=min(filters.end, timezone.localdate()))


def _judge_contacts(rows, last_day: datetime.date) -> dict:
    """The days to the first contact of each (began, first, n) group, against the target.
    A referral without a contact counts as "not within 30 days" once 30 days have passed
    by the last day; before that it is too early to tell."""
    target = EMPLOYER_CONTACT_TARGET_DAYS
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
    contacted = sum(histogram.values())
    return {
        "contacted": contacted,
        "median_days": histogram_median(sorted(histogram.items()), contacted),
        "within_target": within,
        "judged": within + late,
        "late_without_contact": never,
        "not_yet": waiting,
    }


@dataclass(frozen=True)
class IpsNumbers:
    quarters: list[Quarter]
    coaching: dict
    starts: list[int]
    contacts: dict
    coverage: dict[str, dict]


def count(filters: Filters) -> IpsNumbers:
    """The panel's four queries, whatever the number of rows."""
    return IpsNumbers(
        quarters=quarters(filters),
        coaching=coaching_totals(filters),
        starts=competitive_starts(filters),
        contacts=first_employer_contacts(filters),
        coverage=healthchecks.health_check_coverage(filters),
    )


# --- The panel -----------------------------------------------------------------------


def benchmark_level(rate: float | None) -> str:
    if rate is None:
        return ""
    for limit, label in IPS_BENCHMARKS:
        if rate >= limit:
            return str(label)
    return _("below the minimal level")


def panel(numbers: IpsNumbers, closures: dict[str, int]) -> tuple[dict, list[dict]]:
    """The panel's caption and key figures, and its tables, marked `panel: "ips"` so that
    the CSV export and the API carry them like every other table. `closures` are the
    networks closed in the period by reason (`metrics.topics.networks`)."""
    employment, latest_rate = _employment_table(numbers)
    contacts, median, within_share = _employer_contacts_table(numbers.contacts)
    checks, check_share = healthchecks.coverage_table(numbers.coverage)
    exits = _exits_table(numbers.coaching, closures)
    headline = [
        figure(
            "clients_in_coaching",
            _("Clients in job coaching at the end of the period"),
            suppress_count(numbers.coaching["in_coaching"]),
        ),
        figure(
            "median_days_to_employer_contact",
            _("Median days to the first employer contact"),
            median,
        ),
        figure(
            "employer_contact_within_30_days",
            _("First employer contact within %(days)s days")
            % {"days": EMPLOYER_CONTACT_TARGET_DAYS},
            within_share,
            unit="%",
        ),
        figure(
            "competitive_employment_rate",
            _("Competitive-employment rate, latest quarter"),
            latest_rate,
            unit="%",
        ),
        figure(
            "health_check_share",
            _("Unemployed clients with a health check in the last 12 months"),
            check_share,
            unit="%",
        ),
    ]
    tables = [t | {"panel": "ips"} for t in (employment, contacts, checks, exits)]
    return {"caption": _("IPS job coaching and health checks"), "headline": headline}, tables


def _employment_table(numbers: IpsNumbers) -> tuple[dict, float | None]:
    """The quarterly competitive-employment rate against the IPS benchmarks, and the
    latest quarter's rate."""
    rows = []
    for quarter, served, started in zip(
        numbers.quarters, numbers.coaching["served"], numbers.starts, strict=True
    ):
        rate = share(started, served)
        rows.append(
            [
                quarter.label,
                suppress_count(served),
                suppress_count(started),
                rate,
                benchmark_level(rate),
            ]
        )
    return table(
        "ips_employment",
        _("Competitive employment by quarter"),
        [
            _("Quarter"),
            _("Clients served in job coaching"),
            _("Of them started work on the open labour market"),
            _("Competitive-employment rate (%)"),
            _("IPS benchmark reached"),
        ],
        rows,
        note=_(
            "IPS benchmarks: 31 % minimal, 41 % average, 50 % excellent. A client is "
            "served in a quarter when their referral was taken on by its end and had "
            "not ended before it began. The first and last quarters are cut to the "
            "period; a period over ten years shows its last forty quarters. The rate "
            "is left out when it could reveal a group smaller than "
            "five."
        ),
    ), (rows[-1][3] if rows else None)


def _employer_contacts_table(contacts: dict) -> tuple[dict, float | None, float | None]:
    """Days from the referral to the first employer contact, with the median and the
    share within the target for the key figures."""
    median = contacts["median_days"] if contacts["contacted"] >= THRESHOLD else None
    within_share = share(contacts["within_target"], contacts["judged"])
    days = {"days": EMPLOYER_CONTACT_TARGET_DAYS}
    rows = [
        [
            _("Referrals started in the period with an employer contact"),
            suppress_count(contacts["contacted"]),
        ],
        [_("Median days to the first employer contact"), median],
        [_("First employer contact within %(days)s days (%%)") % days, within_share],
        [
            _("No employer contact %(days)s days or more after the referral") % days,
            suppress_count(contacts["late_without_contact"]),
        ],
        [
            _("No employer contact yet, under %(days)s days since the referral") % days,
            suppress_count(contacts["not_yet"]),
        ],
    ]
    return (
        table(
            "ips_employer_contacts",
            _("Days from the referral to the first employer contact"),
            [_("Measure"), _("Value")],
            rows,
            note=_(
                "Counted from the day a job coach took the referral (or the day of the "
                "referral if not yet taken). IPS asks for the first employer contact within "
                "30 days; a referral without one counts as late once 30 days have passed."
            ),
        ),
        median,
        within_share,
    )


def _exits_table(coaching: dict, closures: dict[str, int]) -> dict:
    """Exits counted as outcomes: from job coaching and from client networks."""
    labels = dict(Referral.EndReason.choices)
    rows = [
        [
            labels.get(reason, reason),
            coaching["ended_by_reason"].get(reason, 0),
            closures.get(reason, 0),
        ]
        for reason in OUTCOME_EXITS
    ]
    coaching_exits = sum(row[1] for row in rows)
    network_exits = sum(row[2] for row in rows)
    total = [
        _("Total"),
        suppress_column(rows, 1, coaching_exits),
        suppress_column(rows, 2, network_exits),
    ]
    return table(
        "ips_exits",
        _("Exits to studies, rehabilitation and pension assessment"),
        [_("Outcome"), _("Job coaching ended"), _("Client networks closed")],
        rows,
        total=total,
        chart="bar",
        note=_("These exits are outcomes of the work, not failures."),
    )
