"""This month against last month: the manager's headline on the home page.

The same counting functions as the dashboard (`metrics.topics`), over two date ranges,
with small counts hidden the same way (`metrics.privacy`): 1–4 is shown as "<5", and no
change is worked out from a hidden number."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from metrics.filters import Filters
from metrics.privacy import is_small, suppress_count
from metrics.topics.consultations import consultation_totals
from metrics.topics.networks import network_totals


@dataclass(frozen=True)
class MonthFigure:
    key: str
    label: str
    this_month: int | str
    last_month: int | str
    # this month minus last month; None when either is hidden
    change: int | None
    url: str


def month_ranges(today: datetime.date) -> tuple[Filters, Filters]:
    """From the first of this month to today, and the whole of last month."""
    first = today.replace(day=1)
    last_end = first - datetime.timedelta(days=1)
    return Filters(start=first, end=today), Filters(start=last_end.replace(day=1), end=last_end)


def _figure(key: str, label, now: int, before: int, url: str) -> MonthFigure:
    hidden = is_small(now) or is_small(before)
    return MonthFigure(
        key=key,
        label=str(label),
        this_month=suppress_count(now),
        last_month=suppress_count(before),
        change=None if hidden else now - before,
        url=url,
    )


def this_month_against_last(today: datetime.date) -> list[MonthFigure]:
    """Requests received and answered, networks formed: four queries."""
    this, last = month_ranges(today)
    asked_now, asked_before = consultation_totals(this), consultation_totals(last)
    formed_now, formed_before = network_totals(this), network_totals(last)
    url = reverse("metrics:dashboard") + f"?from={this.start.isoformat()}&to={today.isoformat()}"
    return [
        _figure(
            "received",
            _("Consultations received"),
            asked_now["received"],
            asked_before["received"],
            url,
        ),
        _figure(
            "answered",
            _("Consultations answered"),
            asked_now["answered"],
            asked_before["answered"],
            url,
        ),
        _figure(
            "networks_formed",
            _("Client networks formed"),
            formed_now["formed"],
            formed_before["formed"],
            url,
        ),
    ]
