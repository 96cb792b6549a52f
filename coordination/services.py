"""What happens in the hub: every write is a verb–noun function here.

Each function checks the state and raises `InvalidTransition` (with a message a person can
read) when the move is not allowed, changes the rows in one transaction, writes the access
log for client data, and schedules notifications with `transaction.on_commit`. A move to
the state the request is already in returns quietly. Pages, the API and commands call the
same functions.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from clients import services as client_services
from clients.models import AccessLog, Consent
from common.confirm import reason_errors
from common.dates import planned_date_error
from common.errors import InvalidTransition
from common.inbox import Kind, announce
from common.locking import StaleEdit
from common.municipalities import validate_municipality
from common.workdays import working_days_between
from coordination.access import identity_match
from coordination.models import (
    ConsultationAnswer,
    ConsultationMessage,
    ConsultationRequest,
    Feedback,
    Organization,
    User,
    client_snapshot,
    format_reference,
)

Status = ConsultationRequest.Status
logger = logging.getLogger(__name__)


class InvalidChoice(ValueError):
    """A value outside the allowed set, with a message a person can read."""


class AnsweredMeanwhile(StaleEdit):
    """Another coordinator's answer went first: theirs is kept and sent, this one is not
    (the page says so, the API answers 409)."""

    default_message = gettext_lazy(
        "Another coordinator answered this request while you were writing. Their answer "
        "has been sent to the requester; yours has not been saved."
    )


@transaction.atomic
def set_user_language(user: User, language: str) -> None:
    """Remember the language a user chose, so it follows them to their next login."""
    if language not in dict(settings.LANGUAGES):
        raise InvalidChoice(language)
    if user.language == language:
        return
    user.language = language
    user.save(update_fields=["language"])


# --- Submitting ------------------------------------------------------------------------


def _check_choices(values, choices, field: str, message) -> list[str]:
    values = list(dict.fromkeys(values or []))
    if not values:
        raise ValidationError({field: [_("Choose at least one.")]})
    if any(value not in choices.values for value in values):
        raise ValidationError({field: [message]})
    return values


def _log(by, client, action: str, kind: str = "consultation") -> None:
    """Writes by services are logged here; reads are logged by the views (clients.audit)."""
    if client is None:
        return
    AccessLog.objects.create(
        user=by,
        client=client,
        action=action,
        basis=AccessLog.Basis.HUB_ROLE if by.is_coordinator else AccessLog.Basis.CONSULTATION,
        object_kind=kind,
    )


@sensitive_variables("client_data", "candidate")
@transaction.atomic
def submit_consultation(
    *,
    requester: User,
    anonymous: bool,
    reasons: list[str],
    asked: list[str],
    description: str,
    urgency: str = ConsultationRequest.Urgency.NORMAL,
    channel: str = ConsultationRequest.Channel.E_FORM,
    age_band: str = "",
    municipality: str = "",
    life_situation: str = "",
    client=None,
    client_data: dict | None = None,
    consent_method: str | None = None,
    consent_valid_until: datetime.date | None = None,
) -> ConsultationRequest:
    """Send a request to the hub. An identified request needs a client (one the requester
    sees, or `client_data`) and the client's consent for consultation. What was sent about
    the client is kept on the request. A new person is created and the consent recorded
    on them in the same transaction; an identity code the hub already knows leaves the
    request awaiting identification (`link_consultation_client`), with nothing in the
    answer that tells the requester so."""
    if not (requester.is_professional or requester.is_coordinator):
        raise InvalidTransition(gettext_lazy("Only professionals can send consultation requests."))
    if requester.organization_id is None:
        raise InvalidTransition(
            gettext_lazy("Your user account has no organisation; ask your administrator.")
        )
    errors = {}
    candidate = None
    try:
        reasons = _check_choices(
            reasons, ConsultationRequest.Reason, "reasons", _("Choose reasons from the list.")
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        asked = _check_choices(
            asked, ConsultationRequest.Asked, "asked", _("Choose what is asked from the list.")
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if urgency not in ConsultationRequest.Urgency.values:
        errors["urgency"] = [_("Choose the urgency from the list.")]
    if channel not in ConsultationRequest.Channel.values:
        errors["channel"] = [_("Choose the channel from the list.")]
    if not description or not description.strip():
        errors["description"] = [_("Describe the situation and what you ask.")]
    elif len(description) > 10_000:
        errors["description"] = [
            _("The description can have at most 10,000 characters (it has %(count)d).")
            % {"count": len(description)}
        ]
    if anonymous:
        if client is not None or client_data:
            errors["anonymous"] = [_("An anonymous request cannot name a client.")]
        if age_band and age_band not in ConsultationRequest.AgeBand.values:
            errors["age_band"] = [_("Choose the age band from the list.")]
    else:
        if client is None and not client_data:
            errors["client"] = [_("Identify the client, or send the request anonymously.")]
        if consent_method not in Consent.Method.values:
            errors["consent_method"] = [
                _(
                    "An identified request needs the client's consent for consultation: "
                    "record how it was given."
                )
            ]
        if consent_valid_until is not None and consent_valid_until < timezone.localdate():
            errors["consent_valid_until"] = [_("The consent cannot expire in the past.")]
        elif planned_date_error(consent_valid_until):
            errors["consent_valid_until"] = [planned_date_error(consent_valid_until)]
        if client is None and client_data:
            try:
                candidate = client_services.validate_client_data(by=requester, **client_data)
            except ValidationError as error:
                errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)

    request = ConsultationRequest(
        requester=requester,
        requesting_organization_id=requester.organization_id,
        channel=channel,
        anonymous=anonymous,
        reasons=reasons,
        asked=asked,
        urgency=urgency,
        description=description,
        submitted_at=timezone.now(),
    )
    if anonymous:
        try:
            validate_municipality(municipality)
        except ValidationError as error:
            raise ValidationError({"municipality": error.messages}) from None
        request.age_band = age_band
        request.municipality = municipality
        request.life_situation = life_situation
    else:
        # The requester is shown what they sent, whether or not the hub knew the person.
        request.client_snapshot = client_snapshot(client if client is not None else candidate)
        request.consent_method = consent_method
        request.consent_valid_until = consent_valid_until
        if client is None:
            client = client_services.create_client_unless_known(by=requester, **client_data)
            if client is None and requester.is_coordinator:
                # The hub's own request: the coordinator sees every client anyway.
                client = client_services.find_client_by_identity_code(
                    candidate.personal_identity_code
                )
        if client is not None:
            request.client = client
            request.consent = _record_consultation_consent(request, client)
    request.save()
    year = timezone.localtime(request.submitted_at).year
    request.reference = format_reference(year, request.pk)
    request.save(update_fields=["reference"])
    _log(requester, request.client, AccessLog.Action.CREATE)

    if request.urgency == ConsultationRequest.Urgency.URGENT:
        coordinators = User.objects.filter(
            role=User.Role.COORDINATOR, is_active=True, organization__is_hub=True
        )
        for coordinator in coordinators:
            announce(coordinator, Kind.URGENT_REQUEST, request)
    return request


def _record_consultation_consent(request: ConsultationRequest, client) -> Consent:
    """The consent the requester recorded with the request, on the client: it covers the
    requester's organisation and the hub."""
    hubs = Organization.objects.filter(is_hub=True, active=True)
    return client_services.record_request_consent(
        client,
        by=request.requester,
        method=request.consent_method,
        valid_until=request.consent_valid_until,
        given_at=request.submitted_at,
        organizations=[request.requesting_organization_id, *hubs.values_list("pk", flat=True)],
    )


