"""A service's refusals and field errors, put back onto the form that asked for the change:
the views of every app use these so that bad input always ends next to its field."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import SimpleNamespace

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from common.errors import InvalidTransition
from common.locking import StaleEdit, carry_current_version


def apply_errors(
    error: ValidationError,
    form: forms.BaseForm,
    mapping: dict[str, str] | None = None,
    others: Sequence[forms.BaseForm] = (),
) -> None:
    """Put a service's field errors next to the form's fields (`mapping`: a service's
    argument name → the form's field name); errors of no field go on the form as a whole.
    A page of several forms names the `others`: an error goes to the first form that has
    its field."""
    mapping = mapping or {}
    by_field = (
        error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    )
    for field, field_messages in by_field.items():
        field = mapping.get(field, field)
        owner = next((f for f in (form, *others) if field in f.fields), form)
        target = field if field in owner.fields else None
        for message in field_messages:
            owner.add_error(target, message)


@contextmanager
def errors_onto(
    form: forms.BaseForm, *others: forms.BaseForm, mapping: dict[str, str] | None = None
) -> Iterator[SimpleNamespace]:
    """`with errors_onto(form) as saved:` around one service call: a refusal
    (`InvalidTransition`) goes onto the form as a whole, the service's field errors next
    to their fields (on `form` or one of the `others`; see `apply_errors`), and `saved.ok`
    says whether the call went through. A stale save (`StaleEdit`) keeps the user's text,
    carries the record's current version and sets `saved.stale` (the page answers 409)."""
    saved = SimpleNamespace(ok=False, stale=False)
    try:
        yield saved
    except StaleEdit as stale:
        carry_current_version(form, stale)
        saved.stale = True
    except InvalidTransition as refusal:
        form.add_error(None, str(refusal))
    except ValidationError as invalid:
        apply_errors(invalid, form, mapping, others)
    else:
        saved.ok = True
