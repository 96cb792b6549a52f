"""Programs read the API with integration credentials; people never with a key."""

import hashlib
import secrets
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coordination import integrations
from coordination.models import IntegrationCredential, SecurityEvent
from tests.routes import walk

pytestmark = pytest.mark.django_db

FORMAT_SUFFIX = "format"
# What a metrics credential may read: the metrics, and the organisations (not client data).
# The aggregates a metrics credential reads: no client data in them.
METRICS_ROUTES = (
    "/api/v1/metrics/summary/",
    "/api/v1/metrics/work-ability/",
    "/api/v1/organizations/",
)


def api_urls() -> list[str]:
    """Every API route of the project, an id filled in where the route takes one."""
    urls = set()
    for route in walk():
        if not route.pattern.startswith("api/") or FORMAT_SUFFIX in route.converters:
            continue
        urls.add(
            route.url(**dict.fromkeys(route.converters, "00000000-0000-4000-8000-000000000000"))
        )
    return sorted(urls)


API_URLS = api_urls()


def test_the_walk_finds_the_api():
    assert "/api/v1/clients/" in API_URLS
    assert "/api/v1/metrics/summary/" in API_URLS
    assert "/api/schema/" in API_URLS
    assert len(API_URLS) > 15


@pytest.fixture
def coordinators_old_token(kaisa):
    """A person token as this API handed them out before: 40 hex characters."""
    key = secrets.token_hex(20)
    if apps.is_installed("rest_framework.authtoken"):
        from rest_framework.authtoken.models import Token

        Token.objects.create(user=kaisa, key=key)
    return key


@pytest.mark.parametrize("url", API_URLS)
def test_a_persons_token_is_refused_by_every_api_route(client, coordinators_old_token, url):
    for keyword in ("Token", "Bearer"):
        header = {"Authorization": f"{keyword} {coordinators_old_token}"}
        assert client.get(url, headers=header).status_code == 401
        assert client.post(url, {}, headers=header).status_code == 401


def make_credential(ylva, **overrides) -> tuple[IntegrationCredential, str]:
    options = {"name": "Raportointi", "scope": "metrics:read", "days": 30} | overrides
    return integrations.create_integration_credential(by=ylva, **options)


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_a_metrics_credential_reads_the_metrics_and_the_organisations(client, ylva, hub):
    credential, key = make_credential(ylva)
    response = client.get("/api/v1/metrics/summary/", headers=bearer(key))
    assert response.status_code == 200
    assert "headline" in response.json()
    organizations = client.get("/api/v1/organizations/", headers=bearer(key))
    assert organizations.status_code == 200
    assert hub.name in [row["name"] for row in organizations.json()["results"]]
    credential.refresh_from_db()
    assert credential.last_used_at is not None


@pytest.mark.parametrize("url", [url for url in API_URLS if not url.startswith(METRICS_ROUTES)])
def test_a_metrics_credential_gets_no_client_data(client, ylva, url):
    _credential, key = make_credential(ylva)
    for method in (client.get, client.post):
        response = method(url, headers=bearer(key))
        assert response.status_code in (401, 403, 404), (method, response.content[:200])
        assert b"results" not in response.content


def test_an_expired_or_revoked_credential_is_refused(client, ylva, time_machine):
    time_machine.move_to("2026-11-23 09:00:00+02:00")
    _expiring, expiring_key = make_credential(ylva, days=1)
    revoked, revoked_key = make_credential(ylva, name="Vanha")
    integrations.revoke_integration_credential(revoked, by=ylva)
    assert client.get("/api/v1/metrics/summary/", headers=bearer(revoked_key)).status_code == 401
    assert client.get("/api/v1/metrics/summary/", headers=bearer(expiring_key)).status_code == 200
    time_machine.shift(timedelta(days=1, seconds=1))
    assert client.get("/api/v1/metrics/summary/", headers=bearer(expiring_key)).status_code == 401


def test_a_wrong_key_with_a_real_prefix_is_refused(client, ylva):
    _credential, key = make_credential(ylva)
    forged = key[: integrations.PREFIX_LENGTH] + "x" * (len(key) - integrations.PREFIX_LENGTH)
    assert client.get("/api/v1/metrics/summary/", headers=bearer(forged)).status_code == 401


