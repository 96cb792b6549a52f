from metrics.privacy import SUPPRESSED, suppress, suppress_count


def test_counts_from_one_to_four_are_hidden():
    assert [suppress_count(n) for n in (0, 1, 4, 5, None)] == [0, SUPPRESSED, SUPPRESSED, 5, None]


def test_one_hidden_cell_cannot_be_worked_back_from_the_total():
    # Without the second cell hidden, 20 − 12 − 6 = 2 would reveal the hidden one.
    cells, total = suppress({"a": 12, "b": 6, "c": 2}, 20)
    assert cells == {"a": 12, "b": SUPPRESSED, "c": SUPPRESSED}
    assert total == 20


def test_two_hidden_cells_need_nothing_more():
    cells, total = suppress({"a": 12, "b": 3, "c": 2, "d": 0}, 17)
    assert cells == {"a": 12, "b": SUPPRESSED, "c": SUPPRESSED, "d": 0}
    assert total == 17


def test_the_only_non_zero_cell_hides_the_total():
    cells, total = suppress({"a": 3, "b": 0}, 3)
    assert cells == {"a": SUPPRESSED, "b": 0}
    assert total == SUPPRESSED
    cells, total = suppress({"a": 3, "b": 0, "c": 0}, 7)  # a total that others make up
    assert total == SUPPRESSED


def test_without_a_total_only_small_cells_are_hidden():
    cells, total = suppress({"a": 12, "b": 2}, None)
    assert cells == {"a": 12, "b": SUPPRESSED}
    assert total is None


def test_zeros_and_large_counts_stay():
    cells, total = suppress({"a": 0, "b": 5, "c": 9}, 14)
    assert cells == {"a": 0, "b": 5, "c": 9}
    assert total == 14
