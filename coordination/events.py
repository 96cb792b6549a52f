"""The hub's entries in the client's record (common.timeline): consultation requests about
the client, their answers, the messages on them and their closing. A coordinator sees
every request of the hub; a professional the requests they sent (`coordination.access`)."""

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.timeline import Event, EventSource, TimelineQuery, newest_rows
from coordination.access import consultations_visible_to
from coordination.models import ConsultationMessage, ConsultationRequest

KINDS = {
    "request": gettext_lazy("Consultation request"),
    "answer": gettext_lazy("Answer to a consultation request"),
    "request_closed": gettext_lazy("Consultation request closed"),
    "request_message": gettext_lazy("Message on a consultation request"),
}

_FIELDS = (
    ("request", "submitted_at"),
    ("answer", "answer__answered_at"),
    ("request_closed", "closed_at"),
)


def _events_of(request: ConsultationRequest, query: TimelineQuery) -> list[Event]:
    url = reverse("consultation_detail", args=[request.uuid])
    reference = request.reference or str(request.uuid)[:8]
    events = [
        Event(
            request.submitted_at,
            "request",
            _("Consultation request %(reference)s from %(organization)s")
            % {"reference": reference, "organization": request.requesting_organization},
            ", ".join(str(label) for label in request.asked_labels()),
            url,
        )
    ]
    answer = getattr(request, "answer", None)
    if answer is not None:
        events.append(
            Event(
                answer.answered_at,
                "answer",
                _("Answer to %(reference)s") % {"reference": reference},
                answer.next_step,
                url,
            )
        )
    if query.wants("request_message"):
        for message in request.messages.all():
            events.append(
                Event(
                    message.sent_at,
                    "request_message",
                    _("%(kind)s on %(reference)s")
                    % {"kind": message.get_kind_display(), "reference": reference},
                    str(message.author),
                    url,
                )
            )
    if request.closed_at:
        detail = ""
        if request.status == ConsultationRequest.Status.WITHDRAWN:
            title = _("Request %(reference)s withdrawn") % {"reference": reference}
            detail = request.withdrawal_reason
        else:
            title = _("Request %(reference)s closed: %(outcome)s") % {
                "reference": reference,
                "outcome": request.get_outcome_display() or request.get_status_display(),
            }
        events.append(Event(request.closed_at, "request_closed", title, detail, url))
    return events


def client_events(client, user, *, query: TimelineQuery) -> list[Event]:
    """One query: the requests about the client that `user` sees, with the requesting
    organisation and the answer joined."""
    fields = [name for kind, name in _FIELDS if query.wants(kind)]
    requests = consultations_visible_to(user).filter(client=client)
    if query.wants("request_message"):
        # The newest message of each request, so that a request with a message in the
        # period is read even when it was sent before it.
        newest = ConsultationMessage.objects.filter(request=OuterRef("pk")).order_by("-sent_at")
        requests = requests.annotate(last_message_at=Subquery(newest.values("sent_at")[:1]))
        fields.append("last_message_at")
    if not fields:
        return []
    requests = requests.select_related("requesting_organization", "answer").prefetch_related(
        "messages__author"
    )
    rows = newest_rows(requests, query, *fields)
    return [event for request in rows for event in _events_of(request, query)]


SOURCE = EventSource(
    name="coordination",
    label=gettext_lazy("Consultation requests"),
    kinds=KINDS,
    for_client=client_events,
    order=20,
)
