import pytest
from django.urls import reverse

from coordination.models import Organization
from coordination.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_organizations_need_login(client):
    # 401, and the answer names the scheme a program would use (people use the session).
    response = client.get(reverse("organization-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_organizations_list_hides_inactive_from_professionals(client, alice):
    OrganizationFactory(name="Lakkautettu", active=False)
    client.force_login(alice)
    names = [row["name"] for row in client.get(reverse("organization-list")).json()["results"]]
    assert "Lakkautettu" not in names
    assert alice.organization.name in names


def test_organization_is_addressed_by_uuid(client, alice):
    client.force_login(alice)
    url = reverse("organization-detail", args=[alice.organization.uuid])
    assert client.get(url).json()["id"] == str(alice.organization.uuid)
    assert client.get(f"/api/v1/organizations/{alice.organization.pk}/").status_code == 404


@pytest.mark.parametrize("count", [3, 40])
def test_organizations_list_query_count_is_constant(
    client, alice, count, django_assert_num_queries
):
    OrganizationFactory.create_batch(count)
    client.force_login(alice)
    # Expect 7 queries: the session and the user; the count for pagination and the page
    # of rows; then the session is saved again (a savepoint, the update, its release)
    # because every request renews the 30-minute idle timeout.
    with django_assert_num_queries(7):
        response = client.get(reverse("organization-list"), {"limit": 100})
    assert response.json()["count"] == Organization.objects.filter(active=True).count()


def test_schema_is_served(client, alice):
    client.force_login(alice)
    response = client.get(reverse("schema"))
    assert response.status_code == 200
    assert b"/api/v1/organizations/" in response.content
