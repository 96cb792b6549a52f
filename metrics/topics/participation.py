"""Participation: the distinct clients served (identified ones; anonymous requests are
counted apart) and the professionals' feedback on the help they got."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from metrics.filters import Filters, active_in_period, consultations, feedback, networks
from metrics.privacy import SUPPRESSED, suppress, suppress_count
from metrics.tables import figure, suppress_column, table

# --- Queries -------------------------------------------------------------------------


def distinct_clients(filters: Filters) -> int:
    """One query: distinct identified clients with a request in the range or a network
    active in it (UNION removes the duplicates). Anonymous requests have no client and
    are counted apart in `consultation_totals`."""
    # A request awaiting identification has no client yet: it is not a client of its own.
    from_requests = (
        consultations(filters)
        .filter(anonymous=False, client__isnull=False)
        .order_by()
        .values("client_id")
    )
    from_networks = (
        networks(filters).filter(active_in_period(filters)).order_by().values("client_id")
    )
    return from_requests.union(from_networks).count()


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


@dataclass(frozen=True)
class ParticipationNumbers:
    clients: int
    feedback: dict


def count(filters: Filters) -> ParticipationNumbers:
    """The topic's two queries."""
    return ParticipationNumbers(
        clients=distinct_clients(filters), feedback=feedback_distribution(filters)
    )


# --- Key figures and tables ----------------------------------------------------------


@dataclass(frozen=True)
class _ShownFeedback:
    rows: list[list]
    total: object
    mean: float | None


def _shown_feedback(numbers: ParticipationNumbers) -> _ShownFeedback:
    """The distribution with small counts hidden. The mean would let hidden cells be
    solved from the total, so it is shown only when no cell of the distribution is
    hidden."""
    distribution = numbers.feedback["distribution"]
    rows = [[str(score), distribution[score]] for score in range(1, 6)]
    total = suppress_column(rows, 1, numbers.feedback["count"])
    any_hidden = any(row[1] == SUPPRESSED for row in rows) or total == SUPPRESSED
    mean = numbers.feedback["mean"]
    return _ShownFeedback(
        rows=rows, total=total, mean=None if any_hidden or mean is None else round(mean, 1)
    )


def headline(numbers: ParticipationNumbers) -> list[dict]:
    return [
        figure("distinct_clients", _("Distinct clients served"), suppress_count(numbers.clients)),
        figure(
            "feedback_count",
            _("Feedback from professionals"),
            suppress_count(numbers.feedback["count"]),
        ),
        figure("feedback_mean", _("Mean usefulness (1–5)"), _shown_feedback(numbers).mean),
    ]


def tables(numbers: ParticipationNumbers, consultation_totals: dict) -> list[dict]:
    """The clients (with the anonymous and identified requests of `consultation_totals`)
    and the feedback's distribution."""
    # Anonymous requests have no client, so they are counted apart.
    split, received_shown = suppress(
        {
            "anonymous": consultation_totals["anonymous"],
            "identified": consultation_totals["identified"],
        },
        consultation_totals["received"],
    )
    shown = _shown_feedback(numbers)
    return [
        table(
            "clients",
            _("Clients"),
            [_("Measure"), _("Value")],
            [
                [
                    _("Distinct clients served (requests and networks)"),
                    suppress_count(numbers.clients),
                ],
                [_("Requests about an identified client"), split["identified"]],
                [_("Anonymous requests"), split["anonymous"]],
                [_("All requests"), received_shown],
            ],
        ),
        table(
            "feedback",
            _("Professionals' feedback: usefulness from 1 (not useful) to 5 (very useful)"),
            [_("Usefulness"), _("Feedback")],
            shown.rows,
            total=[_("Total"), shown.total],
            chart="bar",
            note=_("Mean usefulness: %(mean)s")
            % {"mean": "–" if shown.mean is None else number_format(shown.mean, 1)},
        ),
    ]
