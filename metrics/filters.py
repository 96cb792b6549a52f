"""The dashboard's filters and the rows they select, shared by every topic in
`metrics.topics`.

The date range selects by the event's own date (a consultation by when it was sent, a
network by when it was formed or closed, feedback by when it was given), in Helsinki
time. Municipality and organisation kind select by the *contact source* (the requesting
organisation): they are the dimensions a county manager steers by, and an
organisation's municipality is not client data. Networks are selected through their
origin consultation's contact source. Referrals to job coaching follow the same filters
through the organisation of the professional who referred the client (`referred_by`):
self-referrals have no referring organisation, so a municipality or kind filter leaves
them out.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from coaching.models import Referral
from coordination.models import ConsultationRequest, Feedback, Organization
from networks.models import ClientNetwork

HELSINKI = ZoneInfo("Europe/Helsinki")


@dataclass(frozen=True)
class Filters:
    """Dates are inclusive, in Helsinki time; empty strings mean "all"."""

    start: datetime.date
    end: datetime.date
    municipality: str = ""
    org_kind: str = ""

    @classmethod
    def default(cls, today: datetime.date | None = None) -> "Filters":
        """The last 12 months: from the first day of the month eleven months ago to today,
        so that the first month of the trend is a whole one."""
        today = today or timezone.localdate()
        month = today.month - 11
        year = today.year + (month - 1) // 12
        start = datetime.date(year, (month - 1) % 12 + 1, 1)
        return cls(start=start, end=today)

    @property
    def since(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=HELSINKI)

    @property
    def until(self) -> datetime.datetime:
        """The first moment after the range."""
        next_day = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(next_day, datetime.time.min, tzinfo=HELSINKI)

    @property
    def by_source(self) -> bool:
        """Whether a municipality or a kind of organisation narrows the contact sources."""
        return bool(self.municipality or self.org_kind)

    def months(self) -> list[datetime.date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def contact_sources(filters: Filters):
    """The organisations the filters select (all of them, those that never send too;
    the hub itself too, so that the contact sources add up to the requests received)."""
    organizations = Organization.objects.all()
    if filters.municipality:
        organizations = organizations.filter(municipality=filters.municipality)
    if filters.org_kind:
        organizations = organizations.filter(kind=filters.org_kind)
    return organizations


def source_filter(filters: Filters, prefix: str = "") -> Q:
    """Municipality and kind as a subquery on the organisations (no extra round trip)."""
    if not filters.by_source:
        return Q()
    return Q(**{f"{prefix}requesting_organization__in": contact_sources(filters).values("pk")})


def consultations(filters: Filters):
    return ConsultationRequest.objects.filter(
        source_filter(filters),
        submitted_at__gte=filters.since,
        submitted_at__lt=filters.until,
    )


def networks(filters: Filters):
    """Every network of the selected contact sources; the date range is applied by each
    measure (formed, active, closed in the period)."""
    qs = ClientNetwork.objects.all()
    if filters.by_source:
        qs = qs.filter(source_filter(filters, "origin_consultation__"))
    return qs


def active_in_period(filters: Filters) -> Q:
    """A network active at some time in the period: opened before its end and not
    closed before its start."""
    return Q(opened_at__lt=filters.until) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=filters.since)
    )


def feedback(filters: Filters):
    return Feedback.objects.filter(
        source_filter(filters, "request__"),
        given_at__gte=filters.since,
        given_at__lt=filters.until,
    )


def referrals(filters: Filters):
    """Every referral to job coaching from the selected contact sources; the quarters
    and the period are applied by each measure."""
    qs = Referral.objects.all()
    if filters.by_source:
        qs = qs.filter(referred_by__organization__in=contact_sources(filters).values("pk"))
    return qs


def served_between(start: datetime.date, end: datetime.date, prefix: str = "") -> Q:
    """A referral served between the dates: taken on or before the end and not ended
    before the start."""
    return Q(**{f"{prefix}taken_on__lte": end}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": start})
    )


def helsinki_month(value) -> datetime.date:
    """The first day of a `TruncMonth` value's month, as a date in Helsinki."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(HELSINKI).date() if timezone.is_aware(value) else value.date()
    return value
