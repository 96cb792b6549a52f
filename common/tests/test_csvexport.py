"""The project's one CSV writer: Excel's byte-order mark and `;`, and no text cell that a
spreadsheet would run as a formula."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation

from common.csvexport import csv_lines, csv_response, safe_cell, streaming_csv_response


@pytest.mark.parametrize(
    "typed",
    ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "\n=1+1", "  =1+1", "-"],
)
def test_text_that_starts_a_formula_is_quoted(typed):
    assert safe_cell(typed) == "'" + typed


@pytest.mark.parametrize("value", [0, 7, -3, 2.5, -0.5, Decimal("-12.30"), True])
def test_numbers_stay_numbers(value):
    assert safe_cell(value) == value


def test_none_is_an_empty_cell_and_plain_text_is_untouched():
    assert safe_cell(None) == ""
    assert safe_cell("Matti Meikäläinen") == "Matti Meikäläinen"
    assert safe_cell("<5") == "<5"
    assert safe_cell("a=b") == "a=b"


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_dates_are_written_the_finnish_way_in_finnish_and_swedish(language):
    # A spreadsheet set to Finnish or Finland-Swedish reads 1.3.2026 as a date.
    with translation.override(language):
        assert safe_cell(datetime.date(2026, 3, 1)) == "1.3.2026"
        assert safe_cell(datetime.datetime(2026, 3, 1, 9, 5)) == "1.3.2026 9.05"
        aware = datetime.datetime(2026, 3, 1, 12, 30, tzinfo=datetime.UTC)
        assert safe_cell(aware) == "1.3.2026 14.30"  # Helsinki time


def test_streaming_lines_carry_the_byte_order_mark_and_semicolons():
    rows: list[list[object]] = [["=cmd", -4], [None, 1.5]]
    lines = list(csv_lines(["Nimi", "Määrä"], iter(rows)))
    text = "".join(lines)
    assert text.startswith("\ufeffNimi;Määrä\r\n")
    assert list(csv.reader(io.StringIO(text[1:]), delimiter=";")) == [
        ["Nimi", "Määrä"],
        ["'=cmd", "-4"],
        ["", "1.5"],
    ]


def test_both_responses_are_downloads_of_the_same_text():
    plain = csv_response("a.csv", ["x"], [["@x"]])
    streaming = streaming_csv_response("a.csv", ["x"], [["@x"]])
    assert plain["Content-Type"] == streaming["Content-Type"] == "text/csv; charset=utf-8"
    assert plain["Content-Disposition"] == 'attachment; filename="a.csv"'
    assert plain.content == b"".join(streaming)
    assert plain.content.decode() == "\ufeffx\r\n'@x\r\n"
