"""The consultations API: same access rules and services as the pages."""

import pytest
from django.urls import reverse

from clients.models import AccessLog, Client, Consent
from coordination import services
from coordination.models import ConsultationRequest, Feedback
from coordination.tests.factories import AnonymousConsultationFactory, ConsultationFactory

pytestmark = pytest.mark.django_db
S = ConsultationRequest.Status

IDENTIFIED = {
    "anonymous": False,
    "client": {
        "first_name": "Matti",
        "last_name": "Meikäläinen",
        "personal_identity_code": "131052-308T",
        "municipality": "564",
    },
    "consent": {"method": "written"},
    "reasons": ["mental_health"],
    "asked": ["consultation", "health_check"],
    "urgency": "normal",
    "description": "Työkyvyn arvio tarvitaan.",
}


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_professional_creates_an_identified_request(client, alice):
    client.force_login(alice)
    response = post(client, reverse("consultation-list"), IDENTIFIED)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["reference"].startswith("K-")
    assert body["client"]["personal_identity_code"] == "131052-***T"
    assert body["requesting_organization"]["id"] == str(alice.organization.uuid)
    consultation = ConsultationRequest.objects.get()
    assert consultation.consent.method == "written"


def test_anonymous_request_through_the_api(client, alice):
    client.force_login(alice)
    data = {
        "anonymous": True,
        "age_band": "16_24",
        "municipality": "564",
        "reasons": ["education"],
        "asked": ["job_coaching"],
        "description": "Nuori.",
    }
    response = post(client, reverse("consultation-list"), data)
    assert response.status_code == 201, response.json()
    assert response.json()["client"] is None
    assert not Client.objects.exists() and not Consent.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": None}, "consent"),
        ({"client": {**IDENTIFIED["client"], "personal_identity_code": "131052-308U"}}, "client"),
        (
            {
                "client": {
                    **IDENTIFIED["client"],
                    "personal_identity_code": "",
                    "date_of_birth": "2999-01-01",
                }
            },
            "date_of_birth",
        ),
        ({"description": "x" * 10_001}, "description"),
        ({"reasons": ["bored"]}, "reasons"),
        ({"anonymous": True}, "client"),
    ],
)
def test_bad_request_input_is_a_400_with_field_errors(client, alice, change, field):
    client.force_login(alice)
    data = {**IDENTIFIED, **change}
    data = {key: value for key, value in data.items() if value is not None}
    response = post(client, reverse("consultation-list"), data)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert "131052-308" not in response.content.decode()
    assert not ConsultationRequest.objects.exists() and not Client.objects.exists()


@pytest.mark.parametrize("persona", ["eero", "ylva"], indirect=True)
def test_managers_cannot_create_requests(client, persona):
    client.force_login(persona)
    assert post(client, reverse("consultation-list"), IDENTIFIED).status_code == 403


@pytest.mark.parametrize(
    ("persona", "listed", "detail"),
    [("alice", 2, 200), ("kaisa", 2, 200), ("olli", 0, 404), ("eero", 0, 404), ("ylva", 0, 404)],
    indirect=["persona"],
)
def test_consultations_api_access_matrix(client, alice, persona, listed, detail):
    consultation = ConsultationFactory(requester=alice)
    AnonymousConsultationFactory(requester=alice)
    client.force_login(persona)
    response = client.get(reverse("consultation-list"))
    assert response.json()["count"] == listed
    url = reverse("consultation-detail", args=[consultation.uuid])
    assert client.get(url).status_code == detail
    if detail == 404:
        assert consultation.client.last_name not in response.content.decode()
        transition = reverse("consultation-transition", args=[consultation.uuid])
        assert post(client, transition, {"action": "withdraw"}).status_code == 404
        feedback = reverse("consultation-feedback", args=[consultation.uuid])
        assert post(client, feedback, {"usefulness": 5}).status_code == 404


def test_api_reads_are_logged(client, alice, kaisa):
    consultation = ConsultationFactory(requester=alice)
    AnonymousConsultationFactory(requester=alice)
    client.force_login(kaisa)
    client.get(reverse("consultation-list"))
    client.get(reverse("consultation-detail", args=[consultation.uuid]))
    rows = AccessLog.objects.filter(user=kaisa)
    assert [(r.action, r.client_id, r.object_kind) for r in rows.order_by("pk")] == [
        ("api", consultation.client_id, "consultation")
    ] * 2


