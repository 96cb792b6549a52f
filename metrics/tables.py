"""The shapes every topic hands to the page, the CSV export and the API.

A table is a plain dict (key, caption, headers, rows, total, chart, note) that a
template, a CSV writer, Chart.js and JSON can all read; a key figure is a dict (key,
label, value and perhaps a unit). Counts are suppressed here column by column, as one
breakdown of their total (`metrics.privacy.suppress`).
"""

from django.utils.functional import Promise

from metrics.privacy import suppress


def table(key, caption, headers, rows, total=None, chart=None, note="", numeric_from=1):
    """`numeric_from`: the first column that holds numbers (the ones before it are labels)."""
    return {
        "key": key,
        "caption": caption,
        "headers": headers,
        "rows": rows,
        "total": total,
        "chart": chart,
        "note": note,
        "numeric_from": numeric_from,
        "collapsed": len(rows) > 15,
    }


def figure(key: str, label, value, unit: str | None = None) -> dict:
    """One key figure; `unit` only where the value has one (a share in per cent)."""
    item = {"key": key, "label": label, "value": value}
    if unit:
        item["unit"] = unit
    return item


def suppress_column(rows: list[list], column: int, total):
    """Suppress one column of `rows` (in place) as one breakdown of `total`."""
    cells = {index: row[column] for index, row in enumerate(rows)}
    shown, total_shown = suppress(cells, total)
    for index, value in shown.items():
        rows[index][column] = value
    return total_shown


def plain(value):
    """Lazy translations (choice labels) as plain strings, so that JSON and the page
    carry exactly the same values."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, Promise):
        return str(value)
    return value
