"""Answers with client data must not stay in a browser's or a proxy's cache."""

import pytest
from django.urls import reverse

from coordination import integrations

pytestmark = pytest.mark.django_db


def test_a_logged_in_page_is_not_stored(client, alice):
    client.force_login(alice)
    response = client.get(reverse("my_requests"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_an_api_answer_is_not_stored(client, alice):
    client.force_login(alice)
    response = client.get("/api/v1/clients/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_an_answer_to_a_program_is_not_stored(client, ylva):
    _credential, key = integrations.create_integration_credential(
        by=ylva, name="Raportointi", scope="metrics:read", days=1
    )
    response = client.get("/api/v1/metrics/summary/", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_page_that_says_more_keeps_its_own_header(client, alice):
    client.force_login(alice)
    response = client.get(reverse("two_factor_manage"))
    assert "must-revalidate" in response["Cache-Control"]  # never_cache's own


def test_a_public_page_is_left_alone(client):
    assert "no-store" not in client.get(reverse("accessibility")).get("Cache-Control", "")


def test_the_api_schema_is_for_logged_in_people_only(client, alice):
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_login(alice)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/clients/" in response.content
