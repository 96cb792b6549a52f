"""Feedback cannot be traced to the client: no relation to the client or the link, no
time finer than the day, a random key; the free texts reach the hub only, without
names or dates, and only for a period of five answers or more."""

import datetime

import pytest
from django.db import models

from clients.models import Client
from voice.models import ClientLink, FeedbackAnswer, Touchpoint
from voice.tests.conftest import FEEDBACK, feedback_url

pytestmark = pytest.mark.django_db


def test_an_answer_has_no_relation_to_the_client_or_the_link():
    relations = {
        field.related_model
        for field in FeedbackAnswer._meta.get_fields()
        if field.is_relation and field.related_model
    }
    assert Client not in relations
    assert ClientLink not in relations
    # And nothing points back at an answer.
    assert not any(
        field.is_relation and field.related_model is FeedbackAnswer
        for field in ClientLink._meta.get_fields()
    )


def test_an_answer_keeps_no_time_finer_than_the_day():
    for field in FeedbackAnswer._meta.concrete_fields:
        assert not isinstance(field, models.DateTimeField | models.TimeField), field.name
    answered_on = FeedbackAnswer._meta.get_field("answered_on")
    assert type(answered_on) is models.DateField
    # A sequence would line the answers up with the links' use times.
    assert isinstance(FeedbackAnswer._meta.pk, models.UUIDField)


def test_the_stored_answer_says_what_and_when_but_not_who(client, make_link):
    link, token = make_link()
    client.post(feedback_url(token), FEEDBACK)
    answer = FeedbackAnswer.objects.values().get()
    assert set(answer) == {
        "id",
        "touchpoint",
        "organization_id",
        "municipality",
        "answered_on",
        "heard",
        "understood",
        "knows_next",
        "recommends",
        "free_text",
    }
    assert answer["touchpoint"] == "network_meeting"
    assert answer["municipality"] == "564"
    assert isinstance(answer["answered_on"], datetime.date)
    assert str(link.uuid) not in str(answer.values())


def answers(count, text="", organization=None, day=None):
    FeedbackAnswer.objects.bulk_create(
        FeedbackAnswer(
            touchpoint=Touchpoint.NETWORK_MEETING,
            organization=organization,
            answered_on=day or datetime.date.today(),
            heard=2,
            understood=2,
            knows_next=1,
            recommends=2,
            free_text=text,
        )
        for _ in range(count)
    )


TEXTS = "/client-feedback/texts/"


def test_free_text_is_hidden_under_five_answers(client, kaisa, hub):
    answers(4, text="Sain apua.", organization=hub)
    client.force_login(kaisa)
    page = client.get(TEXTS).content.decode()
    assert "Sain apua." not in page
    assert "vähintään 5 vastausta" in page
    answers(1, organization=hub)
    assert "Sain apua." in client.get(TEXTS).content.decode()


def test_free_text_is_shown_as_text(client, kaisa, hub):
    answers(5, text='<script>alert("x")</script>', organization=hub)
    client.force_login(kaisa)
    page = client.get(TEXTS).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


@pytest.mark.parametrize("persona", ["alice", "eero", "ylva", "tuula"])
def test_only_the_hub_reads_free_text(client, request, persona, hub):
    answers(5, text="Sain apua.", organization=hub)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(TEXTS).status_code == 404


@pytest.mark.parametrize("total", [5, 60])
def test_the_free_text_page_reads_the_same_queries_at_few_and_many(
    client, kaisa, hub, total, django_assert_num_queries
):
    answers(total, text="Hyvä.", organization=hub)
    client.force_login(kaisa)
    # Expect 9 queries: the session and the user; the answers' count and the texts; the
    # menu's badge and the user's organisation; the session's save (savepoint, update,
    # release).
    with django_assert_num_queries(QUERIES):
        assert client.get(TEXTS).status_code == 200


QUERIES = 9
