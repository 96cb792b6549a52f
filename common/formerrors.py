"""A service's refusals and field errors, put back onto the form that asked for the change:
the views of every app use these so that bad input always ends next to its field."""

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

from django import forms
from django.core.exceptions import ValidationError

from common.errors import InvalidTransition
from common.locking import StaleEdit, carry_current_version


def apply_errors(
    error: ValidationError, form: forms.BaseForm, mapping: dict[str, str] | None = None
) -> None:
    """Put a service's field errors next to the form's fields (`mapping`: a service's
    argument name → the form's field name); errors of no field go on the form as a whole."""
    mapping = mapping or {}
    for field, field_messages in error.message_dict.items():
        field = mapping.get(field, field)
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)


@contextmanager
def errors_onto(form: forms.BaseForm) -> Iterator[SimpleNamespace]:
    """`with errors_onto(form) as saved:` around one service call: a refusal
    (`InvalidTransition`) goes onto the form as a whole, the service's field errors next
    to their fields, and `saved.ok` says whether the call went through. A stale save
    (`StaleEdit`) keeps the user's text, carries the record's current version and sets
    `saved.stale` (the page answers 409)."""
    saved = SimpleNamespace(ok=False, stale=False)
    try:
        yield saved
    except StaleEdit as stale:
        carry_current_version(form, stale)
        saved.stale = True
    except InvalidTransition as refusal:
        form.add_error(None, str(refusal))
    except ValidationError as invalid:
        apply_errors(invalid, form)
    else:
        saved.ok = True
