"""Bounds for the dates people type: a year typed as 1 or 20255 is a typing error, not a
fact, and must not reach the records, the plans or the metrics. Services call these, so
that the pages and the API give the same message next to the same field."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
# The hub's work (assessments, health checks, reviews, coaching) is of this century.
EARLIEST_ACTIVITY_DATE = datetime.date(2000, 1, 1)
# How far ahead a planned date (a target, a due date, a review, a consent's expiry) may be.
LATEST_PLANNED_YEARS = 10


def _years_ahead(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def birth_date_error(value: datetime.date | None) -> str | None:
    """A date of birth from 1900 to today."""
    if value is None:
        return None
    if value < EARLIEST_BIRTH_DATE:
        return str(_("The date of birth cannot be before 1900."))
    if value > timezone.localdate():
        return str(_("The date of birth cannot be in the future."))
    return None


def past_date_error(value: datetime.date | None) -> str | None:
    """A date something happened: from 2000 to today (the callers say "in the future"
    in their own words where they already did; this is the lower bound)."""
    if value is None:
        return None
    if value < EARLIEST_ACTIVITY_DATE:
        return str(_("Check the year: dates before 2000 are not accepted."))
    return None


def planned_date_error(value: datetime.date | None) -> str | None:
    """A date planned ahead: from 2000 to ten years from today."""
    if value is None:
        return None
    if value < EARLIEST_ACTIVITY_DATE:
        return str(_("Check the year: dates before 2000 are not accepted."))
    if value > _years_ahead(timezone.localdate(), LATEST_PLANNED_YEARS):
        return str(_("Check the year: the date cannot be more than ten years ahead."))
    return None


def short_date(value: datetime.date | None) -> str:
    """A date as the active language writes it (28.11.2026); "" for none."""
    if value is None:
        return ""
    return date_format(value, "SHORT_DATE_FORMAT")


def short_datetime(value: datetime.datetime | None) -> str:
    """A moment as the active language writes it, on Helsinki time (28.11.2026 14.30)."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "SHORT_DATETIME_FORMAT")
