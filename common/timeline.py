"""The client's record: one chronological list of what happened, contributed by every app.

`clients` shows the record but sits below the apps that keep most of it, so it cannot ask
them. Each app registers an event source instead, in its `AppConfig.ready()`:

    register_source(EventSource(
        name="coaching",
        kinds={"job_start": _("Job started"), ...},
        for_client=coaching_events,          # (client, user, *, query) -> list[Event]
        for_network=None,                    # (network, user, *, query) -> list[Event]
    ))

A source answers with the events `user` may see (its own app's access rules) in the
period, of the kinds asked for, newest first, at most `query.limit + 1` rows' worth, in a
fixed number of queries whatever the number of rows. `collect_*` merges them and cuts at
the limit. A new app adds its events here without touching the others."""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Case, DateField, DateTimeField, F, Model, Q, QuerySet, Value, When
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.functional import Promise

DEFAULT_LIMIT = 100
MAX_LIMIT = 2000


@dataclass(frozen=True)
class Event:
    """One entry of the record. `at` orders it; `date_only` entries (a job start, a
    review) were recorded as a day and show no time."""

    at: datetime.datetime
    kind: str
    title: str | Promise
    detail: str | Promise = ""
    url: str = ""
    date_only: bool = False

    @property
    def kind_label(self) -> str:
        """The kind in words, as the filter names it."""
        return str(kind_labels().get(self.kind, self.kind))


@dataclass(frozen=True)
class TimelineQuery:
    """What is asked: the kinds (None: all), the period as days (both ends included),
    and how many entries at most."""

    kinds: frozenset[str] | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    limit: int = DEFAULT_LIMIT

    def wants(self, *kinds: str) -> bool:
        return self.kinds is None or any(kind in self.kinds for kind in kinds)

    @property
    def start(self) -> datetime.datetime | None:
        return start_of_day(self.since) if self.since else None

    @property
    def end(self) -> datetime.datetime | None:
        """The first moment after the period."""
        if self.until is None:
            return None
        return start_of_day(self.until + datetime.timedelta(days=1))

    def in_period(self, at: datetime.datetime) -> bool:
        start, end = self.start, self.end
        return (start is None or at >= start) and (end is None or at < end)

    def keep(self, kind: str, at: datetime.datetime | None) -> bool:
        """Whether an event of `kind` at `at` belongs to the answer."""
        return at is not None and self.wants(kind) and self.in_period(at)

    @property
    def rows(self) -> int:
        """How many rows a source's query reads: one more than the limit, so that the
        page knows there is more."""
        return self.limit + 1


Source = Callable[..., list[Event]]
_M = TypeVar("_M", bound=Model)


@dataclass(frozen=True)
class EventSource:
    name: str
    kinds: Mapping[str, Promise | str]
    for_client: Source | None = None
    for_network: Source | None = None
    # The heading of the source's kinds in the filter
    label: Promise | str = ""
    # Where the source's kinds come in the filter
    order: int = 100


_SOURCES: dict[str, EventSource] = {}


def register_source(source: EventSource) -> None:
    """Called from an app's `ready()`; registering the same name again replaces it (a
    test's reload, say)."""
    _SOURCES[source.name] = source


def sources() -> list[EventSource]:
    return sorted(_SOURCES.values(), key=lambda source: (source.order, source.name))


def kind_labels() -> dict[str, Promise | str]:
    """Every kind of entry in words, in the order of the sources."""
    labels: dict[str, Promise | str] = {}
    for source in sources():
        labels.update(source.kinds)
    return labels


@dataclass
class Timeline:
    events: list[Event]
    has_more: bool
    query: TimelineQuery


def _collect(calls: Iterable[tuple[Source, object]], user: Any, query: TimelineQuery) -> Timeline:
    events: list[Event] = []
    for function, subject in calls:
        events.extend(function(subject, user, query=query))
    events = [event for event in events if query.keep(event.kind, event.at)]
    events.sort(key=lambda event: event.at, reverse=True)
    return Timeline(events[: query.limit], len(events) > query.limit, query)


def collect_for_client(client: Any, user: Any, query: TimelineQuery) -> Timeline:
    """The client's record as `user` may see it, newest first."""
    return _collect(
        ((source.for_client, client) for source in sources() if source.for_client), user, query
    )


def collect_for_network(network: Any, user: Any, query: TimelineQuery) -> Timeline:
    """What the sources above the network add to the network's own timeline (the plan's
    versions and reviews, say)."""
    return _collect(
        ((source.for_network, network) for source in sources() if source.for_network),
        user,
        query,
    )


# --- Helpers for the sources' queries --------------------------------------------------

_EARLIEST_MOMENT = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
_EARLIEST_DAY = datetime.date(1900, 1, 1)


def start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def day_event_at(day: datetime.date | None) -> datetime.datetime | None:
    """A day recorded without a time, placed at the start of that day."""
    return start_of_day(day) if day else None


def _bounds(query: TimelineQuery, *, dates: bool) -> tuple[object, object]:
    if dates:
        return query.since, (query.until + datetime.timedelta(days=1) if query.until else None)
    return query.start, query.end


def _in_period_q(field_name: str, query: TimelineQuery, *, dates: bool) -> Q:
    start, end = _bounds(query, dates=dates)
    condition = Q(**{f"{field_name}__isnull": False})
    if start is not None:
        condition &= Q(**{f"{field_name}__gte": start})
    if end is not None:
        condition &= Q(**{f"{field_name}__lt": end})
    return condition


def period_q(query: TimelineQuery, *fields: str, dates: bool = False) -> Q:
    """Rows with at least one of `fields` (the moments of the row's events) in the period."""
    condition = Q(pk__in=[])
    for name in fields:
        condition |= _in_period_q(name, query, dates=dates)
    return condition


def latest_in_period(query: TimelineQuery, *fields: str, dates: bool = False) -> BaseExpression:
    """The row's latest event moment inside the period, to order rows newest first: the
    rows a source reads (`query.rows`) then hold the newest events of the period. NULLs
    and moments outside the period count as the earliest moment (SQLite's greatest()
    does not skip NULLs as PostgreSQL's does)."""
    output: DateField[Any, Any] = DateTimeField() if not dates else DateField()
    earliest = Value(_EARLIEST_DAY if dates else _EARLIEST_MOMENT, output_field=output)
    parts = [
        Coalesce(
            Case(When(_in_period_q(name, query, dates=dates), then=F(name)), output_field=output),
            earliest,
            output_field=output,
        )
        for name in fields
    ]
    if len(parts) == 1:
        return parts[0]
    return Greatest(*parts, output_field=output)


def newest_rows(
    queryset: QuerySet[_M], query: TimelineQuery, *fields: str, dates: bool = False
) -> QuerySet[_M]:
    """The rows with events in the period, newest event first, at most `query.rows`."""
    rows: QuerySet[_M] = (
        queryset.filter(period_q(query, *fields, dates=dates))
        .annotate(_timeline_latest=latest_in_period(query, *fields, dates=dates))
        .order_by("-_timeline_latest", "-pk")[: query.rows]
    )
    return rows
