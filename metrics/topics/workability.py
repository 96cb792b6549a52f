"""The clients' own view of their work ability, for the manager: the mean self-assessed
Work Ability Score (0–10) per period (month or quarter) and organisation.

A person counts once per period, with their latest self-assessment in it (several in a
month do not weigh more), under the organisation of the professional who recorded that
assessment. The period's "All organisations" row is the mean over every person of the
period. A group of 1–4 people is hidden (metrics.privacy): its count shows "<5" and its
mean is not shown; the rule that hides a second group when one is hidden beside a shown
total applies too, since the total's mean and the other groups' would otherwise give
the hidden group's sum back. The page, its CSV and the API call `self_assessment_means`.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clients.models import WorkAbilityAssessment
from metrics.privacy import SUPPRESSED, suppress
from metrics.tables import plain, table

MONTH, QUARTER = "month", "quarter"
ALL = "__all__"


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    by: str = MONTH  # MONTH or QUARTER


def period_start(day: datetime.date, by: str) -> datetime.date:
    if by == QUARTER:
        return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


def period_label(start: datetime.date, by: str) -> str:
    if by == QUARTER:
        return _("Q%(quarter)d %(year)d") % {
            "quarter": (start.month - 1) // 3 + 1,
            "year": start.year,
        }
    return date_format(start, "YEAR_MONTH_FORMAT")


def _latest_per_person(period: Period) -> dict:
    """One query: the self-assessments of the range, newest first; the first one seen of
    a person in a period is their latest there. {(period start, person): (score, org)}"""
    rows = (
        WorkAbilityAssessment.objects.filter(
            kind=WorkAbilityAssessment.Kind.SELF,
            assessed_on__gte=period.start,
            assessed_on__lte=period.end,
        )
        .order_by("-assessed_on", "-created_at", "-pk")
        .values_list("client_id", "assessed_on", "score", "assessed_by__organization__name")
    )
    latest: dict = {}
    for client_id, assessed_on, score, organization in rows:
        latest.setdefault((period_start(assessed_on, period.by), client_id), (score, organization))
    return latest


def _mean(scores: list[int]) -> float:
    return round(sum(scores) / len(scores), 1)


def self_assessment_means(period: Period) -> dict:
    """The table: [period, organisation, people, mean] per period and organisation, then
    the period's "All organisations" row; small groups hidden."""
    groups: dict = defaultdict(lambda: defaultdict(list))
    for (start, _client), (score, organization) in _latest_per_person(period).items():
        groups[start][organization or ""].append(score)
        groups[start][ALL].append(score)
    rows = []
    for start in sorted(groups):
        by_org = groups[start]
        cells = {name: len(scores) for name, scores in by_org.items() if name != ALL}
        shown, total = suppress(cells, len(by_org[ALL]))
        label = period_label(start, period.by)
        for name in sorted(cells, key=lambda n: (n == "", n)):
            count = shown[name]
            rows.append(
                [
                    label,
                    name or _("No organisation"),
                    count,
                    None if count == SUPPRESSED else _mean(by_org[name]),
                ]
            )
        rows.append(
            [
                label,
                _("All organisations"),
                total,
                None if total == SUPPRESSED else _mean(by_org[ALL]),
            ]
        )
    return plain(
        table(
            "work_ability_self",
            _("Self-assessed work ability: mean Work Ability Score (0–10)"),
            [
                _("Period"),
                _("Organisation"),
                pgettext("number of people", "People"),
                _("Mean score"),
            ],
            rows,
            note=_(
                "Each person counts once per period, with their latest self-assessment, "
                "under the organisation of the professional who recorded it. Groups of "
                "fewer than five people are shown as “<5” without a mean."
            ),
            numeric_from=2,
        )
    )