def test_use_is_noted_at_most_once_a_minute(client, ylva, time_machine, django_assert_num_queries):
    time_machine.move_to("2026-11-23 09:00:00+02:00", tick=False)
    credential, key = make_credential(ylva)
    client.get("/api/v1/organizations/", headers=bearer(key))
    first = IntegrationCredential.objects.get(pk=credential.pk).last_used_at
    time_machine.shift(30)
    client.get("/api/v1/organizations/", headers=bearer(key))
    assert IntegrationCredential.objects.get(pk=credential.pk).last_used_at == first
    time_machine.shift(31)
    client.get("/api/v1/organizations/", headers=bearer(key))
    assert IntegrationCredential.objects.get(pk=credential.pk).last_used_at > first


@pytest.mark.parametrize("persona", ["alice", "olli", "kaisa", "eero", "tuula"], indirect=True)
def test_only_administrators_see_the_credentials_page(client, persona):
    client.force_login(persona)
    assert client.get(reverse("integration_credentials")).status_code == 404
    assert client.post(reverse("integration_credentials"), {"name": "x"}).status_code == 404
    assert client.post(reverse("integration_credential_revoke")).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("integration_credentials"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_administrator_makes_a_credential_and_sees_the_key_once(client, ylva, hub):
    client.force_login(ylva)
    response = client.post(
        reverse("integration_credentials"),
        {"name": "Raportointi", "scope": "metrics:read", "organization": hub.pk, "days": 90},
    )
    assert response.status_code == 200
    key = response.context["key"]
    assert key.encode() in response.content
    credential = IntegrationCredential.objects.get()
    assert credential.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(IntegrationCredential.objects.values().get())
    assert credential.created_by == ylva
    assert credential.organization == hub
    assert timedelta(days=89) < credential.expires_at - timezone.now() <= timedelta(days=90)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.CREDENTIAL_CREATED)
    assert event.actor == ylva
    assert event.details["prefix"] == credential.prefix
    assert key not in str(event.details)

    again = client.get(reverse("integration_credentials"))
    assert key.encode() not in again.content
    assert credential.prefix.encode() in again.content


def test_a_credential_lasts_at_most_a_year(client, ylva):
    client.force_login(ylva)
    response = client.post(
        reverse("integration_credentials"),
        {"name": "Ikuinen", "scope": "metrics:read", "days": 366},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["days"]
    assert not IntegrationCredential.objects.exists()


def test_administrator_revokes_a_credential(client, ylva):
    credential, key = make_credential(ylva)
    client.force_login(ylva)
    response = client.post(
        reverse("integration_credential_revoke"), {"credential": credential.uuid}
    )
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.CREDENTIAL_REVOKED).count() == 1
    client.logout()
    assert client.get("/api/v1/metrics/summary/", headers=bearer(key)).status_code == 401


def test_revoking_an_unknown_credential_is_404(client, ylva):
    client.force_login(ylva)
    for value in ("", "not-a-uuid", "00000000-0000-4000-8000-000000000000"):
        response = client.post(reverse("integration_credential_revoke"), {"credential": value})
        assert response.status_code == 404


def test_the_command_prints_the_key_once(ylva, client):
    out = StringIO()
    call_command(
        "create_integration_credential",
        "Raportointi",
        "--by",
        "ylva",
        stdout=out,
        stderr=StringIO(),
    )
    key = out.getvalue().strip()
    assert client.get("/api/v1/metrics/summary/", headers=bearer(key)).status_code == 200


def test_the_command_refuses_a_non_administrator(alice):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_integration_credential", "x", "--by", "alice", stderr=StringIO())


def _queries_of_page(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_credentials_page_asks_the_same_queries_for_few_and_many(client, ylva, hub):
    """The list joins each credential's organisation and maker: no query per row."""
    client.force_login(ylva)
    url = reverse("integration_credentials")
    for number in range(2):
        integrations.create_integration_credential(
            by=ylva, name=f"few {number}", scope="metrics:read", days=30, organization=hub
        )
    few = _queries_of_page(client, url)
    for number in range(30):
        integrations.create_integration_credential(
            by=ylva, name=f"many {number}", scope="metrics:read", days=30, organization=hub
        )
    assert _queries_of_page(client, url) == few
