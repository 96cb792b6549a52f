"""Lists cost the same number of queries whatever the number of rows (DESIGN.md §8)."""

import pytest
from django.urls import reverse

from coaching.models import EmployerContactPerson
from coaching.tests.factories import EmployerContactFactory, EmployerFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def _caseload(coach, rows):
    for _ in range(rows):
        referral = ReferralFactory(coach=coach)
        EmployerContactFactory(referral=referral)
        ReferralFactory(coach=None, team=coach.organization, status="waiting", taken_on=None)


@pytest.mark.parametrize("rows", [1, 25])
def test_caseload_queries_do_not_grow_with_rows(client, tuula, rows, django_assert_num_queries):
    _caseload(tuula, rows)
    client.force_login(tuula)
    # Expect 10 queries:
    #  1 the session, 2 the user (auth middleware),
    #  3 the caseload with clients, coaches and the last employer contact (subquery),
    #  4 the team's waiting referrals with clients, teams and referrers,
    #  5 the access log rows (one bulk INSERT),
    #  6 the unread notifications count for the navigation,
    #  7 the user's organisation shown in the navigation bar,
    #  8-10 the session renewed at the end: SAVEPOINT, UPDATE, RELEASE.
    with django_assert_num_queries(10):
        response = client.get(reverse("coaching:caseload"))
    assert len(response.context["rows"]) == rows
    assert len(response.context["waiting"]) == rows


@pytest.mark.parametrize("rows", [1, 25])
def test_coordinator_caseload_queries_do_not_grow_with_rows(
    client, kaisa, tuula, ville, rows, django_assert_num_queries
):
    _caseload(tuula, rows)
    _caseload(ville, rows)
    client.force_login(kaisa)
    with django_assert_num_queries(10):
        response = client.get(reverse("coaching:caseload"))
    assert len(response.context["rows"]) == 2 * rows


@pytest.mark.parametrize("rows", [1, 25])
def test_employer_list_queries_do_not_grow_with_rows(
    client, tuula, rows, django_assert_num_queries
):
    for _ in range(rows):
        employer = EmployerFactory()
        EmployerContactFactory(employer=employer)
        EmployerContactPerson.objects.create(organization=employer, name="Pekka")
    client.force_login(tuula)
    # Expect 8 queries:
    #  1 the session, 2 the user,
    #  3 the employers with the latest contact and the counts annotated,
    #  4 the unread notifications count, 5 the user's organisation in the navigation,
    #  6-8 the session renewed: SAVEPOINT, UPDATE, RELEASE.
    with django_assert_num_queries(8):
        response = client.get(reverse("coaching:employer_list"))
    assert len(response.context["employers"]) == rows


@pytest.mark.parametrize("rows", [1, 25])
def test_employer_page_queries_do_not_grow_with_rows(
    client, tuula, employer, rows, django_assert_num_queries
):
    for _ in range(rows):
        EmployerContactFactory(employer=employer)
        EmployerContactFactory(employer=employer, referral=ReferralFactory(coach=tuula))
    client.force_login(tuula)
    # Expect 13 queries:
    #  1 the session, 2 the user, 3 the employer,
    #  4 the history with coaches, contact persons and clients,
    #  5 which of those referrals the user sees (the client's name shown only then),
    #  6 the access log rows for those (one bulk INSERT),
    #  7 the recent contacts (the week's warning), 8 the contact persons,
    #  9 the unread notifications count, 10 the user's organisation in the navigation,
    #  11-13 the session renewed: SAVEPOINT, UPDATE, RELEASE.
    with django_assert_num_queries(13):
        response = client.get(reverse("coaching:employer_detail", args=[employer.uuid]))
    assert len(response.context["history"]) == 2 * rows


@pytest.mark.parametrize("rows", [1, 25])
def test_api_referral_list_queries_do_not_grow_with_rows(
    client, tuula, rows, django_assert_num_queries
):
    _caseload(tuula, rows)
    client.force_login(tuula)
    # Expect 8 queries:
    #  1 the session, 2 the user, 3 the count for pagination, 4 the page with clients,
    #  teams, coaches, the last employer contact and whether the record is visible
    #  (subqueries), 5 the access log rows (one bulk INSERT),
    #  6-8 the session renewed: SAVEPOINT, UPDATE, RELEASE.
    with django_assert_num_queries(8):
        response = client.get("/api/v1/coaching/referrals/")
    assert response.json()["count"] == 2 * rows


@pytest.mark.parametrize("rows", [1, 25])
def test_api_employer_contact_list_queries_do_not_grow_with_rows(
    client, tuula, rows, django_assert_num_queries
):
    _caseload(tuula, rows)
    client.force_login(tuula)
    # Expect 8 queries: the session, the user, the count, the page with its relations,
    # the access log rows, and the session renewed (3).
    with django_assert_num_queries(8):
        response = client.get("/api/v1/coaching/employer-contacts/")
    assert response.json()["count"] == rows
