"""The client's side of a link: used once, expiring, revocable, for one purpose, every
use and refusal logged, limited per address, in four variants of language."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from clients.models import WorkAbilityAssessment
from common.inbox import Kind, announced
from voice import services
from voice.models import ClientLink, FeedbackAnswer, LinkEvent
from voice.tests.conftest import FEEDBACK, feedback_url, self_assessment_url

pytestmark = pytest.mark.django_db


def kinds(link=None):
    events = LinkEvent.objects.filter(link=link) if link else LinkEvent.objects.all()
    return list(events.order_by("at", "pk").values_list("kind", flat=True))


def test_the_token_is_stored_only_as_a_keyed_hash(make_link):
    link, token = make_link()
    assert len(token) >= 40
    assert link.token_hash == services.hash_token(token)
    assert not ClientLink.objects.filter(token_hash=token).exists()
    # The URL is the token alone: no client, no touchpoint, no link id.
    assert feedback_url(token) == f"/c/feedback/{token}/"
    assert str(link.client.uuid) not in feedback_url(token)
    assert str(link.uuid) not in feedback_url(token)


def test_a_link_is_used_once_and_each_use_is_logged(client, make_link):
    link, token = make_link()
    page = client.get(feedback_url(token))
    assert page.status_code == 200
    assert "Tuliko sinua kuulluksi?" in page.content.decode()
    answered = client.post(feedback_url(token), {**FEEDBACK, "idempotency_key": "k1"})
    assert answered.status_code == 200
    assert FeedbackAnswer.objects.count() == 1
    again = client.get(feedback_url(token))
    assert again.status_code == 410
    assert "Linkkiä on jo käytetty." in again.content.decode()
    # The organisation to contact, and no personal data.
    assert link.organization.name in again.content.decode()
    assert link.client.last_name not in again.content.decode()
    assert kinds(link) == ["created", "opened", "used", "refused_used"]


def test_a_replayed_submission_is_thanked_without_a_second_answer(client, make_link):
    _link, token = make_link()
    first = client.post(feedback_url(token), {**FEEDBACK, "idempotency_key": "same"})
    replay = client.post(feedback_url(token), {**FEEDBACK, "idempotency_key": "same"})
    other = client.post(feedback_url(token), {**FEEDBACK, "idempotency_key": "other"})
    assert first.status_code == replay.status_code == 200
    assert other.status_code == 410
    assert FeedbackAnswer.objects.count() == 1


def test_an_expired_link_is_refused_and_logged(client, make_link):
    link, token = make_link()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=14, minutes=1)):
        page = client.get(feedback_url(token))
        posted = client.post(feedback_url(token), FEEDBACK)
    assert page.status_code == posted.status_code == 410
    assert FeedbackAnswer.objects.count() == 0
    assert kinds(link)[-2:] == ["refused_expired", "refused_expired"]


def test_a_link_works_for_fourteen_days(client, make_link):
    _link, token = make_link()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=13, hours=23)):
        assert client.get(feedback_url(token)).status_code == 200


def test_a_revoked_link_is_refused_and_logged(client, kaisa, make_link):
    link, token = make_link()
    client.force_login(kaisa)
    assert client.post(f"/client-links/{link.uuid}/revoke/").status_code == 302
    client.logout()
    page = client.get(feedback_url(token))
    assert page.status_code == 410
    assert "peruttu" in page.content.decode()
    assert kinds(link) == ["created", "revoked", "refused_revoked"]


def test_a_link_for_one_purpose_is_refused_on_the_other(client, make_link):
    link, token = make_link(ClientLink.Purpose.FEEDBACK)
    page = client.get(self_assessment_url(token))
    posted = client.post(self_assessment_url(token), {"score": "7"})
    assert page.status_code == posted.status_code == 404
    assert WorkAbilityAssessment.objects.count() == 0
    assert kinds(link) == ["created", "refused_purpose", "refused_purpose"]
    # Still good for what it was made for.
    assert client.get(feedback_url(token)).status_code == 200


def test_an_unknown_token_is_refused_and_logged_without_a_link(client):
    page = client.get(feedback_url("x" * 43))
    assert page.status_code == 404
    assert list(LinkEvent.objects.values_list("kind", "link")) == [("refused_unknown", None)]


def test_opening_links_is_limited_per_address(client, make_link, settings):
    settings.CLIENT_LINK_RATE_LIMIT_PER_ADDRESS = 3
    _link, token = make_link()
    codes = [client.get(feedback_url(token)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "refused_rate" in kinds()


def test_a_feedback_flood_from_one_address_is_refused(client, make_link, settings):
    settings.CLIENT_FEEDBACK_RATE_LIMIT_PER_ADDRESS = 2
    codes = []
    for _ in range(3):
        _link, token = make_link()
        codes.append(client.post(feedback_url(token), FEEDBACK).status_code)
    assert codes == [200, 200, 429]
    assert FeedbackAnswer.objects.count() == 2


def test_too_long_free_text_is_refused_with_its_length_and_nothing_is_used(client, make_link):
    link, token = make_link()
    page = client.post(feedback_url(token), {**FEEDBACK, "free_text": "a" * 2001})
    assert page.status_code == 400
    assert "2001" in page.content.decode()
    link.refresh_from_db()
    assert link.used_at is None
    assert FeedbackAnswer.objects.count() == 0


def test_a_missing_answer_is_named_next_to_its_question(client, make_link):
    _link, token = make_link()
    data = dict(FEEDBACK)
    del data["heard"]
    page = client.post(feedback_url(token) + "?lang=en", {**data, "lang": "en"})
    assert page.status_code == 400
    assert 'id="id_heard-error"' in page.content.decode()
    assert "Please choose one answer." in page.content.decode()


@pytest.mark.parametrize(
    ("variant", "text", "html_lang"),
    [
        ("fi", "Tuliko sinua kuulluksi?", "fi"),
        ("sv", "Kände du dig hörd?", "sv"),
        ("en", "Did you feel heard?", "en"),
        ("selko", "Kuunneltiinko sinua?", "fi"),
    ],
)
def test_the_questionnaire_speaks_four_variants(client, make_link, variant, text, html_lang):
    _link, token = make_link()
    page = client.get(feedback_url(token) + f"?lang={variant}")
    assert text in page.content.decode()
    assert f'lang="{html_lang}"' in page.content.decode()
    assert "Selkosuomi" in page.content.decode()


def test_the_self_assessment_lands_on_the_clients_record(client, make_link, kaisa):
    link, token = make_link(ClientLink.Purpose.SELF_ASSESSMENT)
    data = {"score": "6", "mental_wellbeing": "4", "competence": "8", "narrative": "Väsyttää."}
    page = client.post(self_assessment_url(token), {**data, "physical_functioning": ""})
    assert page.status_code == 200
    assessment = WorkAbilityAssessment.objects.get()
    assert assessment.client == link.client
    assert assessment.kind == WorkAbilityAssessment.Kind.SELF
    assert assessment.assessed_by == kaisa  # recorded through kaisa's link
    assert (assessment.score, assessment.mental_wellbeing, assessment.competence) == (6, 4, 8)
    assert assessment.physical_functioning is None
    assert assessment.narrative == "Väsyttää."
    link.refresh_from_db()
    assert link.assessment == assessment
    assert link.used_at is not None


def test_a_score_out_of_range_is_refused(client, make_link):
    _link, token = make_link(ClientLink.Purpose.SELF_ASSESSMENT)
    page = client.post(self_assessment_url(token), {"score": "11"})
    assert page.status_code == 400
    assert WorkAbilityAssessment.objects.count() == 0


def test_the_self_assessment_is_announced_to_whoever_handed_out_the_link(make_link, kaisa):
    link, _token = make_link(ClientLink.Purpose.SELF_ASSESSMENT)
    heard = []

    def receive(sender, announcement, **kwargs):
        heard.append(announcement)

    announced.connect(receive, weak=False, dispatch_uid="voice-test")
    try:
        services.submit_self_assessment(link, score=5)
        feedback_link, _token = make_link()
        services.submit_feedback(feedback_link, heard=2, understood=2, knows_next=2, recommends=2)
    finally:
        announced.disconnect(dispatch_uid="voice-test")
    # One announcement: the self-assessment's. Feedback is never announced.
    assert [(a.recipient_id, a.kind, a.target) for a in heard] == [
        (kaisa.pk, Kind.SELF_ASSESSED, link.meeting)
    ]
