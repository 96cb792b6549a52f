"""Month by month: the consultations received and answered and the networks formed,
from the trends that `consultations` and `networks` count."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from metrics.filters import Filters
from metrics.tables import suppress_column, table
from metrics.topics.consultations import ConsultationNumbers
from metrics.topics.networks import NetworkNumbers


def tables(filters: Filters, asked: ConsultationNumbers, formed: NetworkNumbers) -> list[dict]:
    """One table: each month of the period, every column a breakdown of its topic's
    total."""
    rows = []
    for month in filters.months():
        row = asked.trend.get(month, {})
        rows.append(
            [
                date_format(month, "YEAR_MONTH_FORMAT"),
                row.get("received", 0),
                row.get("answered", 0),
                formed.trend.get(month, 0),
            ]
        )
    total = [
        _("Total"),
        suppress_column(rows, 1, asked.totals["received"]),
        suppress_column(rows, 2, asked.totals["answered"]),
        suppress_column(rows, 3, formed.totals["formed"]),
    ]
    monthly = table(
        "monthly",
        _("Month by month"),
        [
            _("Month"),
            _("Consultations received"),
            _("Of them answered"),
            _("Client networks formed"),
        ],
        rows,
        total=total,
        chart="line",
    )
    return [monthly]