@pytest.mark.parametrize("count", [10, 200])
def test_consultations_list_query_count_is_constant(
    client, alice, kaisa, count, django_assert_num_queries
):
    for consultation in ConsultationFactory.create_batch(count, requester=alice):
        services.answer_consultation(consultation, by=kaisa, advice="Neuvo.")
    client.force_login(kaisa)
    # Expect 9 queries: the session and the user; the count and the page of requests (with
    # requester, organisation, client, consent, coordinator, answer and its author
    # joined); the feedback of the page, prefetched; one INSERT of access-log rows; the
    # session saved again (savepoint, update, release).
    with django_assert_num_queries(9):
        response = client.get(reverse("consultation-list"))
    assert len(response.json()["results"]) == min(count, 50)


def test_transitions_through_the_api(client, alice, kaisa):
    consultation = ConsultationFactory(requester=alice)
    url = reverse("consultation-transition", args=[consultation.uuid])
    client.force_login(kaisa)
    assert post(client, url, {"action": "triage"}).json()["status"] == "triaged"
    response = post(client, url, {"action": "answer", "advice": "Ohjaa TYP:iin."})
    assert response.status_code == 200 and response.json()["answer"]["advice"] == "Ohjaa TYP:iin."
    # An illegal move: 400 with a readable message, nothing changes.
    response = post(client, url, {"action": "triage"})
    assert response.status_code == 400 and response.json()["action"]
    missing = post(client, url, {"action": "close"})
    assert missing.status_code == 400 and "outcome" in missing.json()
    response = post(client, url, {"action": "close", "outcome": "referred"})
    assert response.json()["status"] == "closed"
    assert post(client, url, {"action": "fly"}).status_code == 400


def test_professional_cannot_answer_through_the_api(client, alice):
    consultation = ConsultationFactory(requester=alice)
    client.force_login(alice)
    url = reverse("consultation-transition", args=[consultation.uuid])
    response = post(client, url, {"action": "answer", "advice": "Itse."})
    assert response.status_code == 400
    consultation.refresh_from_db()
    assert consultation.status == S.SUBMITTED


def test_feedback_through_the_api_once(client, alice, kaisa):
    consultation = ConsultationFactory(requester=alice)
    services.answer_consultation(consultation, by=kaisa, advice="Neuvo.")
    client.force_login(alice)
    url = reverse("consultation-feedback", args=[consultation.uuid])
    bad = post(client, url, {"usefulness": 0})
    assert bad.status_code == 400 and "usefulness" in bad.json()
    assert post(client, url, {"usefulness": 4, "text": "Hyvä"}).status_code == 201
    second = post(client, url, {"usefulness": 5})
    assert second.status_code == 400 and second.json()["non_field_errors"]
    assert Feedback.objects.count() == 1


def test_patch_while_waiting(client, alice, kaisa):
    consultation = ConsultationFactory(requester=alice)
    client.force_login(alice)
    url = reverse("consultation-detail", args=[consultation.uuid])
    response = client.patch(
        url, {"urgency": "urgent", "lock_version": 0}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["urgency"] == "urgent"
    too_long = client.patch(
        url, {"description": "x" * 10_001, "lock_version": 1}, content_type="application/json"
    )
    assert too_long.status_code == 400 and "description" in too_long.json()
    services.answer_consultation(consultation, by=kaisa, advice="Neuvo.")
    late = client.patch(
        url, {"urgency": "normal", "lock_version": 1}, content_type="application/json"
    )
    assert late.status_code == 400


def test_queue_filters_in_the_api(client, alice, kaisa):
    urgent = ConsultationFactory(requester=alice, urgency="urgent")
    ConsultationFactory(requester=alice)
    client.force_login(kaisa)
    rows = client.get(reverse("consultation-list"), {"urgency": "urgent"}).json()["results"]
    assert [row["id"] for row in rows] == [str(urgent.uuid)]


def test_a_second_change_from_the_same_version_is_409(client, alice, kaisa):
    """The requester and the coordinator correct the waiting request from the same
    reading: the second change is refused (409) and the first one's text stays."""
    consultation = ConsultationFactory(requester=alice)
    url = reverse("consultation-detail", args=[consultation.uuid])
    client.force_login(alice)
    version = client.get(url).json()["lock_version"]
    first = client.patch(
        url,
        {"description": "Alicen tarkennus", "lock_version": version},
        content_type="application/json",
    )
    assert first.status_code == 200, first.json()
    client.force_login(kaisa)
    second = client.patch(
        url,
        {"description": "Kaisan tarkennus", "lock_version": version},
        content_type="application/json",
    )
    assert second.status_code == 409 and second.json()["code"] == "stale"
    missing = client.patch(url, {"description": "Kaisan"}, content_type="application/json")
    assert missing.status_code == 400 and "lock_version" in missing.json()
    consultation.refresh_from_db()
    assert consultation.description == "Alicen tarkennus"
