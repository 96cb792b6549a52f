"""The API's lists: one page holds at most MAX_LIMIT rows whatever `?limit=` asks, and a
limit or offset that is not a sensible number gives the first page, never an error."""

import pytest
from django.urls import reverse

from common.pagination import MAX_LIMIT
from coordination.models import Organization

pytestmark = pytest.mark.django_db

LIST = reverse("organization-list")


@pytest.fixture
def many_organizations(db):
    Organization.objects.bulk_create(
        Organization(name=f"Järjestö {n}", kind=Organization.Kind.NGO)
        for n in range(MAX_LIMIT + 10)
    )


def test_a_huge_limit_gives_at_most_one_full_page(client, alice, many_organizations):
    client.force_login(alice)
    response = client.get(LIST, {"limit": 10**9})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] > MAX_LIMIT
    assert len(body["results"]) == MAX_LIMIT
    assert body["next"]


@pytest.mark.parametrize(
    "query",
    [
        {"limit": -1},
        {"limit": 0},
        {"limit": "abc"},
        {"limit": "1e9"},
        {"limit": str(10**30)},
        {"offset": -5},
        {"offset": "abc"},
        {"offset": 10**20},
        {"offset": 10**20, "limit": 10**20},
    ],
)
def test_odd_limits_and_offsets_are_not_server_errors(client, alice, many_organizations, query):
    client.force_login(alice)
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert len(response.json()["results"]) <= MAX_LIMIT


def test_an_offset_past_the_end_is_an_empty_page(client, alice, many_organizations):
    client.force_login(alice)
    body = client.get(LIST, {"offset": 10**20}).json()
    assert body["results"] == [] and body["next"] is None
