"""Two coordinators answering one request: the first answer is kept and sent, the second
coordinator is told that theirs was not saved (a message on the page, 409 in the API)."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils import translation

from coordination import services
from coordination.models import ConsultationAnswer, ConsultationRequest, User
from coordination.tests.factories import ConsultationFactory, UserFactory
from coordination.views import DONE_MESSAGES
from inbox.models import InboxItem

S = ConsultationRequest.Status
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@pytest.fixture
def helmi(hub):
    return UserFactory(
        username="helmi", first_name="Helmi", organization=hub, role=User.Role.COORDINATOR
    )


def _answer_page(browser, consultation, advice):
    url = reverse("consultation_action", args=[consultation.uuid, "answer"])
    return browser.post(url, {"advice": advice}, follow=True)


def _answer_api(browser, consultation, advice):
    url = reverse("consultation-transition", args=[consultation.uuid])
    body = {"action": "answer", "advice": advice}
    return browser.post(url, body, content_type="application/json")


def _messages(response):
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def _at_once(*calls):
    """Run the calls in threads released together; their results in the same order."""
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _browser(user):
    browser = BrowserClient()
    browser.force_login(user)
    return browser


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the race needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_on_the_page_keep_one_and_tell_the_other(alice, kaisa, helmi):
    consultation = ConsultationFactory(requester=alice)
    responses = _at_once(
        lambda: _answer_page(_browser(kaisa), consultation, "Kaisan neuvo."),
        lambda: _answer_page(_browser(helmi), consultation, "Helmin neuvo."),
    )
    # The pages' text, not response.context: the test client gathers the contexts of
    # every template rendered while a request runs, the other thread's too.
    with translation.override(settings.LANGUAGE_CODE):
        sent = str(DONE_MESSAGES["answer"])
        refused = str(services.AnsweredMeanwhile.default_message)
    told = [(sent in r.content.decode(), refused in r.content.decode()) for r in responses]
    assert sorted(told) == [(False, True), (True, False)]
    winner = [kaisa, helmi][told.index((True, False))]
    answer = ConsultationAnswer.objects.get(request=consultation)
    assert (answer.answered_by, answer.advice) == (winner, f"{winner.first_name}n neuvo.")
    assert InboxItem.objects.filter(object_id=consultation.pk, kind="request_answered").count() == 1


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the race needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_in_the_api_give_one_409(alice, kaisa, helmi):
    consultation = ConsultationFactory(requester=alice)
    responses = _at_once(
        lambda: _answer_api(_browser(kaisa), consultation, "Kaisan neuvo."),
        lambda: _answer_api(_browser(helmi), consultation, "Helmin neuvo."),
    )
    assert sorted(r.status_code for r in responses) == [200, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["code"] == "stale"
    winner = next(r for r in responses if r.status_code == 200)
    assert winner.json()["answer"]["advice"] == ConsultationAnswer.objects.get().advice


@pytest.mark.django_db
def test_an_answer_from_a_stale_page_is_not_saved_and_says_so(client, alice, kaisa, helmi):
    # Both opened the request while it waited; Kaisa sends first.
    consultation = ConsultationFactory(requester=alice)
    client.force_login(kaisa)
    assert _messages(_answer_page(client, consultation, "Kaisan neuvo."))[0][0] == "success"
    other = BrowserClient()
    other.force_login(helmi)
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = _answer_page(other, consultation, "Helmin neuvo.")
    with translation.override("sv"):
        told = str(services.AnsweredMeanwhile.default_message)
    assert _messages(response) == [("error", told)]
    assert "Ditt svar sparades inte" in told
    # The first answer stands, and the requester was told once.
    assert ConsultationAnswer.objects.get(request=consultation).advice == "Kaisan neuvo."
    assert InboxItem.objects.filter(object_id=consultation.pk, kind="request_answered").count() == 1


@pytest.mark.django_db
def test_an_answer_from_a_stale_reading_is_409_in_the_api(client, alice, kaisa, helmi):
    consultation = ConsultationFactory(requester=alice)
    client.force_login(kaisa)
    assert _answer_api(client, consultation, "Kaisan neuvo.").status_code == 200
    client.force_login(helmi)
    response = _answer_api(client, consultation, "Helmin neuvo.")
    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert ConsultationAnswer.objects.get(request=consultation).advice == "Kaisan neuvo."


@pytest.mark.django_db
def test_an_answer_sent_twice_by_its_coordinator_is_sent_once(client, alice, kaisa):
    # A retried submission (a double click, the back button) is not a conflict.
    consultation = ConsultationFactory(requester=alice)
    client.force_login(kaisa)
    assert _answer_api(client, consultation, "Neuvo.").status_code == 200
    assert _answer_api(client, consultation, "Neuvo.").status_code == 200
    assert ConsultationAnswer.objects.filter(request=consultation).count() == 1
    assert InboxItem.objects.filter(object_id=consultation.pk, kind="request_answered").count() == 1
