"""A client's timeline: everything that happened, newest first. Requests and answers come
from the hub (by relation name, so the clients app does not import it); the networks,
plans and health checks add theirs here, also by relation name."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass
class Event:
    at: datetime
    kind: str
    title: str | Promise  # a lazy translation until the page renders it
    detail: str = ""
    consultation: object = None
    url: str = ""  # a link for events that are not consultations


def client_timeline(client, user) -> list[Event]:
    events = []
    for consent in client.consents.all():
        events.append(
            Event(
                consent.given_at,
                "consent",
                _("Consent given: %(scope)s (%(method)s)")
                % {"scope": consent.get_scope_display(), "method": consent.get_method_display()},
            )
        )
        if consent.withdrawn_at:
            detail = ""
            if consent.withdrawal_channel:
                detail = _("%(channel)s, by %(who)s, on %(date)s") % {
                    "channel": consent.get_withdrawal_channel_display(),
                    "who": str(consent.get_withdrawal_reported_by_display()).lower(),
                    "date": date_format(consent.withdrawn_on, "SHORT_DATE_FORMAT"),
                }
            events.append(
                Event(
                    consent.withdrawn_at,
                    "consent_withdrawn",
                    _("Consent withdrawn: %(scope)s") % {"scope": consent.get_scope_display()},
                    str(detail),
                )
            )
    requests = (
        client.consultation_requests.select_related("requesting_organization", "answer")
        .prefetch_related("messages__author")
        .order_by("submitted_at")
    )
    if not user.is_coordinator:
        requests = requests.filter(requester=user)
    for request in requests:
        events.append(
            Event(
                request.submitted_at,
                "request",
                _("Consultation request %(reference)s from %(organization)s")
                % {
                    "reference": request.reference,
                    "organization": request.requesting_organization,
                },
                ", ".join(str(label) for label in request.asked_labels()),
                request,
            )
        )
        answer = getattr(request, "answer", None)
        if answer is not None:
            events.append(
                Event(
                    answer.answered_at,
                    "answer",
                    _("Answer to %(reference)s") % {"reference": request.reference},
                    answer.next_step,
                    request,
                )
            )
        for message in request.messages.all():
            events.append(
                Event(
                    message.sent_at,
                    "request_message",
                    _("%(kind)s on %(reference)s")
                    % {"kind": message.get_kind_display(), "reference": request.reference},
                    str(message.author),
                    request,
                )
            )
        if request.closed_at and request.status == request.Status.WITHDRAWN:
            events.append(
                Event(
                    request.closed_at,
                    "withdrawn",
                    _("Request %(reference)s withdrawn") % {"reference": request.reference},
                    request.withdrawal_reason,
                    request,
                )
            )
        if request.closed_at and request.status == request.Status.CLOSED:
            events.append(
                Event(
                    request.closed_at,
                    "closed",
                    _("Request %(reference)s closed: %(outcome)s")
                    % {"reference": request.reference, "outcome": request.get_outcome_display()},
                    consultation=request,
                )
            )
    events.extend(_network_events(client, user))
    events.extend(_plan_events(client, user))
    events.extend(_health_check_events(client))
    events.sort(key=lambda event: event.at, reverse=True)
    return events


# --- The client's networks, by relation name (clients does not import
# networks). A professional sees the events of the networks they are an active member of.
def _network_events(client, user) -> list[Event]:
    networks = client.networks.all()
    if not user.is_coordinator:
        networks = networks.filter(members__user=user, members__left_at__isnull=True)
    events = []
    for network in networks.distinct():
        url = reverse("networks:network_detail", args=[network.uuid])
        events.append(Event(network.opened_at, "network", _("Client network formed"), url=url))
        if network.closed_at:
            events.append(
                Event(
                    network.closed_at,
                    "network_closed",
                    _("Client network closed: %(reason)s")
                    % {"reason": network.get_closure_reason_display()},
                    url=url,
                )
            )
    return events


# --- Assessments, and the agreed plan versions and reviews of the
# networks the user sees (by relation name: clients does not import serviceplans).
def _plan_events(client, user) -> list[Event]:
    events = []
    for assessment in client.assessments.all():
        events.append(
            Event(
                assessment.created_at,
                "assessment",
                _("Work-ability assessment: %(score)d/10 (%(kind)s)")
                % {"score": assessment.score, "kind": assessment.get_kind_display()},
            )
        )
    plans = client.service_plans.filter(agreed_at__isnull=False).select_related("network")
    if not user.is_coordinator:
        plans = plans.filter(
            network__members__user=user, network__members__left_at__isnull=True
        ).distinct()
    for plan in plans:
        url = reverse("serviceplans:plan_detail", args=[plan.uuid])
        events.append(
            Event(
                plan.agreed_at,
                "plan_agreed",
                _("Service plan version %(version)d agreed") % {"version": plan.version},
                url=url,
            )
        )
    return events


# --- Health checks for the unemployed, one event per offer with its result (by relation
# name: clients does not import healthchecks).
def _health_check_events(client) -> list[Event]:
    events = []
    for check in client.health_checks.all():
        if check.done_on:
            detail = _("Done on %(date)s") % {
                "date": date_format(check.done_on, "SHORT_DATE_FORMAT")
            }
        else:
            detail = check.get_status_display()
        events.append(
            Event(
                check.created_at,
                "health_check",
                _("Health check for the unemployed offered"),
                str(detail),
                url="#h-health-checks",
            )
        )
    return events
