"""Dates people type are bounded: a date of birth from 1900 to today, what happened from
2000, what is planned at most ten years ahead. The services check, so the API and the
pages give the same message next to the same field."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Consent, WorkAbilityAssessment
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

YEAR_ONE = "0001-01-01"


@pytest.fixture(autouse=True)
def _in_english(client, settings):
    """The messages are compared in English (the catalogues translate them)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.mark.parametrize(
    ("birth", "message"),
    [
        (YEAR_ONE, "before 1900"),
        ("1899-12-31", "before 1900"),
        ((timezone.localdate() + datetime.timedelta(days=1)).isoformat(), "future"),
    ],
)
def test_api_refuses_a_date_of_birth_out_of_bounds(client, kaisa, birth, message):
    client.force_login(kaisa)
    body = {"first_name": "A", "last_name": "B", "date_of_birth": birth}
    response = post(client, reverse("client-list"), body)
    assert response.status_code == 400
    assert message in response.json()["date_of_birth"][0]
    assert not Client.objects.exists()


def test_api_accepts_a_date_of_birth_in_1900(client, kaisa):
    client.force_login(kaisa)
    body = {"first_name": "A", "last_name": "B", "date_of_birth": "1900-01-01"}
    assert post(client, reverse("client-list"), body).status_code == 201


def test_api_refuses_an_assessment_of_year_one(client, kaisa):
    matti = ClientFactory()
    client.force_login(kaisa)
    url = reverse("client-assessments", args=[matti.uuid])
    response = post(client, url, {"assessed_on": YEAR_ONE, "kind": "self", "score": 5})
    assert response.status_code == 400
    assert "before 2000" in response.json()["assessed_on"][0]
    assert not WorkAbilityAssessment.objects.exists()


def test_api_refuses_a_consent_valid_for_ever_after(client, kaisa):
    matti = ClientFactory()
    client.force_login(kaisa)
    url = reverse("client-consents", args=[matti.uuid])
    body = {"scope": "network", "method": "written", "valid_until": "9999-12-31"}
    response = post(client, url, body)
    assert response.status_code == 400
    assert "ten years" in response.json()["valid_until"][0]
    assert not Consent.objects.exists()


def test_request_form_refuses_a_birth_date_of_year_one(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("consultation_create"),
        {
            "kind": "identified",
            "client-first_name": "A",
            "client-last_name": "B",
            "client-date_of_birth": YEAR_ONE,
            "client-municipality": "Oulu",
            "client-language": "fi",
            "consent-consent_given": "on",
            "consent-method": "verbal",
            "reasons": ["mental_health"],
            "asked": ["consultation"],
            "urgency": "normal",
            "channel": "e_form",
            "description": "x",
        },
    )
    assert response.status_code == 200
    assert "before 1900" in response.context["client_form"].errors["date_of_birth"][0]
    assert not Client.objects.exists()


def test_assessment_page_refuses_year_one(client, kaisa):
    matti = ClientFactory()
    client.force_login(kaisa)
    url = reverse("clients:assessment_create", args=[matti.uuid])
    response = client.post(url, {"assessed_on": YEAR_ONE, "kind": "self", "score": 5})
    assert response.status_code == 400
    assert "before 2000" in response.context["form"].errors["assessed_on"][0]
