"""The coaching API: the same access rules as the pages (with access-log rows), 400 with
field errors for bad input, nothing half-saved."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from clients.models import AccessLog
from coaching import services
from coaching.models import EmployerContact, FidelityReview, FollowAlongNote, JobStart, Referral
from coaching.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

REFERRALS = "/api/v1/coaching/referrals/"
CONTACTS = "/api/v1/coaching/employer-contacts/"
JOBS = "/api/v1/coaching/job-starts/"
NOTES = "/api/v1/coaching/follow-along-notes/"
FIDELITY = "/api/v1/coaching/fidelity-reviews/"


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize(
    ("persona", "status", "record"),
    [
        ("tuula", 200, True),
        ("ville", 404, None),
        ("kaisa", 200, True),
        ("alice", 200, False),
        ("nina", 200, True),
        ("olli", 404, None),
        ("eero", 404, None),
        ("ylva", 404, None),
    ],
)
def test_referral_detail_access_matrix(api, request, referral, network, persona, status, record):
    user = request.getfixturevalue(persona)
    services.record_benefits_counselling(referral, by=referral.coach, done_on=timezone.localdate())
    before = AccessLog.objects.filter(user=user).count()
    response = _as(api, user).get(f"{REFERRALS}{referral.uuid}/")
    assert response.status_code == status
    listed = _as(api, user).get(REFERRALS).json()
    ids = [row["id"] for row in listed["results"]]
    if status == 200:
        body = response.json()
        assert body["record_visible"] is record
        assert (body["benefits_counselling_on"] is not None) is record
        assert AccessLog.objects.filter(user=user).count() - before == 2  # detail + list
        assert AccessLog.objects.filter(user=user, action="api", client=referral.client).exists()
        assert str(referral.uuid) in ids
    else:
        assert str(referral.uuid) not in ids
        assert AccessLog.objects.filter(user=user).count() == before


def test_refer_and_take_through_the_api(api, alice, kaisa, client_, team, tuula, ville):
    # alice does not see the client (no consultation): "Not found." on the field.
    response = _as(api, alice).post(
        REFERRALS, {"client": str(client_.uuid), "team": str(team.uuid), "source": "health_care"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "client" in response.json()
    response = _as(api, kaisa).post(
        REFERRALS, {"client": str(client_.uuid), "team": str(team.uuid), "source": "coordinator"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    referral_id = response.json()["id"]
    assert response.json()["status"] == "waiting"
    # Twice: 400 on the client.
    again = _as(api, kaisa).post(
        REFERRALS, {"client": str(client_.uuid), "team": str(team.uuid), "source": "coordinator"},
        format="json",
    )  # fmt: skip
    assert again.status_code == 400
    assert "client" in again.json()
    # A coordinator does not take; a coach of the team does, once.
    assert _as(api, kaisa).post(f"{REFERRALS}{referral_id}/take/").status_code == 403
    response = _as(api, tuula).post(f"{REFERRALS}{referral_id}/take/")
    assert response.status_code == 200
    assert response.json()["status"] == "active"
    # Taken: ville no longer sees it.
    assert _as(api, ville).post(f"{REFERRALS}{referral_id}/take/").status_code == 404


def test_refer_needs_one_origin_and_a_team(api, kaisa, client_):
    response = _as(api, kaisa).post(REFERRALS, {"team": str(client_.uuid), "source": "other"},
                                    format="json")  # fmt: skip
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    response = _as(api, kaisa).post(
        REFERRALS, {"client": str(client_.uuid), "team": str(client_.uuid), "source": "other"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "team" in response.json()
    assert not Referral.objects.exists()


def test_a_professional_without_a_role_in_coaching_cannot_refer(api, eero, client_, team):
    response = _as(api, eero).post(
        REFERRALS, {"client": str(client_.uuid), "team": str(team.uuid), "source": "other"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 403


def test_end_a_referral_through_the_api(api, referral, tuula, nina, network):
    url = f"{REFERRALS}{referral.uuid}/transition/"
    assert _as(api, nina).post(url, {"status": "ended", "end_reason": "studies"},
                               format="json").status_code == 403  # fmt: skip
    response = _as(api, tuula).post(url, {"status": "ended"}, format="json")
    assert response.status_code == 400
    assert "end_reason" in response.json()
    response = _as(api, tuula).post(url, {"status": "ended", "end_reason": "studies"},
                                    format="json")  # fmt: skip
    assert response.status_code == 200
    assert response.json()["status"] == "ended"


def _contact(referral, employer, **extra):
    return {"referral": str(referral.uuid), "employer": str(employer.uuid), "kind": "visit",
            "outcome": "introduced_client", **extra}  # fmt: skip


def test_employer_contact_for_a_client_not_in_the_caseload_is_400(
    api, referral, ville, employer, nina, network
):
    for user in (ville,):
        response = _as(api, user).post(CONTACTS, _contact(referral, employer), format="json")
        assert response.status_code == 400
        assert "not in your caseload" in response.json()["referral"][0]
    # A network member sees the record but does not write: 403.
    response = _as(api, nina).post(CONTACTS, _contact(referral, employer), format="json")
    assert response.status_code == 403
    assert not EmployerContact.objects.exists()


def test_employer_contacts_through_the_api(api, referral, tuula, employer, nina, network, olli):
    response = _as(api, tuula).post(
        CONTACTS, _contact(referral, employer, hidden_job=True), format="json"
    )
    assert response.status_code == 201, response.json()
    contact_id = response.json()["id"]
    assert response.json()["hidden_job"] is True
    bad = _as(api, tuula).post(CONTACTS, _contact(referral, referral.team), format="json")
    assert bad.status_code == 400
    assert "employer" in bad.json()
    # nina reads (logged), olli does not see it.
    before = AccessLog.objects.filter(user=nina).count()
    listed = _as(api, nina).get(CONTACTS, {"referral": str(referral.uuid)})
    assert [row["id"] for row in listed.json()["results"]] == [contact_id]
    assert _as(api, nina).get(f"{CONTACTS}{contact_id}/").status_code == 200
    assert AccessLog.objects.filter(user=nina).count() - before == 2
    assert _as(api, olli).get(f"{CONTACTS}{contact_id}/").status_code == 404
    assert _as(api, olli).get(CONTACTS).json()["count"] == 0
    assert _as(api, tuula).get(CONTACTS, {"referral": "nonsense"}).status_code == 400


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours_per_week": "0"}, "hours_per_week"),
        ({"hours_per_week": "-4"}, "hours_per_week"),
        ({"started_on": "2000-01-01"}, "started_on"),
    ],
)
def test_job_start_bad_input_is_400(api, referral, tuula, employer, change, field):
    data = {
        "referral": str(referral.uuid),
        "employer": str(employer.uuid),
        "started_on": timezone.localdate().isoformat(),
        "hours_per_week": "20",
        **change,
    }
    response = _as(api, tuula).post(JOBS, data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not JobStart.objects.exists()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACTIVE


def test_job_start_end_and_follow_along_through_the_api(api, referral, tuula, employer):
    data = {"referral": str(referral.uuid), "employer": str(employer.uuid),
            "started_on": timezone.localdate().isoformat(), "hours_per_week": "32.5",
            "open_labour_market": True, "modifications": "Aloitus kevennetysti"}  # fmt: skip
    response = _as(api, tuula).post(JOBS, data, format="json")
    assert response.status_code == 201, response.json()
    job_id = response.json()["id"]
    assert _as(api, tuula).get(f"{REFERRALS}{referral.uuid}/").json()["status"] == "follow_along"
    note = _as(api, tuula).post(
        NOTES, {"referral": str(referral.uuid), "job_start": job_id, "text": "Hyvin menee"},
        format="json",
    )  # fmt: skip
    assert note.status_code == 201, note.json()
    assert FollowAlongNote.objects.count() == 1
    bad_end = _as(api, tuula).post(
        f"{JOBS}{job_id}/end/",
        {"ended_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
         "end_reason": "other"},
        format="json",
    )  # fmt: skip
    assert bad_end.status_code == 400
    assert "ended_on" in bad_end.json()
    ended = _as(api, tuula).post(
        f"{JOBS}{job_id}/end/",
        {"ended_on": timezone.localdate().isoformat(), "end_reason": "fixed_term_ended"},
        format="json",
    )  # fmt: skip
    assert ended.status_code == 200
    assert _as(api, tuula).get(f"{REFERRALS}{referral.uuid}/").json()["status"] == "active"


def _scores(value=3, skip=None):
    return [{"item": n, "score": value} for n in range(1, 26) if n != skip]


@pytest.mark.parametrize(
    "scores",
    [
        _scores(skip=12),  # a missing item
        [*_scores(skip=12), {"item": 12, "score": 0}],  # below 1
        [*_scores(skip=12), {"item": 12, "score": 6}],  # above 5
        [*_scores(), {"item": 3, "score": 3}],  # twice
        [*_scores(), {"item": 26, "score": 3}],  # no such item
    ],
)
def test_fidelity_review_bad_items_are_400(api, tuula, team, scores):
    response = _as(api, tuula).post(
        FIDELITY,
        {"team": str(team.uuid), "reviewed_on": timezone.localdate().isoformat(),
         "scores": scores},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "scores" in response.json()
    assert not FidelityReview.objects.exists()


def test_fidelity_review_through_the_api(api, tuula, team, alice, eero):
    response = _as(api, tuula).post(
        FIDELITY,
        {"team": str(team.uuid), "reviewed_on": timezone.localdate().isoformat(),
         "scores": _scores(5)},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["total"] == 125
    assert body["band"] == "exemplary"
    assert len(body["scores"]) == 25
    assert _as(api, eero).get(FIDELITY).json()["count"] == 1
    assert _as(api, alice).get(FIDELITY).json()["count"] == 0
    assert _as(api, alice).post(FIDELITY, {}, format="json").status_code == 403


def test_the_schema_lists_the_coaching_endpoints(api, kaisa):
    schema = _as(api, kaisa).get("/api/schema/").content.decode()
    for path in (REFERRALS, CONTACTS, JOBS, NOTES, FIDELITY):
        assert path in schema


def test_a_waiting_referral_is_listed_for_the_team(api, waiting, ville):
    other_team = ReferralFactory(status="waiting", coach=None, taken_on=None)
    ids = [row["id"] for row in _as(api, ville).get(REFERRALS).json()["results"]]
    assert str(waiting.uuid) in ids
    assert str(other_team.uuid) not in ids


def test_an_open_referral_and_an_ongoing_job_answer_within_the_schema(
    api, referral, tuula, employer
):
    """Regression (schemathesis): the end reason of an open referral and of an ongoing job
    is "", which the schema's enum did not allow."""
    import jsonschema
    from drf_spectacular.generators import SchemaGenerator

    services.record_job_start(
        referral,
        by=tuula,
        employer=employer,
        started_on=timezone.localdate(),
        hours_per_week="10",
    )
    components = SchemaGenerator().get_schema(request=None, public=True)["components"]
    for url, name in ((REFERRALS, "Referral"), (JOBS, "JobStart")):
        row = _as(api, tuula).get(url).json()["results"][0]
        assert row["end_reason"] == ""
        # (OpenAPI's "nullable" is not JSON Schema: the property alone is validated.)
        field = components["schemas"][name]["properties"]["end_reason"]
        jsonschema.validate(row["end_reason"], {**field, "components": components})
