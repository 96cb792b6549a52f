"""The hub's entries in the client's record (common.timeline): consultation requests about
the client, their answers and their closing. A coordinator sees every request of the
hub; a professional the requests they sent (`coordination.access`)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.timeline import Event, EventSource, TimelineQuery, newest_rows
from coordination.access import consultations_visible_to
from coordination.models import ConsultationRequest

KINDS = {
    "request": gettext_lazy("Consultation request"),
    "answer": gettext_lazy("Answer to a consultation request"),
    "request_closed": gettext_lazy("Consultation request closed"),
}

_FIELDS = (
    ("request", "submitted_at"),
    ("answer", "answer__answered_at"),
    ("request_closed", "closed_at"),
)


def _events_of(request: ConsultationRequest) -> list[Event]:
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
    if request.closed_at:
        if request.status == ConsultationRequest.Status.WITHDRAWN:
            title = _("Request %(reference)s withdrawn") % {"reference": reference}
        else:
            title = _("Request %(reference)s closed: %(outcome)s") % {
                "reference": reference,
                "outcome": request.get_outcome_display() or request.get_status_display(),
            }
        events.append(Event(request.closed_at, "request_closed", title, url=url))
    return events


def client_events(client, user, *, query: TimelineQuery) -> list[Event]:
    """One query: the requests about the client that `user` sees, with the requesting
    organisation and the answer joined."""
    fields = [name for kind, name in _FIELDS if query.wants(kind)]
    if not fields:
        return []
    requests = consultations_visible_to(user).filter(client=client)
    rows = newest_rows(requests.select_related("requesting_organization", "answer"), query, *fields)
    return [event for request in rows for event in _events_of(request)]


SOURCE = EventSource(
    name="coordination",
    label=gettext_lazy("Consultation requests"),
    kinds=KINDS,
    for_client=client_events,
    order=20,
)
