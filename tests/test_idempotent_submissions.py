"""A submission repeated with the same idempotency key happens once: the hidden field of
every rendered form, and the `Idempotency-Key` header of the API. A repeat answers with
the first result; a different key, or another person's same key, is a new submission; a
repeat while the first still runs is told so (409)."""

import datetime
import re
import threading

import pytest
from django.db import connection
from django.test import Client as BrowserClient
from django.urls import reverse

from clients.models import Consent
from coordination import services as coordination_services
from coordination.models import ConsultationRequest
from coordination.tests.factories import UserFactory
from coordination.tests.test_consultation_api import IDENTIFIED
from coordination.tests.test_consultation_pages import identified_post
from networks.models import NetworkMeeting
from networks.tests.test_pages import _meeting_data
from serviceplans.tests.conftest import (  # noqa: F401
    client_,
    network,
    plan,
    te_office,
    teemu,
    today,
)

pytestmark = pytest.mark.django_db

KEY_FIELD = re.compile(rb'name="idempotency_key" value="([0-9a-f]{32})"')


def _rendered_key(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    keys = KEY_FIELD.findall(response.content)
    assert keys, "the form carries no idempotency key"
    return keys[0].decode()


def _post_json(client, url, data, key):
    return client.post(url, data, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


# --- Pages ----------------------------------------------------------------------------


def test_every_rendering_of_a_form_has_its_own_key(client, alice):
    client.force_login(alice)
    url = reverse("consultation_create")
    assert _rendered_key(client, url) != _rendered_key(client, url)


def test_consultation_form_sent_twice_creates_one_request_and_one_consent(client, alice):
    client.force_login(alice)
    url = reverse("consultation_create")
    key = _rendered_key(client, url)
    first = client.post(url, identified_post(idempotency_key=key))
    again = client.post(url, identified_post(idempotency_key=key))
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert ConsultationRequest.objects.count() == 1
    assert Consent.objects.count() == 1
    # The person is told why nothing new appeared.
    page = client.get(again["Location"])
    assert "Lomake oli jo lähetetty" in str(list(page.context["messages"])[-1])


def test_a_new_rendering_of_the_form_sends_again(client, alice):
    client.force_login(alice)
    url = reverse("consultation_create")
    client.post(url, identified_post(idempotency_key=_rendered_key(client, url)))
    client.post(url, identified_post(idempotency_key=_rendered_key(client, url)))
    assert ConsultationRequest.objects.count() == 2


def test_another_persons_key_does_not_replay_their_result(client, alice, health_centre):
    colleague = UserFactory(username="anni", organization=health_centre)
    url = reverse("consultation_create")
    client.force_login(alice)
    key = _rendered_key(client, url)
    first = client.post(url, identified_post(idempotency_key=key))
    client.force_login(colleague)
    second = client.post(url, identified_post(idempotency_key=key))
    assert second.status_code == 302
    assert second["Location"] != first["Location"]
    assert "Idempotent-Replayed" not in second
    assert ConsultationRequest.objects.count() == 2


def test_a_form_with_errors_keeps_no_result_to_replay(client, alice):
    """A re-rendered form (400 or 200 with errors) is not an outcome: corrected and sent
    again, even with the old key, it goes through."""
    client.force_login(alice)
    url = reverse("consultation_create")
    key = _rendered_key(client, url)
    client.post(url, identified_post(idempotency_key=key, description=""))
    assert not ConsultationRequest.objects.exists()
    response = client.post(url, identified_post(idempotency_key=key))
    assert response.status_code == 302
    assert ConsultationRequest.objects.count() == 1


def test_meeting_form_sent_twice_schedules_one_meeting(client, kaisa, network):  # noqa: F811
    client.force_login(kaisa)
    url = reverse("networks:meeting_create", args=[network.uuid])
    when = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)
    key = _rendered_key(client, url)
    for _ in range(2):
        assert client.post(url, {**_meeting_data(when), "idempotency_key": key}).status_code == 302
    assert NetworkMeeting.objects.count() == 1


def test_action_form_sent_twice_adds_one_action(client, alice, plan, today):  # noqa: F811
    client.force_login(alice)
    before = plan.actions.count()
    key = _rendered_key(client, reverse("serviceplans:plan_detail", args=[plan.uuid]))
    data = {
        "action-description": "Velkaneuvonta",
        "action-service_type": "debt_counselling",
        "action-responsible_name": "Talous- ja velkaneuvonta",
        "action-due_date": (today + datetime.timedelta(days=5)).isoformat(),
        "idempotency_key": key,
    }
    url = reverse("serviceplans:action_add", args=[plan.uuid])
    first, again = client.post(url, data), client.post(url, data)
    assert first.status_code == again.status_code == 302, first.content[-2000:]
    assert plan.actions.count() == before + 1


# --- API ------------------------------------------------------------------------------


def test_api_create_repeated_with_the_same_key_answers_the_first_result(client, alice):
    client.force_login(alice)
    url = reverse("consultation-list")
    first = _post_json(client, url, IDENTIFIED, "retry-1")
    again = _post_json(client, url, IDENTIFIED, "retry-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ConsultationRequest.objects.count() == 1
    assert Consent.objects.count() == 1
    assert _post_json(client, url, IDENTIFIED, "retry-2").status_code == 201
    assert ConsultationRequest.objects.count() == 2


def test_api_key_of_another_user_is_not_replayed(client, alice, health_centre):
    colleague = UserFactory(username="anni", organization=health_centre)
    url = reverse("consultation-list")
    client.force_login(alice)
    first = _post_json(client, url, IDENTIFIED, "shared-key")
    client.force_login(colleague)
    second = _post_json(client, url, IDENTIFIED, "shared-key")
    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]
    assert ConsultationRequest.objects.count() == 2


def test_api_same_key_with_a_different_body_is_refused(client, alice):
    client.force_login(alice)
    url = reverse("consultation-list")
    _post_json(client, url, IDENTIFIED, "k1")
    changed = _post_json(client, url, {**IDENTIFIED, "description": "Toinen"}, "k1")
    assert changed.status_code == 422
    assert "Idempotency-Key" in changed.json()["detail"]
    assert ConsultationRequest.objects.count() == 1


def test_api_malformed_key_is_a_400(client, alice):
    client.force_login(alice)
    response = _post_json(client, reverse("consultation-list"), IDENTIFIED, "x" * 101)
    assert response.status_code == 400
    assert not ConsultationRequest.objects.exists()


def test_api_meeting_and_action_created_once(client, kaisa, alice, network, plan, today):  # noqa: F811
    client.force_login(kaisa)
    url = f"/api/v1/networks/{network.uuid}/meetings/"
    starts_at = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)).isoformat()
    meeting = {"starts_at": starts_at, "location": "Tuira"}
    responses = [_post_json(client, url, meeting, "meeting-1") for _ in range(2)]
    assert [r.status_code for r in responses] == [201, 201]
    assert NetworkMeeting.objects.count() == 1

    client.force_login(alice)
    before = plan.actions.count()
    url = f"/api/v1/plans/{plan.uuid}/actions/"
    action = {
        "description": "Velkaneuvonta",
        "service_type": "debt_counselling",
        "responsible_name": "Talous- ja velkaneuvonta",
        "due_date": (today + datetime.timedelta(days=5)).isoformat(),
    }
    responses = [_post_json(client, url, action, "action-1") for _ in range(2)]
    assert [r.status_code for r in responses] == [201, 201], responses[0].content
    assert responses[1].json() == responses[0].json()
    assert plan.actions.count() == before + 1


