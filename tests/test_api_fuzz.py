"""schemathesis against our own OpenAPI schema, logged in as each role: whatever the
generated input, no response is a server error, and every response is what the schema
says (content type and body). Runs in-process through the WSGI app."""

import json
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from config.wsgi import application

pytestmark = pytest.mark.fuzz

CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
REPORT = Path("var/schemathesis-report.json")
TRIED: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_what_was_tried():
    """var/schemathesis-report.json: per operation and persona, the status codes seen."""
    yield
    report: dict = {}
    for (operation, persona, status), count in sorted(TRIED.items()):
        report.setdefault(operation, {}).setdefault(persona, {})[str(status)] = count
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=1))


def _generated_schema() -> dict:
    """The schema /api/schema/ serves, made in-process: the endpoint is for logged-in
    people only, and at collection there is no database to log anyone in."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(public=True)))


# The schema is made once, at collection; the tests call the same WSGI app that serves it.
schema = schemathesis.openapi.from_dict(_generated_schema())
schema.app = application
schema.location = "/api/schema/"


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Called straight through WSGI, Django would close the test's database connection at
    # the end of each request; its own test client switches that off the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


ROLES = ["alice", "olli", "kaisa", "eero", "ylva", "tuula"]

# Coaching objects the personas' data holds (see `coaching_world`), by the path of the
# operation that takes their id: each generated request to such a path is sent a second
# time with the real id, so that the detail, transition and end operations answer with
# real objects (and not only 404 for the random ids Hypothesis draws).
KNOWN_IDS: dict[str, str] = {}


@pytest.fixture
def coaching_world(alice, tuula, kaisa):
    """tuula's caseload: alice's referral of a client, taken by tuula, with an employer
    contact, a job start and a follow-along note; another client waiting for the team;
    a fidelity review of the team."""
    import datetime

    from django.utils import timezone

    from clients.tests.factories import ClientFactory
    from coaching import services
    from coaching.models import FIDELITY_ITEMS, EmployerContact, Referral

    today = timezone.localdate()
    team = tuula.organization
    referral = services.refer(
        by=alice,
        client=ClientFactory(),
        team=team,
        source=Referral.Source.HEALTH_CARE,
        referred_on=today - datetime.timedelta(days=30),
    )
    services.take_referral(referral, by=tuula)
    employer = services.add_employer(by=tuula, name="Fuzz Kahvila Oy")
    contact = services.record_employer_contact(
        referral,
        by=tuula,
        employer=employer,
        kind=EmployerContact.Kind.PHONE,
        outcome=EmployerContact.Outcome.FOLLOW_UP_AGREED,
    )
    job = services.record_job_start(
        referral,
        by=tuula,
        employer=employer,
        started_on=today - datetime.timedelta(days=5),
        hours_per_week="20",
    )
    note = services.add_follow_along_note(referral, by=tuula, text="Alku sujunut hyvin.")
    waiting = services.refer(
        by=kaisa, client=ClientFactory(), team=team, source=Referral.Source.COORDINATOR
    )
    review = services.save_fidelity_review(
        by=tuula,
        team=team,
        reviewed_on=today,
        scores={number: 4 for number, _label in FIDELITY_ITEMS},
    )
    KNOWN_IDS.clear()
    KNOWN_IDS.update(
        {
            "/api/v1/coaching/referrals/{id}/": str(referral.uuid),
            "/api/v1/coaching/referrals/{id}/take/": str(waiting.uuid),
            "/api/v1/coaching/referrals/{id}/transition/": str(referral.uuid),
            "/api/v1/coaching/employer-contacts/{id}/": str(contact.uuid),
            "/api/v1/coaching/job-starts/{id}/": str(job.uuid),
            "/api/v1/coaching/job-starts/{id}/end/": str(job.uuid),
            "/api/v1/coaching/follow-along-notes/{id}/": str(note.uuid),
            "/api/v1/coaching/fidelity-reviews/{id}/": str(review.uuid),
        }
    )
    yield
    KNOWN_IDS.clear()


# A CSRF secret of our choosing, sent as the cookie and as the header: people use the API
# from their browser session, which checks CSRF on every write.
CSRF = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"


@pytest.fixture
def api_sessions(request, monkeypatch, coaching_world):
    """A logged-in browser session for each persona: its cookies and CSRF header.
    Throttling is lifted: the fuzzer is not a flood to stop."""
    from django.conf import settings as django_settings
    from django.test import Client
    from rest_framework.throttling import SimpleRateThrottle

    for scope in ("anon", "user", "address"):
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, "100000/min")
    sessions = {}
    for name in ROLES:
        browser = Client()
        browser.force_login(request.getfixturevalue(name))
        cookies = {
            django_settings.SESSION_COOKIE_NAME: browser.cookies[
                django_settings.SESSION_COOKIE_NAME
            ].value,
            django_settings.CSRF_COOKIE_NAME: CSRF,
        }
        # An empty Authorization overrides the random keys drawn for the operations that
        # also take an integration credential: this test is about people.
        headers = {"X-CSRFToken": CSRF, "Authorization": ""}
        sessions[name] = {"headers": headers, "cookies": cookies}
    return sessions


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_api_answers_every_generated_request_within_its_schema(case, api_sessions):
    known = KNOWN_IDS.get(case.operation.path)
    for persona, session in api_sessions.items():
        response = case.call_and_validate(checks=CHECKS, **session)
        TRIED[(case.operation.label, persona, response.status_code)] += 1
        if known and case.path_parameters and "id" in case.path_parameters:
            drawn = case.path_parameters["id"]
            case.path_parameters["id"] = known
            try:
                response = case.call_and_validate(checks=CHECKS, **session)
            finally:
                case.path_parameters["id"] = drawn
            TRIED[(f"{case.operation.label} (real id)", persona, response.status_code)] += 1