@transaction.atomic
def link_consultation_client(request: ConsultationRequest, *, by: User):
    """A coordinator links a request that awaits identification to the known client its
    identity code belongs to, and the consent the requester recorded is put on that
    client. The requester keeps seeing only what they sent."""
    _require_coordinator(by)
    request = _locked(request)
    if not request.awaiting_identification:
        if request.anonymous:
            raise InvalidTransition(gettext_lazy("An anonymous request has no client to link."))
        return request
    if request.status == Status.WITHDRAWN:
        _refuse(request, gettext_lazy("linked to a client"))
    client = identity_match(by, request)
    if client is None:
        raise InvalidTransition(
            gettext_lazy("No client has the personal identity code given in this request.")
        )
    try:
        consent = _record_consultation_consent(request, client)
    except ValidationError:
        raise InvalidTransition(
            gettext_lazy(
                "The consent recorded with the request has expired: ask the requester to "
                "send the request again."
            )
        ) from None
    request.client = client
    request.consent = consent
    request.save(update_fields=["client", "consent"])
    _log(by, client, AccessLog.Action.UPDATE)
    return request


@transaction.atomic
def update_consultation(
    request: ConsultationRequest, *, by: User, lock_version: int | None = None, **changes
):
    """The requester or a coordinator corrects the request while it waits for an answer,
    from a reading at `lock_version`: refused with `StaleEdit` if either changed it
    since."""
    allowed = {"urgency", "description", "reasons", "asked"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
    request = _locked(request)
    if request.status not in (Status.SUBMITTED, Status.TRIAGED):
        raise InvalidTransition(
            gettext_lazy("Only a request that waits for an answer can be changed.")
        )
    if not (by.is_coordinator or request.requester_id == by.pk):
        raise InvalidTransition(gettext_lazy("You cannot change this request."))
    errors = {}
    if "reasons" in changes:
        changes["reasons"] = _check_choices(
            changes["reasons"],
            ConsultationRequest.Reason,
            "reasons",
            _("Choose reasons from the list."),
        )
    if "asked" in changes:
        changes["asked"] = _check_choices(
            changes["asked"],
            ConsultationRequest.Asked,
            "asked",
            _("Choose what is asked from the list."),
        )
    if "urgency" in changes and changes["urgency"] not in ConsultationRequest.Urgency.values:
        errors["urgency"] = [_("Choose the urgency from the list.")]
    if "description" in changes:
        description = changes["description"] or ""
        if not description.strip():
            errors["description"] = [_("Describe the situation and what you ask.")]
        elif len(description) > 10_000:
            errors["description"] = [
                _("The description can have at most 10,000 characters (it has %(count)d).")
                % {"count": len(description)}
            ]
    if errors:
        raise ValidationError(errors)
    if lock_version is not None and request.lock_version != lock_version:
        # The row is locked (`_locked`), so its version is the truth.
        raise StaleEdit(current_version=request.lock_version)
    for name, value in changes.items():
        setattr(request, name, value)
    if changes:
        request.lock_version += 1
        request.save(update_fields=[*changes, "lock_version"])
        _log(by, request.client, AccessLog.Action.UPDATE)
    return request


# --- Transitions -----------------------------------------------------------------------


def _locked(request: ConsultationRequest) -> ConsultationRequest:
    """The request re-read under a row lock, so that two coordinators acting at once are
    serialised and the second one sees the first one's state."""
    return ConsultationRequest.objects.select_for_update().get(pk=request.pk)


def _require_coordinator(by: User) -> None:
    if not (by.is_active and by.is_coordinator):
        raise InvalidTransition(gettext_lazy("Only a work-ability coordinator can do this."))


def _refuse(request: ConsultationRequest, action) -> None:
    raise InvalidTransition(
        gettext_lazy("A request that is “%(status)s” cannot be %(action)s.")
        % {"status": request.get_status_display(), "action": action}
    )


def _first_response(request: ConsultationRequest, fields: list[str], now) -> None:
    if request.first_response_at is None:
        request.first_response_at = now
        fields.append("first_response_at")


@transaction.atomic
def assign_consultation(request: ConsultationRequest, *, by: User, to: User):
    """Give the request to a coordinator (oneself or a colleague)."""
    _require_coordinator(by)
    if not (to.is_active and to.is_coordinator):
        raise InvalidTransition(gettext_lazy("A request can be assigned only to a coordinator."))
    request = _locked(request)
    if request.assigned_to_id == to.pk:
        return request
    if not request.is_open:
        _refuse(request, gettext_lazy("assigned"))
    request.assigned_to = to
    request.save(update_fields=["assigned_to"])
    return request


@transaction.atomic
def triage_consultation(request: ConsultationRequest, *, by: User, urgency: str | None = None):
    """The coordinator has read the request and taken it into work."""
    _require_coordinator(by)
    request = _locked(request)
    if request.status == Status.TRIAGED:
        return request
    if request.status != Status.SUBMITTED:
        _refuse(request, gettext_lazy("triaged"))
    if urgency is not None and urgency not in ConsultationRequest.Urgency.values:
        raise ValidationError({"urgency": [_("Choose the urgency from the list.")]})
    fields = ["status"]
    request.status = Status.TRIAGED
    if urgency:
        request.urgency = urgency
        fields.append("urgency")
    if request.assigned_to_id is None:
        request.assigned_to = by
        fields.append("assigned_to")
    _first_response(request, fields, timezone.now())
    request.save(update_fields=fields)
    return request


@transaction.atomic
def answer_consultation(
    request: ConsultationRequest,
    *,
    by: User,
    advice: str,
    recommended_services: str = "",
    next_step: str = "",
):
    """The coordinator's answer; the requester is told in the app and by e-mail. Two
    coordinators answering at once are serialised by the row lock: the second finds the
    request answered by the first and is refused (`AnsweredMeanwhile`); the answering
    coordinator's own submission repeated (a retry, a double click) returns quietly."""
    _require_coordinator(by)
    request = _locked(request)
    if request.status == Status.ANSWERED:
        if _answered_by(request) == by.pk:
            return request
        raise AnsweredMeanwhile(current_version=request.lock_version)
    if request.status not in (Status.SUBMITTED, Status.TRIAGED):
        _refuse(request, gettext_lazy("answered"))
    errors = {}
    if not advice or not advice.strip():
        errors["advice"] = [_("Write the advice.")]
    elif len(advice) > 10_000:
        errors["advice"] = [_("The advice can have at most 10,000 characters.")]
    if len(recommended_services or "") > 5_000:
        errors["recommended_services"] = [_("At most 5,000 characters.")]
    if len(next_step or "") > 2_000:
        errors["next_step"] = [_("At most 2,000 characters.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    ConsultationAnswer.objects.create(
        request=request,
        advice=advice,
        recommended_services=recommended_services or "",
        next_step=next_step or "",
        answered_by=by,
        answered_at=now,
    )
    fields = ["status"]
    request.status = Status.ANSWERED
    if request.assigned_to_id is None:
        request.assigned_to = by
        fields.append("assigned_to")
    _first_response(request, fields, now)
    _end_wait(request, fields, now)
    request.save(update_fields=fields)
    _log(by, request.client, AccessLog.Action.UPDATE)

    announce(request.requester, Kind.REQUEST_ANSWERED, request)
    return request


def _answered_by(request: ConsultationRequest) -> int | None:
    return (
        ConsultationAnswer.objects.filter(request=request)
        .values_list("answered_by", flat=True)
        .first()
    )


@transaction.atomic
def mark_network_needed(request: ConsultationRequest, *, by: User):
    """The client needs a client network; `networks` forms it from here."""
    _require_coordinator(by)
    request = _locked(request)
    if request.status == Status.NETWORK_NEEDED:
        return request
    if request.status not in (Status.SUBMITTED, Status.TRIAGED, Status.ANSWERED):
        _refuse(request, gettext_lazy("marked as needing a network"))
    if request.anonymous:
        raise InvalidTransition(
            gettext_lazy(
                "A client network needs an identified client: ask the requester to send "
                "the request again with the client's consent."
            )
        )
    if request.awaiting_identification:
        raise InvalidTransition(
            gettext_lazy("Link the request to the client first: a network needs the client.")
        )
    fields = ["status"]
    request.status = Status.NETWORK_NEEDED
    if request.assigned_to_id is None:
        request.assigned_to = by
        fields.append("assigned_to")
    _first_response(request, fields, timezone.now())
    request.save(update_fields=fields)
    return request


# --- The networks app forms the network and calls this in the same
# transaction, so the request and the network change together.
@transaction.atomic
def mark_network_formed(request: ConsultationRequest, *, by: User):
    """A client network has been formed from this request."""
    _require_coordinator(by)
    request = _locked(request)
    if request.status == Status.NETWORK_FORMED:
        return request
    if request.status != Status.NETWORK_NEEDED:
        _refuse(request, gettext_lazy("marked as having a network"))
    fields = ["status"]
    request.status = Status.NETWORK_FORMED
    if request.assigned_to_id is None:
        request.assigned_to = by
        fields.append("assigned_to")
    _first_response(request, fields, timezone.now())
    request.save(update_fields=fields)
    return request


CLOSABLE = (
    Status.SUBMITTED,
    Status.TRIAGED,
    Status.ANSWERED,
    Status.NETWORK_NEEDED,
    Status.NETWORK_FORMED,
)


@transaction.atomic
def close_consultation(request: ConsultationRequest, *, by: User, outcome: str, note: str = ""):
    """Close the request with its outcome (what the metrics count)."""
    _require_coordinator(by)
    request = _locked(request)
    if request.status == Status.CLOSED:
        return request
    if request.status not in CLOSABLE:
        _refuse(request, gettext_lazy("closed"))
    if outcome not in ConsultationRequest.Outcome.values:
        raise ValidationError({"outcome": [_("Choose the outcome from the list.")]})
    if len(note or "") > 2_000:
        raise ValidationError({"note": [_("At most 2,000 characters.")]})
    now = timezone.now()
    fields = ["status", "outcome", "outcome_note", "closed_at"]
    request.status = Status.CLOSED
    request.outcome = outcome
    request.outcome_note = note or ""
    request.closed_at = now
    _first_response(request, fields, now)
    _end_wait(request, fields, now)
    request.save(update_fields=fields)
    return request


@transaction.atomic
def withdraw_consultation(request: ConsultationRequest, *, by: User, reason: str):
    """The requester takes the request back before it has been answered, saying why (the
    hub and the client's timeline show it)."""
    request = _locked(request)
    if request.requester_id != by.pk:
        raise InvalidTransition(gettext_lazy("Only the requester can withdraw a request."))
    if request.status == Status.WITHDRAWN:
        return request
    if request.status not in (Status.SUBMITTED, Status.TRIAGED):
        _refuse(request, gettext_lazy("withdrawn"))
    errors = reason_errors(reason)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    fields = ["status", "closed_at", "withdrawal_reason"]
    request.status = Status.WITHDRAWN
    request.closed_at = now
    request.withdrawal_reason = reason.strip()
    _end_wait(request, fields, now)
    request.save(update_fields=fields)
    _log(by, request.client, AccessLog.Action.UPDATE)
    return request


# --- The conversation ------------------------------------------------------------------

CONVERSATION_CLOSED = gettext_lazy(
    "This request is closed: no more messages can be sent on it. If the client still "
    "needs the hub's help, send a new request."
)


def _end_wait(request: ConsultationRequest, fields: list[str], now) -> None:
    """The wait for the requester is over: its working days up to the hub's first
    response are added to the request's paused time, and the clock runs again."""
    since = request.waiting_for_requester_since
    if since is None:
        return
    end = request.first_response_at or now
    request.requester_waiting_days += working_days_between(
        timezone.localdate(since), timezone.localdate(end)
    )
    request.waiting_for_requester_since = None
    fields.extend(["requester_waiting_days", "waiting_for_requester_since"])


def _message_errors(text: str | None) -> dict:
    if not text or not text.strip():
        return {"text": [_("Write the message.")]}
    limit = ConsultationMessage.MAX_LENGTH
    if len(text) > limit:
        return {
            "text": [
                _("A message can have at most %(limit)d characters (it has %(count)d).")
                % {"limit": limit, "count": len(text)}
            ]
        }
    return {}


def can_ask_for_more_information(request: ConsultationRequest, user: User) -> bool:
    return user.is_coordinator and request.requester_id != user.pk and request.is_open


def can_reply(request: ConsultationRequest, user: User) -> bool:
    return request.requester_id == user.pk and request.is_open


def _new_message(request: ConsultationRequest, *, by: User, kind: str, text: str, now):
    return ConsultationMessage.objects.create(
        request=request,
        kind=kind,
        author=by,
        organization_id=by.organization_id,
        text=text.strip(),
        sent_at=now,
    )


@transaction.atomic
def ask_for_more_information(
    request: ConsultationRequest, *, by: User, text: str
) -> ConsultationMessage:
    """The hub asks the requester for more information: the request waits for the
    requester ("Odottaa lisätietoja"), its waiting clock stops, and the requester is
    told in their inbox (which e-mails a link by their preference)."""
    _require_coordinator(by)
    request = _locked(request)
    if not request.is_open:
        raise InvalidTransition(CONVERSATION_CLOSED)
    if request.requester_id == by.pk:
        raise InvalidTransition(gettext_lazy("You cannot ask yourself for more information."))
    errors = _message_errors(text)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    message = _new_message(
        request, by=by, kind=ConsultationMessage.Kind.QUESTION, text=text, now=now
    )
    fields = []
    if request.waiting_for_requester_since is None:
        request.waiting_for_requester_since = now
        fields.append("waiting_for_requester_since")
    if request.assigned_to_id is None:
        request.assigned_to = by
        fields.append("assigned_to")
    if fields:
        request.save(update_fields=fields)
    _log(by, request.client, AccessLog.Action.UPDATE)
    announce(
        request.requester,
        Kind.MORE_INFO_ASKED,
        request,
        key=f"{message._meta.label_lower}:{message.pk}",
    )
    return message


def _hub_recipients(request: ConsultationRequest) -> list[User]:
    """Who hears of the requester's message: the assigned coordinator, or every
    coordinator of the hub while nobody has the request."""
    assignee = request.assigned_to
    if assignee is not None and assignee.is_active and assignee.is_coordinator:
        return [assignee]
    return list(
        User.objects.filter(role=User.Role.COORDINATOR, is_active=True, organization__is_hub=True)
    )


@transaction.atomic
def reply_to_consultation(
    request: ConsultationRequest, *, by: User, text: str
) -> ConsultationMessage:
    """The requester answers on the request page: the request is back with the hub, its
    waiting clock runs again, and the hub is told."""
    request = _locked(request)
    if request.requester_id != by.pk:
        raise InvalidTransition(gettext_lazy("Only the requester can reply on this request."))
    if not request.is_open:
        raise InvalidTransition(CONVERSATION_CLOSED)
    errors = _message_errors(text)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    message = _new_message(request, by=by, kind=ConsultationMessage.Kind.REPLY, text=text, now=now)
    fields: list[str] = []
    _end_wait(request, fields, now)
    if fields:
        request.save(update_fields=fields)
    _log(by, request.client, AccessLog.Action.UPDATE)
    for recipient in _hub_recipients(request):
        announce(
            recipient,
            Kind.REQUEST_MESSAGE,
            request,
            key=f"{message._meta.label_lower}:{message.pk}",
        )
    return message


def post_consultation_message(
    request: ConsultationRequest, *, by: User, text: str
) -> ConsultationMessage:
    """A message on the request from whichever side `by` is on: the requester replies,
    a coordinator asks for more information."""
    if request.requester_id == by.pk:
        return reply_to_consultation(request, by=by, text=text)
    return ask_for_more_information(request, by=by, text=text)


FEEDBACK_STATUSES = (Status.ANSWERED, Status.NETWORK_NEEDED, Status.NETWORK_FORMED, Status.CLOSED)


# The moves a page or the API names: one dispatch for both.
TRANSITIONS = (
    "assign",
    "triage",
    "answer",
    "mark_network_needed",
    "link_client",
    "close",
    "withdraw",
)


def transition_consultation(request: ConsultationRequest, *, by: User, action: str, **data):
    """The move `action` (one of TRANSITIONS) with its input `data`, as the page's forms and
    the API's transition body give it."""
    if action == "assign":
        return assign_consultation(request, by=by, to=data["assignee"])
    if action == "triage":
        return triage_consultation(request, by=by, urgency=data.get("urgency"))
    if action == "answer":
        return answer_consultation(
            request,
            by=by,
            advice=data["advice"],
            recommended_services=data.get("recommended_services", ""),
            next_step=data.get("next_step", ""),
        )
    if action == "mark_network_needed":
        return mark_network_needed(request, by=by)
    if action == "link_client":
        return link_consultation_client(request, by=by)
    if action == "close":
        return close_consultation(
            request, by=by, outcome=data["outcome"], note=data.get("note", "")
        )
    if action == "withdraw":
        return withdraw_consultation(request, by=by, reason=data.get("reason", ""))
    raise ValueError(action)


# --- Several requests at once ----------------------------------------------------------

# The moves the queue does to several requests at once.
BULK_ACTIONS = ("assign", "close")


@dataclass(frozen=True)
class Seen:
    """A request as the page showed it when the person chose it."""

    status: str
    assigned_to_id: int | None


@dataclass
class BulkResult:
    request: ConsultationRequest
    done: bool
    # Why it was left as it is, for a person to read.
    reason: str = ""


def _moved(current: ConsultationRequest, seen: Seen, action: str, data: dict) -> str:
    """Why `current` is no longer what the person chose, or "" if it still is."""
    if current.status != seen.status:
        return _("Its status changed to “%(status)s” meanwhile.") % {
            "status": current.get_status_display()
        }
    if action == "assign" and current.assigned_to_id not in (
        seen.assigned_to_id,
        data["assignee"].pk,
    ):
        return _("It was assigned to %(name)s meanwhile.") % {"name": current.assigned_to}
    return ""


def transition_consultations(
    chosen: list[tuple[ConsultationRequest, Seen]], *, by: User, action: str, **data
) -> list[BulkResult]:
    """The move `action` (one of BULK_ACTIONS) on each chosen request, each in a
    transaction of its own: a request is re-read under its row lock and left alone if
    it moved since the page showed it (another coordinator closed or took it), or if the
    move is refused; the others are done. Nothing is half-done: a request is moved
    whole or not at all."""
    _require_coordinator(by)
    if action not in BULK_ACTIONS:
        raise ValueError(action)
    results = []
    for request, seen in chosen:
        try:
            with transaction.atomic():
                current = _locked(request)
                reason = _moved(current, seen, action, data)
                if not reason:
                    current = transition_consultation(current, by=by, action=action, **data)
        except InvalidTransition as refusal:
            results.append(BulkResult(request, False, str(refusal)))
        except ValidationError as invalid:
            results.append(BulkResult(request, False, " ".join(invalid.messages)))
        else:
            results.append(BulkResult(current, not reason, reason))
    return results


def can_give_feedback(request: ConsultationRequest, user: User) -> bool:
    return request.requester_id == user.pk and request.status in FEEDBACK_STATUSES


@transaction.atomic
def give_feedback(request: ConsultationRequest, *, by: User, usefulness: int, text: str = ""):
    """The requester's feedback, once per request."""
    request = _locked(request)
    if request.requester_id != by.pk:
        raise InvalidTransition(gettext_lazy("Only the requester can give feedback."))
    if request.status not in FEEDBACK_STATUSES:
        raise InvalidTransition(
            gettext_lazy("Feedback can be given once the request has been answered.")
        )
    errors = {}
    try:
        usefulness = int(usefulness)
    except (TypeError, ValueError):
        usefulness = 0
    if not 1 <= usefulness <= 5:
        errors["usefulness"] = [_("Choose a usefulness from 1 to 5.")]
    if len(text or "") > 5_000:
        errors["text"] = [_("At most 5,000 characters.")]
    if errors:
        raise ValidationError(errors)
    if Feedback.objects.filter(request=request).exists():
        raise InvalidTransition(gettext_lazy("Feedback on this request has already been given."))
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                request=request, usefulness=usefulness, text=text or "", given_by=by
            )
    except IntegrityError:
        raise InvalidTransition(
            gettext_lazy("Feedback on this request has already been given.")
        ) from None
