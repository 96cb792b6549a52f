"""The API's one translation of the services' errors: the bodies the API has always given."""

from types import SimpleNamespace

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.http import Http404

from common.apierrors import exception_handler
from common.errors import InvalidTransition
from common.locking import StaleEdit


def answer(exc, view=None):
    response = exception_handler(exc, {"view": view or SimpleNamespace()})
    assert response is not None, "the handler answers every error it knows"
    return response.status_code, response.data


def test_a_refused_move_is_400_with_the_message():
    status, body = answer(InvalidTransition("The request is closed."))
    assert (status, body) == (400, {"non_field_errors": ["The request is closed."]})


def test_a_refusal_about_an_argument_is_reported_under_it():
    class NoConsent(InvalidTransition):
        field = "user"

    assert answer(NoConsent("No consent.")) == (400, {"user": ["No consent."]})


def test_a_view_can_name_where_its_refusals_go():
    view = SimpleNamespace(refusal_field="action")
    assert answer(InvalidTransition("No."), view) == (400, {"action": ["No."]})


def test_a_stale_save_is_409_with_the_stale_code():
    status, body = answer(StaleEdit(current_version=3))
    assert status == 409
    assert body == {"non_field_errors": [str(StaleEdit.default_message)], "code": "stale"}


def test_field_errors_are_400_per_field():
    error = ValidationError({"score": ["From 0 to 10."], NON_FIELD_ERRORS: ["Both."]})
    assert answer(error) == (400, {"score": ["From 0 to 10."], NON_FIELD_ERRORS: ["Both."]})


def test_errors_of_no_field_are_non_field_errors():
    assert answer(ValidationError(["One.", "Two."])) == (
        400,
        {"non_field_errors": ["One.", "Two."]},
    )


def test_a_view_can_rename_the_services_fields():
    view = SimpleNamespace(reshape_field_errors=lambda errors: {"closure_reason": errors["reason"]})
    error = ValidationError({"reason": ["Choose."]})
    assert answer(error, view) == (400, {"closure_reason": ["Choose."]})


def test_a_missing_row_is_404_like_one_not_visible():
    assert answer(ObjectDoesNotExist())[0] == 404
    assert answer(ObjectDoesNotExist()) == answer(Http404())


def test_other_errors_are_left_to_django():
    assert exception_handler(RuntimeError("boom"), {"view": SimpleNamespace()}) is None
