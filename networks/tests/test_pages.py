"""The network pages: who sees what (404 for everybody else), forms that show the
service's errors next to the field, and the access log."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import AccessLog
from coordination.models import ConsultationRequest
from networks import services
from networks.models import ClientNetwork, NetworkMeeting, NetworkMember
from networks.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db
Role = NetworkMember.Role


@pytest.fixture
def meeting(network):
    return MeetingFactory(network=network)


def _urls(network, meeting):
    return [
        reverse("networks:network_detail", args=[network.uuid]),
        reverse("networks:meeting_detail", args=[meeting.uuid]),
        reverse("clients:client_detail", args=[network.client.uuid]),
        f"/api/v1/networks/{network.uuid}/",
        f"/api/v1/networks/{network.uuid}/members/",
        f"/api/v1/networks/{network.uuid}/meetings/",
    ]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("kaisa", 200),  # coordinator: every network of the hub
        ("alice", 200),  # the responsible worker, an active member
        ("olli", 404),  # the outsider
        ("eero", 404),  # manager: aggregates only
        ("ylva", 404),  # administrator: no client content
    ],
    indirect=["persona"],
)
def test_access_matrix(client, persona, expected, network, meeting):
    client.force_login(persona)
    for url in _urls(network, meeting):
        assert client.get(url).status_code == expected, url


def test_a_member_who_left_gets_404_at_once(client, network, meeting, kaisa, alice):
    client.force_login(alice)
    urls = _urls(network, meeting)
    assert all(client.get(url).status_code == 200 for url in urls)
    services.remove_network_member(
        network.members.get(user=alice), by=kaisa, reason="Ei enää tarpeen."
    )
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/networks/").json()["count"] == 0


def test_a_new_member_sees_the_network_and_its_client(client, network, kaisa, teemu):
    client.force_login(teemu)
    url = reverse("networks:network_detail", args=[network.uuid])
    assert client.get(url).status_code == 404
    services.add_network_member(network, by=kaisa, user=teemu, role=Role.TE_EXPERT)
    assert client.get(url).status_code == 200
    assert (
        client.get(reverse("clients:client_detail", args=[network.client.uuid])).status_code == 200
    )


def test_anonymous_users_are_sent_to_login(client, network):
    response = client.get(reverse("networks:network_detail", args=[network.uuid]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_member_cannot_add_members(client, network, alice, teemu):
    client.force_login(alice)
    response = client.post(
        reverse("networks:member_add_professional", args=[network.uuid]),
        {"pro-user": teemu.pk, "pro-role": Role.TE_EXPERT},
    )
    assert response.status_code == 404
    assert not network.members.filter(user=teemu).exists()


def test_reading_the_network_page_writes_the_access_log(client, network, alice):
    client.force_login(alice)
    before = AccessLog.objects.count()
    client.get(reverse("networks:network_detail", args=[network.uuid]))
    entry = AccessLog.objects.order_by("-pk").first()
    assert AccessLog.objects.count() == before + 1
    assert (entry.user, entry.client, entry.action, entry.basis) == (
        alice,
        network.client,
        AccessLog.Action.VIEW,
        AccessLog.Basis.NETWORK,
    )


def test_a_member_reading_the_client_page_is_logged_on_the_network_basis(
    client, network, alice, kaisa
):
    """The client page is not a network page, yet a member sees it through the network."""
    client.force_login(alice)
    client.get(reverse("clients:client_detail", args=[network.client.uuid]))
    client.force_login(kaisa)
    client.get(reverse("clients:client_detail", args=[network.client.uuid]))
    rows = AccessLog.objects.filter(client=network.client, path__startswith="/clients/")
    assert [(row.user, row.basis) for row in rows.order_by("pk")] == [
        (alice, AccessLog.Basis.NETWORK),
        (kaisa, AccessLog.Basis.HUB_ROLE),
    ]


# --- Forming ---------------------------------------------------------------------------


def test_the_consultation_page_offers_to_form_the_network(client, kaisa, consultation):
    client.force_login(kaisa)
    response = client.get(reverse("consultation_detail", args=[consultation.uuid]))
    create = reverse("networks:network_create") + f"?consultation={consultation.uuid}"
    assert create in response.content.decode()


def test_forming_from_the_consultation_page(client, kaisa, consultation, health_centre):
    client.force_login(kaisa)
    url = reverse("networks:network_create")
    assert client.get(url, {"consultation": consultation.uuid}).status_code == 200
    response = client.post(
        url,
        {
            "consultation": consultation.uuid,
            "organizations": [health_centre.pk],
            "method": "written",
        },
    )
    network = ClientNetwork.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("networks:network_detail", args=[network.uuid])
    consultation.refresh_from_db()
    assert consultation.status == ConsultationRequest.Status.NETWORK_FORMED


def test_forming_a_second_open_network_shows_a_message(client, kaisa, network):
    client.force_login(kaisa)
    response = client.post(reverse("networks:network_create"), {"client": network.client.uuid})
    assert response.status_code == 400
    assert ClientNetwork.objects.count() == 1


def test_a_professional_cannot_open_the_forming_page(client, alice, consultation):
    client.force_login(alice)
    url = reverse("networks:network_create")
    assert client.get(url, {"consultation": consultation.uuid}).status_code == 404


# --- Members ---------------------------------------------------------------------------


def test_a_member_outside_the_consent_is_refused_and_the_consent_offered(
    client, kaisa, network, olli
):
    client.force_login(kaisa)
    add = reverse("networks:member_add_professional", args=[network.uuid])
    response = client.post(add, {"pro-user": olli.pk, "pro-role": Role.KELA})
    assert response.status_code == 400
    assert response.context["professional_form"].errors["user"]
    assert response.context["consent_missing"] == olli.organization
    # The consent form is offered, the organisation already chosen.
    assert olli.organization in response.context["consent_form"].initial["organizations"]
    response = client.post(
        reverse("networks:consent_extend", args=[network.uuid]),
        {"consent-organizations": [olli.organization.pk], "consent-method": "verbal"},
    )
    assert response.status_code == 302
    assert client.post(add, {"pro-user": olli.pk, "pro-role": Role.KELA}).status_code == 302
    assert network.members.filter(user=olli, left_at__isnull=True).exists()


def test_a_second_responsible_worker_is_shown_next_to_the_role(client, kaisa, network, teemu):
    client.force_login(kaisa)
    response = client.post(
        reverse("networks:member_add_professional", args=[network.uuid]),
        {"pro-user": teemu.pk, "pro-role": Role.RESPONSIBLE_WORKER},
    )
    assert response.status_code == 400
    assert response.context["professional_form"].errors["role"]


def test_an_outside_person_without_a_name_is_shown_next_to_the_name(client, kaisa, network):
    client.force_login(kaisa)
    response = client.post(
        reverse("networks:member_add_outside", args=[network.uuid]),
        {"out-name": "", "out-role": Role.CLOSE_PERSON},
    )
    assert response.status_code == 400
    assert response.context["outside_form"].errors["name"]
    assert not network.members.filter(user__isnull=True).exists()


def test_removing_a_member(client, kaisa, network, alice):
    client.force_login(kaisa)
    member = network.members.get(user=alice)
    url = reverse("networks:member_remove", args=[network.uuid, member.uuid])
    # The link opens the confirmation; a confirmation without a reason changes nothing.
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400 and refused.context["form"].errors["reason"]
    member.refresh_from_db()
    assert member.left_at is None
    response = client.post(url, {"reason": "Siirtyi toisiin tehtäviin."})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_at is not None and member.removal_reason == "Siirtyi toisiin tehtäviin."
    page = client.get(reverse("networks:network_detail", args=[network.uuid]))
    left = next(e for e in page.context["timeline"] if e.kind == "member_left")
    assert left.detail == "Siirtyi toisiin tehtäviin."


def test_cancelling_a_meeting_asks_for_the_reason(client, kaisa, network):
    meeting = services.schedule_meeting(
        network,
        by=kaisa,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        duration_minutes=60,
        location="Neuvotteluhuone",
    )
    client.force_login(kaisa)
    url = reverse("networks:meeting_cancel", args=[meeting.uuid])
    assert client.post(url, {"reason": ""}).status_code == 400
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    assert client.post(url, {"reason": "Asiakas sairastui."}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and meeting.cancellation_reason == "Asiakas sairastui."
    page = client.get(reverse("networks:network_detail", args=[network.uuid]))
    cancelled = next(e for e in page.context["timeline"] if e.kind == "meeting_cancelled")
    assert cancelled.detail == "Asiakas sairastui."


def test_closing_the_network(client, kaisa, network):
    client.force_login(kaisa)
    url = reverse("networks:network_close", args=[network.uuid])
    assert client.post(url, {"close-reason": ""}).status_code == 400
    assert client.post(url, {"close-reason": "studies"}).status_code == 302
    network.refresh_from_db()
    assert network.closure_reason == "studies"


# --- Meetings --------------------------------------------------------------------------


def _meeting_data(when, **extra):
    local = timezone.localtime(when)
    return {
        "date": local.strftime("%Y-%m-%d"),
        "time": local.strftime("%H:%M"),
        "duration_minutes": 60,
        "location": "Tuira",
        "agenda": "1. Tilanne",
        **extra,
    }


def test_scheduling_a_meeting(client, kaisa, network):
    client.force_login(kaisa)
    when = (timezone.now() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    response = client.post(
        reverse("networks:meeting_create", args=[network.uuid]), _meeting_data(when)
    )
    meeting = NetworkMeeting.objects.get()
    assert response.status_code == 302
    assert meeting.starts_at == when


def test_a_meeting_in_the_past_is_shown_next_to_the_date(client, kaisa, network):
    client.force_login(kaisa)
    response = client.post(
        reverse("networks:meeting_create", args=[network.uuid]),
        _meeting_data(timezone.now() - datetime.timedelta(days=1)),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["date"]
    assert not NetworkMeeting.objects.exists()


def test_an_overlapping_meeting_is_shown_next_to_the_date(client, kaisa, network, meeting):
    client.force_login(kaisa)
    response = client.post(
        reverse("networks:meeting_create", args=[network.uuid]),
        _meeting_data(meeting.starts_at + datetime.timedelta(minutes=15)),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["date"]
    assert NetworkMeeting.objects.count() == 1


def test_recording_minutes(client, kaisa, network, alice):
    meeting = MeetingFactory(
        network=network, starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    member = network.members.get(user=alice)
    client.force_login(alice)  # the responsible worker
    page = client.get(reverse("networks:meeting_detail", args=[meeting.uuid]))
    assert page.context["can_record"]
    response = client.post(
        reverse("networks:meeting_minutes", args=[meeting.uuid]),
        {
            "attendees": [member.pk],
            "lock_version": meeting.lock_version,
            "client_present": "yes",
            "minutes": "<script>alert(1)</script> Sovittiin työkokeilusta.",
            "decisions-TOTAL_FORMS": "3",
            "decisions-INITIAL_FORMS": "0",
            "decisions-0-text": "Työkokeilu alkaa",
            "decisions-0-responsible": member.pk,
            "decisions-1-text": "",
            "decisions-2-text": "",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert meeting.decisions.get().responsible == member
    page = client.get(reverse("networks:meeting_detail", args=[meeting.uuid]))
    assert "<script>alert(1)</script>" not in page.content.decode()
    assert "&lt;script&gt;" in page.content.decode()


def test_other_members_see_the_meeting_but_cannot_record_it(client, kaisa, network, teemu):
    services.add_network_member(network, by=kaisa, user=teemu, role=Role.TE_EXPERT)
    meeting = MeetingFactory(
        network=network, starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(teemu)
    assert client.get(reverse("networks:meeting_detail", args=[meeting.uuid])).status_code == 200
    response = client.post(
        reverse("networks:meeting_minutes", args=[meeting.uuid]), {"minutes": "x"}
    )
    assert response.status_code == 404


def test_my_networks_lists_the_next_meeting(client, alice, network, meeting):
    later = MeetingFactory(
        network=network, starts_at=meeting.starts_at + datetime.timedelta(days=7)
    )
    client.force_login(alice)
    response = client.get(reverse("networks:my_networks"))
    assert response.status_code == 200
    (shown,) = response.context["networks"]
    assert shown.next_meeting == meeting != later
    assert reverse("networks:my_networks") in response.content.decode()  # in the navigation


# --- The client's page and the consultation ---------------------------------------------


def test_the_client_page_shows_the_network_to_its_members(client, network, alice, kaisa):
    client.force_login(alice)
    response = client.get(reverse("clients:client_detail", args=[network.client.uuid]))
    network_url = reverse("networks:network_detail", args=[network.uuid])
    assert network_url in response.content.decode()
    assert any(event.url == network_url for event in response.context["timeline"])
    # Only a coordinator is offered to form a network from the client's page.
    assert reverse("networks:network_create") not in response.content.decode()
    client.force_login(kaisa)
    response = client.get(reverse("clients:client_detail", args=[network.client.uuid]))
    assert reverse("networks:network_create") in response.content.decode()


def test_the_formed_consultation_links_to_its_network(client, kaisa, consultation):
    network = services.form_network(by=kaisa, consultation=consultation)
    client.force_login(kaisa)
    response = client.get(reverse("consultation_detail", args=[consultation.uuid]))
    assert reverse("networks:network_detail", args=[network.uuid]) in response.content.decode()


def test_mark_network_formed_refuses_a_request_that_did_not_need_one(kaisa, consultation):
    from coordination.services import InvalidTransition, mark_network_formed

    ConsultationRequest.objects.filter(pk=consultation.pk).update(status="answered")
    consultation.refresh_from_db()
    with pytest.raises(InvalidTransition):
        mark_network_formed(consultation, by=kaisa)


def test_a_withdrawn_network_consent_closes_the_network_to_its_members(
    client, network, meeting, alice, kaisa
):
    client.force_login(alice)
    urls = _urls(network, meeting)
    assert all(client.get(url).status_code == 200 for url in urls)
    for consent in network.client.consents.filter(scope="network"):
        consent.withdrawn_at = timezone.now()
        consent.save()
    for url in urls:
        assert client.get(url).status_code == 404, url
    # The hub's coordinators keep their access (their role, not the consent).
    client.force_login(kaisa)
    assert all(client.get(url).status_code == 200 for url in urls)


def test_a_coordinator_can_list_all_open_networks(client, network, alice):
    from coordination.models import User
    from coordination.tests.factories import UserFactory

    colleague = UserFactory(username="kalle", role=User.Role.COORDINATOR)
    client.force_login(colleague)
    url = reverse("networks:my_networks")
    assert client.get(url).context["networks"] == []
    assert [n.pk for n in client.get(url, {"all": "1"}).context["networks"]] == [network.pk]
    # A professional asking for all gets their own only.
    client.force_login(alice)
    assert len(client.get(url, {"all": "1"}).context["networks"]) == 1
