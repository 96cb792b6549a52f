"""The one CSV writer of the project: every export (the access log, each metrics table)
goes through it, so that all of them open the same way in Excel and none can carry a
formula.

Excel with Finnish regional settings opens a file by double-click with ä and ö intact
only when UTF-8 carries a byte-order mark, and it expects `;` between the fields (the
comma is the decimal separator there).

A text cell that begins with `=`, `+`, `-`, `@`, a tab or a line break is read by Excel
and LibreOffice as a formula: a name typed as `=HYPERLINK(...)` would run in the
reader's spreadsheet. Such text gets a leading `'` (OWASP's advice for CSV injection),
which the spreadsheet shows as plain text. Bidirectional override controls are taken out
(common.text.neutralise_bidi), so that a cell reads as it was typed. Numbers are written
as numbers (a negative count stays a number), dates as ISO dates, None as an empty cell.

This module imports no app: it is a shared piece under every app.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django.http import HttpResponse, StreamingHttpResponse

from common.dates import short_date, short_datetime
from common.text import neutralise_bidi

BOM = "\ufeff"
DELIMITER = ";"
CONTENT_TYPE = "text/csv; charset=utf-8"
# What makes a spreadsheet read a cell as a formula (tab and line breaks: a formula may
# follow them once the spreadsheet trims the cell).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

Row = Iterable[Any]
_Response = TypeVar("_Response", HttpResponse, StreamingHttpResponse)


class _Writable(Protocol):
    def write(self, value: str, /) -> Any: ...


def safe_cell(value: object) -> object:
    """One cell as the CSV should hold it: numbers as they are, dates as the language writes
    them (28.11.2026 – a spreadsheet set to Finnish or Swedish reads them as dates), None
    empty, and any other value as text that cannot start a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):  # bool is an int too: True/False
        return value
    if isinstance(value, datetime.datetime):
        return short_datetime(value)
    if isinstance(value, datetime.date):
        return short_date(value)
    text = neutralise_bidi(str(value))
    # Leading spaces do not protect: some spreadsheets trim them before reading.
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write returns the line, for a streaming writer."""

    def write(self, value: str) -> str:
        return value


class SafeWriter:
    """`csv.writer` with our delimiter whose every row goes through `safe_cell`."""

    def __init__(self, file: _Writable) -> None:
        self._writer = csv.writer(file, delimiter=DELIMITER)

    def writerow(self, row: Row) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.writerow(row)


def csv_lines(header: Row, rows: Iterable[Row]) -> Iterator[str]:
    """The byte-order mark with the header, then one line per row, produced lazily: the
    rows may be a database iterator of any length."""
    writer = SafeWriter(_Echo())
    yield BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def _attachment(response: _Response, filename: str) -> _Response:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def streaming_csv_response(
    filename: str, header: Row, rows: Iterable[Row]
) -> StreamingHttpResponse:
    """A download written while the rows are read (a year of access log never sits in
    memory)."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CONTENT_TYPE)
    return _attachment(response, filename)


def csv_response(filename: str, header: Row, rows: Iterable[Row]) -> HttpResponse:
    """A download of a small table, written at once."""
    response = HttpResponse(content_type=CONTENT_TYPE)
    response.write(BOM)
    writer = SafeWriter(response)
    writer.writerow(header)
    writer.writerows(rows)
    return _attachment(response, filename)
