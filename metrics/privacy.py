"""Small counts are hidden before anything leaves the metrics app (page, CSV and API).

A count from 1 to 4 is shown as "<5" (DESIGN.md §5). Hiding one cell is not enough when
the total is shown beside it: total minus the other cells gives it back. So the rule,
applied by `suppress` to every breakdown together with its total:

1. every count from 1 to 4 is hidden (the total too, if it is 1–4);
2. if a total is shown and exactly one cell is then hidden, the next-smallest non-zero
   cell is hidden too (two unknowns with a known sum cannot be told apart);
3. if there is no such cell (the hidden one is the only non-zero cell), the total is
   hidden too, since it would equal the hidden cell.

Hiding a second cell rather than the total keeps the headline number, which is what
managers read first. Zeros are shown: "nobody from this kind of service" is the point of
the contact-source table, and a zero reveals no person.
"""

SUPPRESSED = "<5"
THRESHOLD = 5


def is_small(count: int | None) -> bool:
    return count is not None and 0 < count < THRESHOLD


def suppress_count(count: int | None):
    """A single count (a headline number): "<5" when 1–4."""
    return SUPPRESSED if is_small(count) else count


def suppress(cells: dict, total: int | None = None) -> tuple[dict, object]:
    """The cells and the total of one breakdown, with small counts hidden so that no
    hidden value can be worked back from the others and the total.

    Returns `(cells, total)` with hidden values replaced by `SUPPRESSED`.
    """
    hidden = {key for key, count in cells.items() if is_small(count)}
    if total is not None and len(hidden) == 1:
        candidates = sorted(
            (count, str(key), key)
            for key, count in cells.items()
            if key not in hidden and count and count > 0
        )
        if candidates:
            hidden.add(candidates[0][2])
            total_hidden = is_small(total)
        else:
            total_hidden = True
    else:
        total_hidden = is_small(total)
    shown = {key: (SUPPRESSED if key in hidden else count) for key, count in cells.items()}
    return shown, (SUPPRESSED if total_hidden else total)


def share(part: int, whole: int) -> float | None:
    """A percentage (one decimal) only when it cannot reveal a group of 1–4: five at
    least in the whole, and neither the part nor the rest from 1 to 4."""
    if whole < THRESHOLD or is_small(part) or is_small(whole - part):
        return None
    return round(100 * part / whole, 1)
