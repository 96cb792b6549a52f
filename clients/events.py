"""The clients app's entries in the client's record (common.timeline): consents given and
withdrawn, work-ability assessments, and changes of the client's details. They are seen
by whoever sees the client (`clients.access`): the record page has checked that."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client
from common.dates import short_date
from common.timeline import Event, EventSource, TimelineQuery, day_event_at, newest_rows

KINDS = {
    "consent_given": gettext_lazy("Consent given"),
    "consent_withdrawn": gettext_lazy("Consent withdrawn"),
    "assessment": gettext_lazy("Work-ability assessment"),
    "client_changed": gettext_lazy("Client details changed"),
}


def _consent_events(client: Client, query: TimelineQuery) -> list[Event]:
    fields = [
        name
        for kind, name in (("consent_given", "given_at"), ("consent_withdrawn", "withdrawn_at"))
        if query.wants(kind)
    ]
    if not fields:
        return []
    url = reverse("clients:client_detail", args=[client.uuid]) + "#h-consents"
    events = []
    # One query: the consents with an event in the period, newest first
    for consent in newest_rows(client.consents.all(), query, *fields):
        scope = consent.get_scope_display()
        events.append(
            Event(
                consent.given_at,
                "consent_given",
                _("Consent given: %(scope)s") % {"scope": scope},
                consent.get_method_display(),
                url,
            )
        )
        if consent.withdrawn_at:
            detail = ""
            if consent.withdrawal_channel:
                detail = _("%(channel)s, by %(who)s, on %(date)s") % {
                    "channel": consent.get_withdrawal_channel_display(),
                    "who": str(consent.get_withdrawal_reported_by_display()).lower(),
                    "date": short_date(consent.withdrawn_on),
                }
            events.append(
                Event(
                    consent.withdrawn_at,
                    "consent_withdrawn",
                    _("Consent withdrawn: %(scope)s") % {"scope": scope},
                    detail,
                    url,
                )
            )
    return events


def _assessment_events(client: Client, query: TimelineQuery) -> list[Event]:
    if not query.wants("assessment"):
        return []
    url = reverse("clients:client_detail", args=[client.uuid]) + "#h-assessments"
    # One query
    return [
        Event(
            day_event_at(assessment.assessed_on),  # type: ignore[arg-type]
            "assessment",
            _("Work-ability assessment: %(score)d/10") % {"score": assessment.score},
            f"{assessment.get_kind_display()} · {assessment.get_band_display()}",
            url,
            date_only=True,
        )
        for assessment in newest_rows(client.assessments.all(), query, "assessed_on", dates=True)
    ]


def _change_events(client: Client, query: TimelineQuery) -> list[Event]:
    if not query.wants("client_changed"):
        return []
    url = reverse("clients:client_detail", args=[client.uuid]) + "#h-info"
    rows = newest_rows(client.changes.select_related("changed_by"), query, "changed_at")
    # One query, the changer joined
    return [
        Event(
            change.changed_at,
            "client_changed",
            _("Client details changed by %(name)s")
            % {"name": change.changed_by or _("the system")},
            ", ".join(change.field_labels()),
            url,
        )
        for change in rows
    ]


def client_events(client: Client, user, *, query: TimelineQuery) -> list[Event]:
    """At most three queries: consents, assessments, changes of details."""
    return [
        *_consent_events(client, query),
        *_assessment_events(client, query),
        *_change_events(client, query),
    ]


SOURCE = EventSource(
    name="clients",
    label=gettext_lazy("Consents, assessments and details"),
    kinds=KINDS,
    for_client=client_events,
    order=10,
)
