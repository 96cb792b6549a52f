"""The API's one translation of the services' errors to HTTP, set as REST_FRAMEWORK's
EXCEPTION_HANDLER: a view calls its service and lets the error rise.

- a stale save (`StaleEdit`) is 409 with the message and `"code": "stale"`;
- a refused move (`InvalidTransition`) is 400 with the message under `non_field_errors`,
  under the argument it names (`field`), or under the view's `refusal_field`;
- a service's field errors (Django's `ValidationError`) are 400, one list per field, those
  of no field under `non_field_errors`; a view may rename them (`reshape_field_errors`);
- a row that does not exist is 404, as one the user may not see.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import InvalidTransition
from common.locking import StaleEdit, stale_conflict

NON_FIELD_ERRORS = "non_field_errors"


def field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """A service's field errors as DRF's 400 body: {"field": ["message", ...]}."""
    if hasattr(error, "error_dict"):
        return {field: list(messages) for field, messages in error.message_dict.items()}
    return {NON_FIELD_ERRORS: error.messages}


def refusal_errors(error: InvalidTransition, view: Any) -> dict[str, list[str]]:
    field = error.field or getattr(view, "refusal_field", None) or NON_FIELD_ERRORS
    return {field: [str(error)]}


def as_api_exception(exc: Exception, view: Any) -> Exception:
    """The DRF exception a domain error answers as; any other exception unchanged."""
    if isinstance(exc, StaleEdit):
        return stale_conflict(exc)
    if isinstance(exc, InvalidTransition):
        return ValidationError(refusal_errors(exc, view))
    if isinstance(exc, DjangoValidationError):
        errors = field_errors(exc)
        reshape = getattr(view, "reshape_field_errors", None)
        return ValidationError(reshape(errors) if reshape else errors)
    if isinstance(exc, ObjectDoesNotExist):
        return Http404()
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    return drf_exception_handler(as_api_exception(exc, context.get("view")), context)
