"""Arithmetic on grouped counts, shared by the topics that read a median from a
histogram instead of sorting every row."""


def histogram_median(histogram: list[tuple[int, int]], count: int) -> float | None:
    """The median of a sorted histogram [(value, how many)], as `statistics.median`."""
    if not count:
        return None

    def nth(index: int) -> int:  # 0-based
        seen = 0
        for value, n in histogram:
            seen += n
            if index < seen:
                return value
        raise IndexError(index)

    middle = count // 2
    if count % 2:
        return float(nth(middle))
    return (nth(middle - 1) + nth(middle)) / 2
