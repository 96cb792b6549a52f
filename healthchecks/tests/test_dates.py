"""The bounds of typed dates hold for health checks too: the API gives the services'
message next to the field."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from healthchecks.models import HealthCheck

pytestmark = pytest.mark.django_db

YEAR_ONE = "0001-01-01"


@pytest.fixture(autouse=True)
def _in_english(client, settings):
    """The messages are compared in English (the catalogues translate them)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_api_refuses_a_health_check_offered_in_year_one(client, kaisa):
    matti = ClientFactory()
    client.force_login(kaisa)
    url = reverse("client-health-checks", args=[matti.uuid])
    response = post(client, url, {"offered_on": YEAR_ONE})
    assert response.status_code == 400
    assert "before 2000" in response.json()["offered_on"][0]
    assert not HealthCheck.objects.exists()
