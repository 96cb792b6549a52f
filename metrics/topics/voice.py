"""The client's own voice: answers to the one-time feedback links by touchpoint and kind
of organisation, and the mean of the clients' self-assessed work ability by month.

Both are selected by the day they were given and by the organisation that asked
(its municipality and kind, like the contact sources of the other topics). A row of
fewer than five answers shows "<5" and no shares; a month's mean is shown only from
five self-assessments on, so that no one client's score can be read from it.
"""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from coordination.models import Organization
from metrics.filters import Filters, helsinki_month
from metrics.privacy import SUPPRESSED, is_small, share, suppress_count
from metrics.tables import figure, suppress_column, table
from voice.forms import QUESTIONS
from voice.models import Answer, ClientLink, FeedbackAnswer, Touchpoint

# --- Queries -------------------------------------------------------------------------


def _by_organisation(queryset, filters: Filters, prefix: str = "organization"):
    if filters.municipality:
        queryset = queryset.filter(**{f"{prefix}__municipality": filters.municipality})
    if filters.org_kind:
        queryset = queryset.filter(**{f"{prefix}__kind": filters.org_kind})
    return queryset


def feedback_rows(filters: Filters) -> list[dict]:
    """One query: answers in the range by touchpoint and kind of organisation, with how
    many answered "yes" to each question."""
    answers = _by_organisation(
        FeedbackAnswer.objects.filter(answered_on__range=(filters.start, filters.end)), filters
    )
    yes = {f"{name}_yes": Count("pk", filter=Q(**{name: Answer.YES})) for name in QUESTIONS}
    return list(
        answers.order_by()
        .values("touchpoint", "organization__kind")
        .annotate(n=Count("pk"), **yes)
        .order_by("touchpoint", "organization__kind")
    )


def self_assessment_months(filters: Filters) -> dict:
    """One query: self-assessments made through a link, by the month of the assessment,
    with their count and mean Work Ability Score."""
    links = _by_organisation(
        ClientLink.objects.filter(
            purpose=ClientLink.Purpose.SELF_ASSESSMENT,
            assessment__isnull=False,
            assessment__assessed_on__range=(filters.start, filters.end),
        ),
        filters,
    )
    rows = (
        links.annotate(month=TruncMonth("assessment__assessed_on"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"), mean=Avg("assessment__score"))
    )
    return {helsinki_month(row["month"]): row for row in rows}


@dataclass(frozen=True)
class VoiceNumbers:
    feedback: list[dict]
    self_assessments: dict


def count(filters: Filters) -> VoiceNumbers:
    """The topic's two queries."""
    return VoiceNumbers(
        feedback=feedback_rows(filters), self_assessments=self_assessment_months(filters)
    )


# --- Key figures and tables ----------------------------------------------------------


def _shown_share(part: int, whole: int, hidden: bool):
    return None if hidden else share(part, whole)


def _feedback_table(numbers: VoiceNumbers) -> dict:
    touchpoints = dict(Touchpoint.choices)
    kinds = dict(Organization.Kind.choices)
    rows = [
        [
            touchpoints.get(row["touchpoint"], row["touchpoint"]),
            kinds.get(row["organization__kind"], row["organization__kind"]),
            row["n"],
        ]
        for row in numbers.feedback
    ]
    total = suppress_column(rows, 2, sum(row["n"] for row in numbers.feedback))
    for shown, row in zip(rows, numbers.feedback, strict=True):
        hidden = shown[2] == SUPPRESSED
        shown.extend(_shown_share(row[f"{q}_yes"], row["n"], hidden) for q in QUESTIONS)
    return table(
        "client_feedback",
        _("Clients' feedback by touchpoint: share answering yes (%)"),
        [
            _("Touchpoint"),
            _("Kind of organisation"),
            _("Answers"),
            _("Was heard"),
            _("Understood what was agreed"),
            _("Knows who helps next"),
            _("Would recommend"),
        ],
        rows,
        total=[_("Total"), "", total, None, None, None, None],
        numeric_from=2,
        note=_("A share is shown when at least five answered and neither group is 1–4."),
    )


def _mean(n: int, mean: float | None):
    return None if mean is None or n < 5 else round(mean, 1)


def _self_assessment_table(filters: Filters, numbers: VoiceNumbers) -> dict:
    months = numbers.self_assessments
    rows = []
    for month in filters.months():
        row = months.get(month, {"n": 0, "mean": None})
        rows.append(
            [date_format(month, "YEAR_MONTH_FORMAT"), row["n"], _mean(row["n"], row["mean"])]
        )
    counts = [row[1] for row in rows]
    total_n = sum(counts)
    total_mean = _overall_mean(numbers)
    total = suppress_column(rows, 1, total_n)
    for row in rows:
        if row[1] == SUPPRESSED:
            row[2] = None
    return table(
        "self_assessment_mean",
        _("Clients' self-assessed work ability (0–10) by month"),
        [_("Month"), _("Self-assessments"), _("Mean work ability (0–10)")],
        rows,
        total=[_("Total"), total, None if total == SUPPRESSED else _mean(total_n, total_mean)],
    )


def _overall_mean(numbers: VoiceNumbers) -> float | None:
    rows = numbers.self_assessments.values()
    n = sum(row["n"] for row in rows)
    if not n:
        return None
    return sum(row["mean"] * row["n"] for row in rows) / n


def headline(numbers: VoiceNumbers) -> list[dict]:
    answers = sum(row["n"] for row in numbers.feedback)
    assessed = sum(row["n"] for row in numbers.self_assessments.values())
    mean = _mean(assessed, _overall_mean(numbers))
    return [
        figure("client_feedback_count", _("Feedback from clients"), suppress_count(answers)),
        figure(
            "self_assessment_mean",
            _("Clients' self-assessed work ability (mean, 0–10)"),
            None if is_small(assessed) or mean is None else number_format(mean, 1),
        ),
    ]


def tables(filters: Filters, numbers: VoiceNumbers) -> list[dict]:
    return [_feedback_table(numbers), _self_assessment_table(filters, numbers)]
