import datetime

from common.workdays import is_working_day, working_days_between

D = datetime.date


def test_weekends_are_not_working_days():
    assert is_working_day(D(2026, 11, 23))  # Monday
    assert not is_working_day(D(2026, 11, 28))  # Saturday
    assert not is_working_day(D(2026, 11, 29))


def test_finnish_public_holidays_are_not_working_days():
    assert not is_working_day(D(2026, 12, 24))  # Christmas Eve
    assert not is_working_day(D(2026, 12, 25))
    assert not is_working_day(D(2026, 12, 6))  # Independence Day (a Sunday anyway)
    assert not is_working_day(D(2026, 6, 19))  # Midsummer Eve
    assert not is_working_day(D(2026, 1, 6))  # Epiphany


def test_working_days_between():
    assert working_days_between(D(2026, 11, 23), D(2026, 11, 23)) == 0
    assert working_days_between(D(2026, 11, 23), D(2026, 11, 24)) == 1
    assert working_days_between(D(2026, 11, 27), D(2026, 11, 30)) == 1  # over a weekend
    assert working_days_between(D(2026, 11, 23), D(2026, 11, 30)) == 5
    # Christmas week 2026: 24–26 December are holidays, 27 is a Sunday.
    assert working_days_between(D(2026, 12, 21), D(2026, 12, 28)) == 3
    assert working_days_between(D(2026, 12, 28), D(2026, 12, 21)) == 0
