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
    can_record_request_consent,
    can_withdraw_consent,
)
from clients.models import (
    Client,
    ClientChange,
    Consent,
    WorkAbilityAssessment,
    normalize_identity_code,
)
from common.dates import past_date_error, planned_date_error
from common.locking import claim_version

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
    before = {name: getattr(client, name) for name in data}
    for name, value in data.items():
        setattr(client, name, value)
    client.full_clean()
    client.save()
    changed = [
        name for name in CLIENT_FIELDS if name in data and getattr(client, name) != before[name]
    ]
    if changed:
        # The names of the fields only: the record shows who changed what, never a value.
        ClientChange.objects.create(client=client, changed_by=by, fields=changed)
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


def withdrawal_errors(withdrawn_on, channel, reported_by, given_at=None) -> dict:
    """What a withdrawal must say: the day (not in the future, not before the consent
    was given), the channel and who withdrew it."""
    errors: dict[str, list] = {}
    if withdrawn_on is None:
        errors["withdrawn_on"] = [_("Give the date of the withdrawal.")]
    elif withdrawn_on > timezone.localdate():
        errors["withdrawn_on"] = [_("The date of the withdrawal cannot be in the future.")]
    elif given_at is not None and withdrawn_on < timezone.localdate(given_at):
        errors["withdrawn_on"] = [_("The consent was given after this date.")]
    if channel not in Consent.WithdrawalChannel.values:
        errors["withdrawal_channel"] = [_("Choose how the consent was withdrawn.")]
    if reported_by not in Consent.ReportedBy.values:
        errors["withdrawal_reported_by"] = [_("Choose who withdrew the consent.")]
    return errors


@transaction.atomic
def withdraw_consent(
    consent: Consent, *, by, withdrawn_on, channel: str, reported_by: str
) -> Consent:
    """Honoured at once: from this moment the consent no longer opens the client's data.
    The withdrawal says when the client withdrew, how (in person, by phone, in writing)
    and who told; they are shown on the client's timeline. Withdrawing an already
    withdrawn consent changes nothing. Only those the page offers the step to
    (`can_withdraw_consent`) may."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if not can_withdraw_consent(by, consent):
        raise PermissionDenied(_("You cannot withdraw this consent."))
    if consent.withdrawn_at is not None:
        return consent
    errors = withdrawal_errors(withdrawn_on, channel, reported_by, consent.given_at)
    if errors:
        raise ValidationError(errors)
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = by
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_channel = channel
    consent.withdrawal_reported_by = reported_by
    consent.save(
        update_fields=[
            "withdrawn_at",
            "withdrawn_by",
            "withdrawn_on",
            "withdrawal_channel",
            "withdrawal_reported_by",
        ]
    )
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
