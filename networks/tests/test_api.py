"""The networks API: the same access rules and services as the pages; 400 with field
errors, 403 for a member who may not change, 404 for everybody else."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from clients.models import AccessLog
from coordination.models import ConsultationRequest
from networks.models import ClientNetwork, NetworkMeeting, NetworkMember
from networks.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db
Role = NetworkMember.Role


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize(
    ("method", "persona", "expected"),
    [
        ("get", "kaisa", 200),
        ("get", "alice", 200),
        ("get", "olli", 404),
        ("get", "eero", 404),
        ("get", "ylva", 404),
        ("patch", "alice", 403),  # sees it, may not close it
        ("patch", "olli", 404),
        ("patch", "kaisa", 200),
    ],
    indirect=["persona"],
)
def test_network_detail_permissions(api, network, method, persona, expected):
    url = f"/api/v1/networks/{network.uuid}/"
    _as(api, persona)
    if method == "get":
        response = api.get(url)
    else:
        response = api.patch(url, {"status": "closed", "closure_reason": "employed"}, format="json")
    assert response.status_code == expected


def test_lists_show_only_visible_networks(api, network, olli, alice, kaisa):
    assert _as(api, olli).get("/api/v1/networks/").json()["count"] == 0
    assert _as(api, alice).get("/api/v1/networks/").json()["count"] == 1
    assert _as(api, kaisa).get("/api/v1/networks/").json()["count"] == 1


def test_reads_write_the_access_log(api, network, alice):
    before = AccessLog.objects.count()
    _as(api, alice).get(f"/api/v1/networks/{network.uuid}/")
    _as(api, alice).get(f"/api/v1/networks/{network.uuid}/members/")
    _as(api, alice).get(f"/api/v1/networks/{network.uuid}/meetings/")
    rows = AccessLog.objects.order_by("pk")[before:]
    assert [(r.action, r.basis, r.client_id) for r in rows] == [
        (AccessLog.Action.API, AccessLog.Basis.NETWORK, network.client_id)
    ] * 3


def test_forming_from_a_consultation(api, kaisa, consultation, health_centre):
    response = _as(api, kaisa).post(
        "/api/v1/networks/",
        {
            "consultation": str(consultation.uuid),
            "consent": {"method": "written", "organizations": [str(health_centre.uuid)]},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["origin_consultation"] == str(consultation.uuid)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationRequest.Status.NETWORK_FORMED


def test_forming_a_second_open_network_is_a_400(api, kaisa, network):
    response = _as(api, kaisa).post(
        "/api/v1/networks/", {"client": str(network.client.uuid)}, format="json"
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert ClientNetwork.objects.count() == 1


def test_a_professional_cannot_form_networks(api, alice, consultation):
    response = _as(api, alice).post(
        "/api/v1/networks/", {"consultation": str(consultation.uuid)}, format="json"
    )
    assert response.status_code == 403


def test_closing_without_a_reason_is_a_field_error(api, kaisa, network):
    response = _as(api, kaisa).patch(
        f"/api/v1/networks/{network.uuid}/", {"status": "closed"}, format="json"
    )
    assert response.status_code == 400
    assert "closure_reason" in response.json()


def test_members_add_and_errors(api, kaisa, network, teemu, olli, alice):
    url = f"/api/v1/networks/{network.uuid}/members/"
    _as(api, kaisa)
    response = api.post(url, {"user": str(teemu.uuid), "role": Role.TE_EXPERT}, format="json")
    assert response.status_code == 201, response.json()
    # A second responsible worker, a member twice, outside the consent, no name:
    cases = [
        ({"user": str(olli.uuid), "role": Role.KELA}, "user"),
        ({"user": str(alice.uuid), "role": Role.NURSE}, "user"),
        ({"user": str(teemu.uuid), "role": Role.RESPONSIBLE_WORKER}, "role"),
        ({"name": "", "role": Role.CLOSE_PERSON}, "name"),
    ]
    for data, field in cases:
        response = api.post(url, data, format="json")
        assert response.status_code == 400, data
        assert field in response.json(), (data, response.json())
    assert network.members.count() == 2


def test_a_member_leaves_through_the_api(api, kaisa, network, alice):
    member = network.members.get(user=alice)
    url = f"/api/v1/networks/{network.uuid}/members/{member.uuid}/"
    refused = _as(api, kaisa).patch(url, {"active": False}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    response = _as(api, kaisa).patch(
        url, {"active": False, "reason": "Siirtyi toisiin tehtäviin."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["active"] is False
    api.force_authenticate(alice)
    assert api.get(f"/api/v1/networks/{network.uuid}/").status_code == 404


def test_meetings_schedule_change_cancel(api, kaisa, network):
    url = f"/api/v1/networks/{network.uuid}/meetings/"
    starts_at = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
    _as(api, kaisa)
    response = api.post(
        url, {"starts_at": starts_at.isoformat(), "location": "Tuira"}, format="json"
    )
    assert response.status_code == 201, response.json()
    meeting = response.json()
    assert meeting["sequence"] == 0
    detail = f"{url}{meeting['id']}/"
    response = api.patch(
        detail,
        {
            "starts_at": (starts_at + datetime.timedelta(hours=1)).isoformat(),
            "lock_version": meeting["lock_version"],
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["sequence"] == 1
    assert response.json()["ical_uid"] == meeting["ical_uid"]
    refused = api.patch(detail, {"status": "cancelled"}, format="json")
    assert refused.status_code == 400 and "cancellation_reason" in refused.json()
    response = api.patch(
        detail, {"status": "cancelled", "cancellation_reason": "Asiakas sairastui."}, format="json"
    )
    assert response.json()["status"] == "cancelled"


def test_meeting_errors_are_field_errors(api, kaisa, network):
    url = f"/api/v1/networks/{network.uuid}/meetings/"
    past = timezone.now() - datetime.timedelta(days=1)
    response = _as(api, kaisa).post(
        url, {"starts_at": past.isoformat(), "duration_minutes": 5}, format="json"
    )
    assert response.status_code == 400
    assert {"starts_at", "duration_minutes", "location"} <= set(response.json())
    assert not NetworkMeeting.objects.exists()


def test_recording_minutes_through_the_api(api, alice, network):
    meeting = MeetingFactory(
        network=network, starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    member = network.members.get(user=alice)
    response = _as(api, alice).patch(
        f"/api/v1/networks/{network.uuid}/meetings/{meeting.uuid}/",
        {
            "attendees": [str(member.uuid)],
            "client_present": True,
            "minutes": "Sovittiin työkokeilusta.",
            "decisions": [{"text": "Työkokeilu", "responsible": str(member.uuid)}],
            "lock_version": meeting.lock_version,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "held"
    assert body["attendees"] == [str(member.uuid)]
    assert body["decisions"][0]["text"] == "Työkokeilu"


def test_other_networks_meetings_are_404(api, kaisa, network):
    other = MeetingFactory()
    response = _as(api, kaisa).patch(
        f"/api/v1/networks/{network.uuid}/meetings/{other.uuid}/",
        {"agenda": "x"},
        format="json",
    )
    assert response.status_code == 404


def test_the_schema_lists_the_network_endpoints(api, kaisa):
    schema = _as(api, kaisa).get("/api/schema/").content.decode()
    for path in ("/api/v1/networks/", "/members/", "/meetings/{meeting_id}/"):
        assert path in schema