# --- At the same time -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_repeat_creates_once_and_is_told(alice, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once need PostgreSQL")
    entered, release = threading.Event(), threading.Event()
    submit = coordination_services.submit_consultation

    def slow_submit(**kwargs):
        entered.set()
        assert release.wait(10)
        return submit(**kwargs)

    monkeypatch.setattr(coordination_services, "submit_consultation", slow_submit)
    url = reverse("consultation_create")
    data = identified_post(idempotency_key="f" * 32)
    results = {}

    def send(name):
        browser = BrowserClient()
        browser.force_login(alice)
        try:
            results[name] = browser.post(url, data)
        finally:
            connection.close()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert entered.wait(10)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    second.join(10)
    release.set()
    first.join(10)

    assert results["first"].status_code == 302
    assert results["second"].status_code == 409
    assert "käsittely on kesken" in results["second"].content.decode()
    assert ConsultationRequest.objects.count() == 1
    assert Consent.objects.count() == 1


def test_api_form_encoded_create_with_a_key_is_fingerprinted_by_its_fields(client, alice):
    """A form-encoded API body is parsed before the view; its fields, not the raw body,
    make the fingerprint."""
    client.force_login(alice)
    url = reverse("consultation-list")
    data = {"anonymous": "true", "description": "x"}
    first = client.post(url, data, HTTP_IDEMPOTENCY_KEY="form-1")
    again = client.post(url, data, HTTP_IDEMPOTENCY_KEY="form-1")
    assert first.status_code == again.status_code
    assert again["Idempotent-Replayed"] == "true"
