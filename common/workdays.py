"""Working days in Finland: Monday to Friday, not a public holiday (`holidays.Finland`,
which includes Midsummer Eve and Christmas Eve, the days offices are closed)."""

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _finnish_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.Finland(years=year))  # type: ignore[no-untyped-call]


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _finnish_holidays(day.year)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`: a request sent on Monday
    and answered on Tuesday waited one working day; answered the same day, zero."""
    if end <= start:
        return 0
    days = 0
    day = start + datetime.timedelta(days=1)
    while day <= end:
        if is_working_day(day):
            days += 1
        day += datetime.timedelta(days=1)
    return days
