"""Health checks for the unemployed in the client's record (common.timeline): offered,
done and declined. Seen by whoever sees the client (`healthchecks.access`)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.timeline import Event, EventSource, TimelineQuery, day_event_at, newest_rows
from healthchecks.access import health_checks_visible_to
from healthchecks.models import HealthCheck

KINDS = {
    "health_check_offered": gettext_lazy("Health check offered"),
    "health_check_done": gettext_lazy("Health check done"),
    "health_check_declined": gettext_lazy("Health check declined"),
}

_FIELDS = (
    ("health_check_offered", "offered_on"),
    ("health_check_done", "done_on"),
    ("health_check_declined", "declined_on"),
)


def _events_of(check: HealthCheck, url: str) -> list[Event]:
    events = [
        Event(
            day_event_at(check.offered_on),  # type: ignore[arg-type]
            "health_check_offered",
            _("Health check for the unemployed offered"),
            str(check.organization or ""),
            url,
            date_only=True,
        )
    ]
    if check.done_on:
        detail = ""
        if check.led_to_further_assessment:
            detail = _("Further assessment: %(kind)s") % {
                "kind": check.get_further_assessment_display()
            }
        events.append(
            Event(
                day_event_at(check.done_on),  # type: ignore[arg-type]
                "health_check_done",
                _("Health check for the unemployed done"),
                detail,
                url,
                date_only=True,
            )
        )
    if check.declined_on:
        events.append(
            Event(
                day_event_at(check.declined_on),  # type: ignore[arg-type]
                "health_check_declined",
                _("Health check for the unemployed declined"),
                url=url,
                date_only=True,
            )
        )
    return events


def client_events(client, user, *, query: TimelineQuery) -> list[Event]:
    """One query: the client's health checks that `user` sees, the organisation joined."""
    fields = [name for kind, name in _FIELDS if query.wants(kind)]
    if not fields:
        return []
    checks = health_checks_visible_to(user).filter(client=client).select_related("organization")
    url = reverse("clients:client_detail", args=[client.uuid]) + "#h-health-checks"
    return [
        event
        for check in newest_rows(checks, query, *fields, dates=True)
        for event in _events_of(check, url)
    ]


SOURCE = EventSource(
    name="healthchecks",
    label=gettext_lazy("Health checks for the unemployed"),
    kinds=KINDS,
    for_client=client_events,
    order=50,
)
