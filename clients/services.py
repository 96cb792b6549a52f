"""What happens in the clients app: every write is a verb–noun service function here.

Input problems raise Django's `ValidationError` with a message per field, so that forms and
the API can show them where they belong; nothing is saved half-way (one transaction)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from clients.access import (
    can_record_consent,
    can_record_health_check,
    can_record_request_consent,
    can_withdraw_consent,
)
from clients.dates import past_date_error, planned_date_error
from clients.models import Client, Consent, WorkAbilityAssessment, normalize_identity_code
from common.locking import StaleEdit, claim_version

CLIENT_FIELDS = (
    "first_name",
    "last_name",
    "personal_identity_code",
    "date_of_birth",
    "municipality",
    "phone",
    "email",
    "address",
    "language",
    "life_situation",
    "target_groups",
)


def _validate_target_groups(groups) -> list[str]:
    allowed = set(Client.TargetGroup.values)
    groups = list(groups or [])
    if any(group not in allowed for group in groups):
        raise ValidationError({"target_groups": [_("Choose target groups from the list.")]})
    return groups


@sensitive_variables()
@transaction.atomic
def create_client(*, by, **data) -> Client:
    unknown = set(data) - set(CLIENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown client fields: {sorted(unknown)}")
    data["target_groups"] = _validate_target_groups(data.get("target_groups"))
    client = Client(created_by=by, **data)
    client.full_clean()
    client.save()
    return client


@sensitive_variables()
@transaction.atomic
def update_client(client: Client, *, by, lock_version: int | None = None, **data) -> Client:
    """Change the client's details, read at `lock_version`: refused with `StaleEdit` if
    anyone changed them since (None: not checked, for the system's own writes)."""
    unknown = set(data) - set(CLIENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown client fields: {sorted(unknown)}")
    claim_version(client, lock_version)
    if "target_groups" in data:
        data["target_groups"] = _validate_target_groups(data["target_groups"])
    for name, value in data.items():
        setattr(client, name, value)
    client.full_clean()
    client.save()
    return client


@sensitive_variables()
def find_client_by_identity_code(code: str) -> Client | None:
    code = normalize_identity_code(code)
    if not code:
        return None
    return Client.objects.filter(personal_identity_code=code).first()


@sensitive_variables()
def validate_client_data(*, by, **data) -> Client:
    """An unsaved client from `data`, checked as `create_client` checks it except for the
    uniqueness of the identity code, so that a request naming a known person is refused
    or accepted exactly as one naming a new person (no answer tells them apart)."""
    unknown = set(data) - set(CLIENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown client fields: {sorted(unknown)}")
    data["target_groups"] = _validate_target_groups(data.get("target_groups"))
    client = Client(created_by=by, **data)
    client.full_clean(validate_unique=False, validate_constraints=False)
    return client


@sensitive_variables()
@transaction.atomic
def create_client_unless_known(*, by, **data) -> Client | None:
    """A new client from `data`, or None when the identity code belongs to a client the
    hub already knows: matching a person to an existing record is the hub's act (a
    coordinator links it), never a side effect of somebody typing a code."""
    client = validate_client_data(by=by, **data)
    code = client.personal_identity_code
    if code and Client.objects.filter(personal_identity_code=code).exists():
        return None
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError:
        # Someone created the same person a moment ago: theirs is a known client now.
        if code and Client.objects.filter(personal_identity_code=code).exists():
            return None
        raise
    return client


@transaction.atomic
def record_consent(
    client: Client,
    *,
    by,
    scope: str,
    method: str,
    organizations=(),
    valid_until: datetime.date | None = None,
    given_at: datetime.datetime | None = None,
) -> Consent:
    """A consent the hub records (`can_record_consent`); anybody else is refused here, so
    that neither the page nor the API nor another app can skip the rule."""
    if not can_record_consent(by, client, scope):
        raise PermissionDenied(_("Only the hub's coordinators record consents."))
    return _create_consent(
        client,
        by=by,
        scope=scope,
        method=method,
        organizations=organizations,
        valid_until=valid_until,
        given_at=given_at,
    )


@transaction.atomic
def record_request_consent(
    client: Client,
    *,
    by,
    method: str,
    organizations=(),
    valid_until: datetime.date | None = None,
    given_at: datetime.datetime | None = None,
) -> Consent:
    """The client's consent for consultation, recorded by the sender of a request as part
    of submitting it (coordination.services.submit_consultation)."""
    if not can_record_request_consent(by):
        raise PermissionDenied(_("Only the hub's coordinators record consents."))
    return _create_consent(
        client,
        by=by,
        scope=Consent.Scope.CONSULTATION,
        method=method,
        organizations=organizations,
        valid_until=valid_until,
        given_at=given_at,
    )


def _create_consent(
    client: Client,
    *,
    by,
    scope: str,
    method: str,
    organizations=(),
    valid_until: datetime.date | None = None,
    given_at: datetime.datetime | None = None,
) -> Consent:
    errors = {}
    if scope not in Consent.Scope.values:
        errors["scope"] = [_("Choose the scope of the consent from the list.")]
    if method not in Consent.Method.values:
        errors["method"] = [_("Choose how the consent was given.")]
    if valid_until is not None and valid_until < timezone.localdate():
        errors["valid_until"] = [_("The consent cannot expire in the past.")]
    elif planned_date_error(valid_until):
        errors["valid_until"] = [planned_date_error(valid_until)]
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        client=client,
        scope=scope,
        method=method,
        recorded_by=by,
        valid_until=valid_until,
        given_at=given_at or timezone.now(),
    )
    if organizations:
        consent.organizations.set(organizations)
    return consent


@transaction.atomic
def withdraw_consent(consent: Consent, *, by) -> Consent:
    """Honoured at once: from this moment the consent no longer opens the client's data.
    Withdrawing an already withdrawn consent changes nothing. Only those the page offers
    the button to (`can_withdraw_consent`) may."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if not can_withdraw_consent(by, consent):
        raise PermissionDenied(_("You cannot withdraw this consent."))
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = by
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return consent


# --- The work-ability assessment ------------------------------------

ASSESSMENT_FIELDS = (
    "assessed_on",
    "kind",
    "score",
    "physical_functioning",
    "mental_wellbeing",
    "social_participation",
    "competence",
    "everyday_coping",
    "motivation_values",
    "work_environment",
    "narrative",
)


def record_assessment(client: Client, *, by, **data):
    """A work-ability assessment of the client. Scores outside 0–10, an unknown kind and
    a date in the future are refused with a message per field; nothing is saved then."""
    errors = {}
    score = data.get("score")
    if score is None or not 0 <= int(score) <= 10:
        errors["score"] = [_("The Work Ability Score is a whole number from 0 to 10.")]
    for field, _label in WorkAbilityAssessment.DOMAINS:
        value = data.get(field)
        if value is not None and not 0 <= int(value) <= 10:
            errors[field] = [_("A rating is a whole number from 0 to 10.")]
    if data.get("kind") not in WorkAbilityAssessment.Kind.values:
        errors["kind"] = [_("Choose the kind of assessment.")]
    assessed_on = data.get("assessed_on") or timezone.localdate()
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = [_("The assessment cannot be in the future.")]
    elif past_date_error(assessed_on):
        errors["assessed_on"] = [past_date_error(assessed_on)]
    if errors:
        raise ValidationError(errors)
    values = {name: data.get(name) for name in ASSESSMENT_FIELDS if name in data}
    values["assessed_on"] = assessed_on
    values["narrative"] = (data.get("narrative") or "").strip()
    with transaction.atomic():
        return WorkAbilityAssessment.objects.create(client=client, assessed_by=by, **values)


# --- Health checks for the unemployed ------------------------------------


def _health_check_model():
    from clients.models import HealthCheck

    return HealthCheck


def _plan_action_of(client: Client, plan_action):
    """The plan action must be one of this client's, of type "health check for the
    unemployed" (looked up by name: clients does not import serviceplans)."""
    if plan_action is None:
        return None
    if (
        plan_action.plan.client_id != client.pk
        or plan_action.service_type != "unemployed_health_check"
    ):
        raise ValidationError(
            {"plan_action": [_("Choose a health-check action of this client's plan.")]}
        )
    return plan_action


def _check_version(check, lock_version: int | None) -> None:
    """The row is locked (select_for_update): refuse a stale reading, then raise the
    version for the save that follows."""
    if lock_version is not None and check.lock_version != lock_version:
        raise StaleEdit(current_version=check.lock_version)
    check.lock_version += 1


def _result_errors(check, *, outcome, done_on, done_by, done_by_name, led, further) -> dict:
    HealthCheck = _health_check_model()
    today = timezone.localdate()
    errors = {}
    if outcome == HealthCheck.Status.DONE:
        if done_on is None:
            errors["done_on"] = [_("Give the date the health check was done.")]
        elif done_on > today:
            errors["done_on"] = [_("The health check cannot be done in the future.")]
        elif past_date_error(done_on):
            errors["done_on"] = [past_date_error(done_on)]
        elif done_on < check.offered_on:
            errors["done_on"] = [_("The health check cannot be done before it was offered.")]
        if done_by is None and not done_by_name:
            errors["done_by_name"] = [_("Say who did the health check.")]
        if led and not further:
            errors["further_assessment"] = [_("Choose the further assessment.")]
        if further and further not in HealthCheck.FurtherAssessment.values:
            errors["further_assessment"] = [_("Choose the further assessment from the list.")]
        if further and led is not True:
            errors["led_to_further_assessment"] = [
                _("A further assessment was named: answer yes here.")
            ]
    elif outcome != HealthCheck.Status.DECLINED:
        errors["status"] = [_("Choose whether the health check was done or declined.")]
    return errors


def _require_health_check_recorder(by) -> None:
    if not can_record_health_check(by):
        raise PermissionDenied(_("Health checks are recorded by the hub and by professionals."))


@transaction.atomic
def offer_health_check(
    client: Client,
    *,
    by,
    offered_on: datetime.date | None = None,
    organization=None,
    plan_action=None,
    notes: str = "",
):
    """The client is offered a health check for the unemployed."""
    _require_health_check_recorder(by)
    HealthCheck = _health_check_model()
    offered_on = offered_on or timezone.localdate()
    errors = {}
    if offered_on > timezone.localdate():
        errors["offered_on"] = [_("The offer cannot be in the future.")]
    elif past_date_error(offered_on):
        errors["offered_on"] = [past_date_error(offered_on)]
    try:
        plan_action = _plan_action_of(client, plan_action)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return HealthCheck.objects.create(
        client=client,
        offered_by=by,
        offered_on=offered_on,
        organization=organization,
        plan_action=plan_action,
        notes=(notes or "").strip(),
    )


@transaction.atomic
def record_health_check_done(
    check,
    *,
    by,
    done_on: datetime.date | None,
    done_by=None,
    done_by_name: str = "",
    organization=None,
    led_to_further_assessment: bool | None = None,
    further_assessment: str = "",
    notes: str = "",
    lock_version: int | None = None,
):
    """The health check was done: when, by whom (a user or a name), and whether it led
    to a further assessment. Recording the same result again changes nothing; a different
    one recorded from a reading older than the last result (`lock_version`) is refused
    with `StaleEdit`."""
    HealthCheck = _health_check_model()
    check = HealthCheck.objects.select_for_update().get(pk=check.pk)
    done_by_name = (done_by_name or "").strip()
    if (
        check.status == HealthCheck.Status.DONE
        and check.done_on == done_on
        and check.done_by_id == (done_by.pk if done_by is not None else None)
        and check.done_by_name == ("" if done_by is not None else done_by_name)
        and check.led_to_further_assessment == led_to_further_assessment
        and check.further_assessment == (further_assessment or "")
    ):
        return check
    errors = _result_errors(
        check,
        outcome=HealthCheck.Status.DONE,
        done_on=done_on,
        done_by=done_by,
        done_by_name=done_by_name,
        led=led_to_further_assessment,
        further=further_assessment,
    )
    if errors:
        raise ValidationError(errors)
    _check_version(check, lock_version)
    check.status = HealthCheck.Status.DONE
    check.done_on = done_on
    check.done_by = done_by
    check.done_by_name = "" if done_by is not None else done_by_name
    check.declined_on = None
    check.led_to_further_assessment = led_to_further_assessment
    check.further_assessment = further_assessment or ""
    if organization is not None:
        check.organization = organization
    if notes:
        check.notes = notes.strip()
    check.save(
        update_fields=[
            "status",
            "done_on",
            "done_by",
            "done_by_name",
            "declined_on",
            "led_to_further_assessment",
            "further_assessment",
            "organization",
            "notes",
            "lock_version",
        ]
    )
    return check


@transaction.atomic
def record_health_check_declined(
    check,
    *,
    by,
    declined_on: datetime.date | None = None,
    notes: str = "",
    lock_version: int | None = None,
):
    """The client declined the offer. A check already done cannot be declined."""
    HealthCheck = _health_check_model()
    check = HealthCheck.objects.select_for_update().get(pk=check.pk)
    if check.status == HealthCheck.Status.DECLINED:
        return check
    _check_version(check, lock_version)
    if check.status == HealthCheck.Status.DONE:
        raise ValidationError({"status": [_("The health check has already been done.")]})
    declined_on = declined_on or timezone.localdate()
    if declined_on > timezone.localdate():
        raise ValidationError({"declined_on": [_("The date cannot be in the future.")]})
    if declined_on < check.offered_on:
        raise ValidationError(
            {"declined_on": [_("The offer cannot be declined before it was made.")]}
        )
    check.status = HealthCheck.Status.DECLINED
    check.declined_on = declined_on
    if notes:
        check.notes = notes.strip()
    check.save(update_fields=["status", "declined_on", "notes", "lock_version"])
    return check


def record_health_check_result(check, *, by, status: str, **data):
    """Done or declined, as the form and the API send it."""
    _require_health_check_recorder(by)
    HealthCheck = _health_check_model()
    if status == HealthCheck.Status.DONE:
        data.pop("declined_on", None)
        return record_health_check_done(check, by=by, **data)
    if status == HealthCheck.Status.DECLINED:
        return record_health_check_declined(
            check,
            by=by,
            declined_on=data.get("declined_on"),
            notes=data.get("notes", ""),
            lock_version=data.get("lock_version"),
        )
    raise ValidationError({"status": [_("Choose whether the health check was done or declined.")]})


@transaction.atomic
def record_health_check(client: Client, *, by, status: str, offered_on=None, **data):
    """Offer a health check and, when it is already known, its result, in one step (the
    "Record the health check" link of a plan action). All or nothing."""
    HealthCheck = _health_check_model()
    check = offer_health_check(
        client,
        by=by,
        offered_on=offered_on,
        organization=data.get("organization"),
        plan_action=data.pop("plan_action", None),
        notes=data.get("notes", "") if status == HealthCheck.Status.OFFERED else "",
    )
    if status == HealthCheck.Status.OFFERED:
        return check
    return record_health_check_result(check, by=by, status=status, **data)
