import pytest

from common.csvexport import safe_cell
from common.text import neutralise_bidi

RLO, PDF, LRI, PDI, RLM = "\u202e", "\u202c", "\u2066", "\u2069", "\u200f"


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e"])
def test_embeddings_and_overrides_are_taken_out(control):
    assert neutralise_bidi(f"Matti {control}nenialäkiem") == "Matti nenialäkiem"


def test_isolates_are_taken_out_and_marks_stay():
    assert neutralise_bidi(f"{LRI}a{PDI} {RLM}") == f"a {RLM}"


def test_plain_text_is_untouched():
    assert neutralise_bidi("Työkyky – ÅÄÖ 😀") == "Työkyky – ÅÄÖ 😀"


def test_a_csv_cell_is_neutralised_before_the_formula_check():
    assert safe_cell(f"{RLO}=HYPERLINK(1){PDF}") == "'=HYPERLINK(1)"
