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
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from config.wsgi import application

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


# The schema is read once, at collection, through the same WSGI app the tests call.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Called straight through WSGI, Django would close the test's database connection at
    # the end of each request; its own test client switches that off the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


ROLES = ["alice", "olli", "kaisa", "eero", "ylva"]


@pytest.fixture
def api_tokens(request, monkeypatch):
    """A token for each persona. Throttling is lifted: the fuzzer is not a flood to stop."""
    from rest_framework.throttling import SimpleRateThrottle

    for scope in ("anon", "user", "address"):
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, "100000/min")
    return {name: Token.objects.create(user=request.getfixturevalue(name)).key for name in ROLES}


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_api_answers_every_generated_request_within_its_schema(case, api_tokens):
    for persona, token in api_tokens.items():
        response = case.call_and_validate(
            headers={"Authorization": f"Token {token}"}, checks=CHECKS
        )
        TRIED[(case.operation.label, persona, response.status_code)] += 1
