"""Lists cost the same number of queries whatever the number of rows (DESIGN.md §8)."""

import pytest
from django.urls import reverse

from networks.models import NetworkMember
from networks.tests.factories import (
    MeetingFactory,
    MemberFactory,
    NetworkFactory,
    network_consent,
)

pytestmark = pytest.mark.django_db


def _networks_for(user, count):
    for _ in range(count):
        network = NetworkFactory()
        MemberFactory(network=network, user=user, role=NetworkMember.Role.NURSE)
        MemberFactory(network=network, role=NetworkMember.Role.DOCTOR)
        MeetingFactory(network=network)
        network_consent(network.client, [user.organization], network.coordinator)


@pytest.mark.parametrize("rows", [1, 25])
def test_my_networks_queries_do_not_grow_with_rows(client, alice, rows, django_assert_num_queries):
    _networks_for(alice, rows)
    client.force_login(alice)
    # Expect 10 queries:
    #  1 the session, 2 the user (auth middleware),
    #  3 the networks with their clients and coordinators, member counts annotated,
    #  4 the upcoming meetings of all of them (one prefetch),
    #  5 the access log rows (one bulk INSERT),
    #  6 the unread notifications count for the navigation,
    #  7 the user's organisation shown in the navigation bar,
    #  8-10 the session renewed at the end: SAVEPOINT, UPDATE, RELEASE.
    with django_assert_num_queries(10):
        response = client.get(reverse("networks:my_networks"))
    assert len(response.context["networks"]) == rows


@pytest.mark.parametrize("rows", [1, 25])
def test_api_network_list_queries_do_not_grow_with_rows(
    client, alice, rows, django_assert_num_queries
):
    _networks_for(alice, rows)
    client.force_login(alice)
    # Expect 8 queries:
    #  1 the session, 2 the user,
    #  3 the count for pagination, 4 the page of networks with clients and coordinators,
    #  5 the access log rows (one bulk INSERT),
    #  6-8 the session renewed: SAVEPOINT, UPDATE, RELEASE.
    with django_assert_num_queries(8):
        response = client.get("/api/v1/networks/")
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 10])
def test_api_meeting_list_queries_do_not_grow_with_rows(
    client, kaisa, rows, django_assert_num_queries
):
    network = NetworkFactory()
    members = [MemberFactory(network=network) for _ in range(2)]
    for _ in range(rows):
        meeting = MeetingFactory(network=network)
        meeting.attendees.set(members)
    client.force_login(kaisa)
    # Expect 10 queries:
    #  1 the session, 2 the user, 3 the network (access), 4 the access log row,
    #  5 the meetings, 6 their attendees, 7 their decisions (prefetches),
    #  8-10 the session renewed: SAVEPOINT, UPDATE, RELEASE.
    with django_assert_num_queries(10):
        response = client.get(f"/api/v1/networks/{network.uuid}/meetings/")
    assert len(response.json()) == rows
