"""What happens to a health check for the unemployed: offered, then done or declined.

Input problems raise Django's `ValidationError` with a message per field, so that forms and
the API can show them where they belong; nothing is saved half-way (one transaction)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from common.dates import past_date_error
from common.locking import StaleEdit
from healthchecks.access import can_record_health_check
from healthchecks.models import HealthCheck
from serviceplans.models import PlanAction


def _plan_action_of(client: Client, plan_action):
    """The plan action must be one of this client's, of type "health check for the
    unemployed"."""
    if plan_action is None:
        return None
    if (
        plan_action.plan.client_id != client.pk
        or plan_action.service_type != PlanAction.ServiceType.UNEMPLOYED_HEALTH_CHECK
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
    today = timezone.localdate()
    errors = {}
    if outcome == HealthCheck.Status.DONE:
        if done_on is None:
            errors["done_on"] = [_("Give the date the health check was done.")]
        elif done_on > today:
            errors["done_on"] = [_("The health check cannot be done in the future.")]
        elif too_early := past_date_error(done_on):
            errors["done_on"] = [too_early]
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
    offered_on = offered_on or timezone.localdate()
    errors = {}
    if offered_on > timezone.localdate():
        errors["offered_on"] = [_("The offer cannot be in the future.")]
    elif too_early := past_date_error(offered_on):
        errors["offered_on"] = [too_early]
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
