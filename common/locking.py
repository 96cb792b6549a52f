"""Optimistic locking for records that more than one person edits (a plan, a meeting's
minutes, a vocational profile...): the record's `lock_version` when the form was opened
travels with the form (or the API request), and the save is one conditional UPDATE ...
WHERE lock_version = n that must hit exactly one row. A second save from the same
starting version hits none and is refused with `StaleEdit`; the page keeps the user's
text and shows the message, the API answers 409 (`stale_conflict`)."""

from typing import Any

from django import forms
from django.db.models import F, Model
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError

from common.errors import InvalidTransition


class StaleEdit(InvalidTransition):
    """Someone else saved the record after this form was opened. `current_version` is the
    record's lock_version now, for the form to carry when the user saves again."""

    default_message = gettext_lazy(
        "Someone else saved this while you were editing it. Your text is kept below: "
        "compare it with the saved version, then save again."
    )

    def __init__(self, message: object = None, *, current_version: int | None = None) -> None:
        super().__init__(message or self.default_message)
        self.current_version = current_version


def save_locked(
    instance: Model,
    lock_version: int | None,
    *,
    stale: type[StaleEdit] = StaleEdit,
    **values: Any,
) -> None:
    """Write `values` to `instance`'s row and raise its lock_version by one, if the row is
    still at `lock_version` (None: a write made by the system, from a version it has just
    read, is not checked). Otherwise `stale` (a StaleEdit) is raised and nothing is
    written. The instance is refreshed with what was written."""
    manager = type(instance)._default_manager
    rows = manager.filter(pk=instance.pk)
    if lock_version is not None:
        rows = rows.filter(lock_version=lock_version)
    if rows.update(lock_version=F("lock_version") + 1, **values) != 1:
        current = manager.filter(pk=instance.pk).values_list("lock_version", flat=True).first()
        raise stale(current_version=current)
    instance.refresh_from_db(fields=["lock_version", *values])


def claim_version(
    instance: Model, lock_version: int | None, *, stale: type[StaleEdit] = StaleEdit
) -> None:
    """For a record written with its own `save()` (one that normalises fields on save):
    lock its row for the rest of the transaction, refuse a stale `lock_version` with
    `stale`, and raise the instance's lock_version by one for the save that follows in the
    same transaction. Call inside `transaction.atomic()`."""
    current = (
        type(instance)
        ._default_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("lock_version", flat=True)
        .get()
    )
    if lock_version is not None and current != lock_version:
        raise stale(current_version=current)
    instance.lock_version = current + 1  # type: ignore[attr-defined]


class LockedForm(forms.Form):
    """The record's `lock_version` when the form was opened travels with the form."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def carry_current_version(form: forms.BaseForm, error: StaleEdit) -> None:
    """After a refused stale save: the form keeps the user's text and its message, and now
    carries the record's current lock_version, so that saving again after comparing is a
    deliberate choice that goes through."""
    form.add_error(None, str(error))
    if error.current_version is None or "lock_version" not in form.fields:
        return
    # A bound form's data is a QueryDict (or a dict); both copy.
    data = form.data.copy()  # type: ignore[attr-defined]
    data[form.add_prefix("lock_version")] = str(error.current_version)
    form.data = data


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale"


def stale_conflict(error: StaleEdit) -> Conflict:
    """The API's answer to a stale save (common.apierrors): 409 with the message."""
    return Conflict({"non_field_errors": [str(error)], "code": "stale"})


def required_lock_version() -> ValidationError:
    """The 400 of a change sent without the lock_version it was read at."""
    return ValidationError({"lock_version": [serializers.Field.default_error_messages["required"]]})
