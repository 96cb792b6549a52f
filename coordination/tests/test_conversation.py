"""The conversation on a request: the hub asks for more information, the requester
replies; both sides are told, the waiting clock stops meanwhile, and only the requester
and the hub see the thread."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import AccessLog
from common.errors import InvalidTransition
from common.inbox import Kind, announced
from coordination import services
from coordination.models import ConsultationMessage, ConsultationRequest
from coordination.tests.factories import ConsultationFactory, UserFactory
from inbox.models import InboxItem
from serviceplans.tasks import collect_consultation_reminders

pytestmark = pytest.mark.django_db
S = ConsultationRequest.Status
HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def heard():
    """Every announcement made while the test runs, as (recipient id, kind, target)."""
    seen = []

    def receiver(sender, announcement, **kwargs):
        seen.append((announcement.recipient_id, announcement.kind, announcement.target))

    announced.connect(receiver, weak=False, dispatch_uid="test-conversation")
    yield seen
    announced.disconnect(dispatch_uid="test-conversation")


@pytest.fixture
def request_of_alice(alice):
    return ConsultationFactory(requester=alice)


def test_asking_tells_the_requester_and_waits_for_them(request_of_alice, alice, kaisa, heard):
    message = services.ask_for_more_information(
        request_of_alice, by=kaisa, text="Onko asiakkaalla lääkärinlausunto?"
    )
    request_of_alice.refresh_from_db()
    assert request_of_alice.is_waiting_for_requester
    assert request_of_alice.assigned_to == kaisa
    # Asking is not an answer: the request still waits for the hub's first response.
    assert request_of_alice.first_response_at is None
    assert request_of_alice.status == S.SUBMITTED
    assert message.kind == "question" and message.organization == kaisa.organization
    assert heard == [(alice.pk, Kind.MORE_INFO_ASKED, request_of_alice)]


def test_the_reply_goes_back_to_the_assigned_coordinator(request_of_alice, alice, kaisa, heard):
    services.ask_for_more_information(request_of_alice, by=kaisa, text="Lisätietoja?")
    heard.clear()
    services.reply_to_consultation(request_of_alice, by=alice, text="Lausunto on tulossa.")
    request_of_alice.refresh_from_db()
    assert not request_of_alice.is_waiting_for_requester
    assert heard == [(kaisa.pk, Kind.REQUEST_MESSAGE, request_of_alice)]
    kinds = list(request_of_alice.messages.values_list("kind", flat=True))
    assert kinds == ["question", "reply"]


def test_a_reply_on_an_unassigned_request_tells_every_hub_coordinator(
    request_of_alice, alice, kaisa, hub, heard
):
    colleague = UserFactory(organization=hub, role="coordinator")
    UserFactory(organization=hub, role="coordinator", is_active=False)
    services.reply_to_consultation(request_of_alice, by=alice, text="Vielä yksi asia.")
    assert sorted(recipient for recipient, _kind, _target in heard) == sorted(
        [kaisa.pk, colleague.pk]
    )
    assert {kind for _recipient, kind, _target in heard} == {Kind.REQUEST_MESSAGE}


def test_a_rolled_back_message_announces_inside_the_transaction(request_of_alice, kaisa, heard):
    """announce() is called inside the service's transaction (the inbox writes its item
    there): an error after it leaves neither the message nor, with the inbox, the item."""
    with pytest.raises(InvalidTransition):
        services.ask_for_more_information(request_of_alice, by=request_of_alice.requester, text="x")
    assert not ConsultationMessage.objects.exists() and heard == []


def test_only_the_requester_replies_and_only_the_hub_asks(request_of_alice, olli, alice):
    with pytest.raises(InvalidTransition):
        services.reply_to_consultation(request_of_alice, by=olli, text="Minä vastaan.")
    with pytest.raises(InvalidTransition):
        services.ask_for_more_information(request_of_alice, by=alice, text="Kysyn itseltäni.")
    assert not ConsultationMessage.objects.exists()


@pytest.mark.parametrize("status", [S.CLOSED, S.WITHDRAWN, S.NETWORK_FORMED])
def test_a_closed_request_takes_no_messages(request_of_alice, alice, kaisa, status):
    ConsultationRequest.objects.filter(pk=request_of_alice.pk).update(status=status)
    request_of_alice.refresh_from_db()
    with pytest.raises(InvalidTransition) as refusal:
        services.reply_to_consultation(request_of_alice, by=alice, text="Vielä tämä.")
    assert str(refusal.value) == str(services.CONVERSATION_CLOSED)
    with pytest.raises(InvalidTransition):
        services.ask_for_more_information(request_of_alice, by=kaisa, text="Entä tämä?")
    assert not ConsultationMessage.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * (ConsultationMessage.MAX_LENGTH + 1)])
def test_an_empty_or_overlong_message_is_refused(request_of_alice, kaisa, text):
    with pytest.raises(services.ValidationError) as error:
        services.ask_for_more_information(request_of_alice, by=kaisa, text=text)
    assert "text" in error.value.message_dict
    request_of_alice.refresh_from_db()
    assert not request_of_alice.is_waiting_for_requester
    assert not ConsultationMessage.objects.exists()


# --- The waiting clock -------------------------------------------------------------------


def at(day: int, hour: int = 10) -> datetime.datetime:
    # November 2026: Monday the 2nd to Friday the 6th, Monday the 9th to Friday the 13th.
    return datetime.datetime(2026, 11, day, hour, tzinfo=HELSINKI)


def test_the_clock_leaves_out_the_wait_for_the_requester(alice, kaisa, time_machine):
    time_machine.move_to(at(2), tick=False)
    request = ConsultationFactory(requester=alice, submitted_at=at(2))
    time_machine.move_to(at(3), tick=False)  # Tuesday: one working day waited
    services.ask_for_more_information(request, by=kaisa, text="Lisätietoja?")
    time_machine.move_to(at(5), tick=False)  # Thursday: waiting for the requester
    request.refresh_from_db()
    assert request.waiting_days(timezone.localdate()) == (1, 2)
    services.reply_to_consultation(request, by=alice, text="Tässä.")
    time_machine.move_to(at(9), tick=False)  # Monday after: two more days with the hub
    request.refresh_from_db()
    assert request.requester_waiting_days == 2
    assert request.waiting_days(timezone.localdate()) == (3, 2)


def test_the_clock_stops_at_the_first_response(alice, kaisa, time_machine):
    time_machine.move_to(at(2), tick=False)
    request = ConsultationFactory(requester=alice, submitted_at=at(2))
    time_machine.move_to(at(3), tick=False)
    services.ask_for_more_information(request, by=kaisa, text="Lisätietoja?")
    time_machine.move_to(at(4), tick=False)
    services.reply_to_consultation(request, by=alice, text="Tässä.")
    time_machine.move_to(at(6), tick=False)
    services.answer_consultation(request, by=kaisa, advice="Työkyvyn arvio ensin.")
    time_machine.move_to(at(13), tick=False)
    request.refresh_from_db()
    # Mon→Fri is four working days, one of them spent waiting for alice.
    assert request.waiting_days(timezone.localdate()) == (3, 1)


def test_the_page_shows_the_wait_and_the_badge(client, alice, kaisa, time_machine):
    time_machine.move_to(at(2), tick=False)
    request = ConsultationFactory(requester=alice, submitted_at=at(2))
    time_machine.move_to(at(3), tick=False)
    services.ask_for_more_information(request, by=kaisa, text="Lisätietoja?")
    time_machine.move_to(at(6), tick=False)
    client.force_login(kaisa)
    response = client.get(reverse("consultation_detail", args=[request.uuid]))
    assert response.context["waiting_days"] == 1
    assert response.context["requester_waiting_days"] == 3
    assert b"waiting-for-requester" in response.content


def test_the_queue_does_not_count_the_wait_against_the_target(
    client, alice, kaisa, settings, time_machine
):
    settings.CONSULTATION_TARGET_WORKING_DAYS = 2
    time_machine.move_to(at(2), tick=False)
    request = ConsultationFactory(requester=alice, submitted_at=at(2))
    services.ask_for_more_information(request, by=kaisa, text="Lisätietoja?")
    time_machine.move_to(at(6), tick=False)
    client.force_login(kaisa)
    response = client.get(reverse("consultation_queue"))
    row = next(c for c in response.context["page"] if c.pk == request.pk)
    assert row.waiting_days == 0 and not row.overdue


# --- The pages ---------------------------------------------------------------------------


def test_coordinator_asks_and_requester_replies_on_the_page(client, request_of_alice, alice, kaisa):
    detail = reverse("consultation_detail", args=[request_of_alice.uuid])
    client.force_login(kaisa)
    page = client.get(detail)
    assert page.context["can_ask"] and b'id="ask-form"' in page.content
    response = client.post(
        reverse("consultation_action", args=[request_of_alice.uuid, "ask"]),
        {"ask-text": "Onko lausuntoa?"},
    )
    assert response.status_code == 302

    client.force_login(alice)
    page = client.get(detail)
    assert page.context["can_reply"] and b'id="reply-form"' in page.content
    assert "Onko lausuntoa?" in page.content.decode()
    # The requester does not see the hub's view of their contact details.
    assert b"requester-contact" not in page.content
    response = client.post(
        reverse("consultation_action", args=[request_of_alice.uuid, "reply"]),
        {"reply-text": "Lausunto tulee ensi viikolla."},
    )
    assert response.status_code == 302

    client.force_login(kaisa)
    page = client.get(detail)
    body = page.content.decode()
    assert "Lausunto tulee ensi viikolla." in body and str(alice.organization) in body
    assert alice.email in body  # the requester's contact details, for the hub


def test_an_empty_reply_is_shown_next_to_the_field(client, request_of_alice, alice):
    client.force_login(alice)
    response = client.post(
        reverse("consultation_action", args=[request_of_alice.uuid, "reply"]), {"reply-text": ""}
    )
    assert response.status_code == 400
    assert response.context["reply_form"].errors["text"]
    assert not ConsultationMessage.objects.exists()


def test_a_reply_to_a_closed_request_is_refused_with_a_message(client, request_of_alice, alice):
    ConsultationRequest.objects.filter(pk=request_of_alice.pk).update(status=S.CLOSED)
    client.force_login(alice)
    response = client.post(
        reverse("consultation_action", args=[request_of_alice.uuid, "reply"]),
        {"reply-text": "Vielä tämä."},
        follow=True,
    )
    assert str(services.CONVERSATION_CLOSED) in response.content.decode()
    assert not ConsultationMessage.objects.exists()


def test_a_replayed_reply_is_saved_once(client, request_of_alice, alice):
    client.force_login(alice)
    url = reverse("consultation_action", args=[request_of_alice.uuid, "reply"])
    data = {"reply-text": "Tässä.", "idempotency_key": "a" * 32}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert ConsultationMessage.objects.count() == 1


@pytest.mark.parametrize("outsider", ["olli", "other_professional"])
def test_outsiders_get_404_for_the_thread(client, request_of_alice, olli, health_centre, outsider):
    """olli is of another organisation; a colleague of alice's own organisation does not
    see her requests either (the rule for requests: the requester and the hub)."""
    user = olli if outsider == "olli" else UserFactory(organization=health_centre)
    client.force_login(user)
    detail = reverse("consultation_detail", args=[request_of_alice.uuid])
    assert client.get(detail).status_code == 404
    for action, field in (("reply", "reply-text"), ("ask", "ask-text")):
        url = reverse("consultation_action", args=[request_of_alice.uuid, action])
        assert client.post(url, {field: "Hei"}).status_code == 404
    messages = reverse("consultation-messages", args=[request_of_alice.uuid])
    assert client.get(messages).status_code == 404
    assert client.post(messages, {"text": "Hei"}).status_code == 404
    assert not ConsultationMessage.objects.exists()


def test_reading_the_thread_is_logged(client, request_of_alice, kaisa):
    services.ask_for_more_information(request_of_alice, by=kaisa, text="Lisätietoja?")
    client.force_login(kaisa)
    before = AccessLog.objects.filter(client=request_of_alice.client).count()
    client.get(reverse("consultation-messages", args=[request_of_alice.uuid]))
    logged = AccessLog.objects.filter(client=request_of_alice.client)
    assert logged.count() == before + 1
    assert logged.latest("pk").action == AccessLog.Action.API


def test_messages_are_on_the_clients_timeline(client, request_of_alice, alice, kaisa):
    services.ask_for_more_information(request_of_alice, by=kaisa, text="Lisätietoja?")
    services.reply_to_consultation(request_of_alice, by=alice, text="Tässä.")
    client.force_login(kaisa)
    response = client.get(reverse("clients:client_detail", args=[request_of_alice.client.uuid]))
    kinds = [event.kind for event in response.context["timeline"]]
    assert kinds.count("request_message") == 2


# --- The API -----------------------------------------------------------------------------


def test_api_lists_and_posts_messages(client, request_of_alice, alice, kaisa, heard):
    url = reverse("consultation-messages", args=[request_of_alice.uuid])
    client.force_login(kaisa)
    response = client.post(url, {"text": "Onko lausuntoa?"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["kind"] == "question"
    client.force_login(alice)
    response = client.post(url, {"text": "Ei vielä."}, content_type="application/json")
    assert response.status_code == 201 and response.json()["kind"] == "reply"
    body = client.get(url).json()
    assert [m["kind"] for m in body] == ["question", "reply"]
    assert body[0]["author"] == str(kaisa) and body[0]["organization"] == str(kaisa.organization)
    assert [kind for _r, kind, _t in heard] == [Kind.MORE_INFO_ASKED, Kind.REQUEST_MESSAGE]


@pytest.mark.parametrize("text", ["", "x" * (ConsultationMessage.MAX_LENGTH + 1)])
def test_api_refuses_a_bad_message_with_field_errors(client, request_of_alice, alice, text):
    client.force_login(alice)
    url = reverse("consultation-messages", args=[request_of_alice.uuid])
    response = client.post(url, {"text": text}, content_type="application/json")
    assert response.status_code == 400 and "text" in response.json()
    assert not ConsultationMessage.objects.exists()


def test_api_refuses_a_message_on_a_closed_request(client, request_of_alice, alice):
    ConsultationRequest.objects.filter(pk=request_of_alice.pk).update(status=S.WITHDRAWN)
    client.force_login(alice)
    url = reverse("consultation-messages", args=[request_of_alice.uuid])
    response = client.post(url, {"text": "Hei"}, content_type="application/json")
    assert response.status_code == 400
    assert not ConsultationMessage.objects.exists()


def test_api_withdraw_needs_a_reason(client, request_of_alice, alice):
    client.force_login(alice)
    url = reverse("consultation-transition", args=[request_of_alice.uuid])
    response = client.post(url, {"action": "withdraw"}, content_type="application/json")
    assert response.status_code == 400 and "reason" in response.json()
    response = client.post(
        url, {"action": "withdraw", "reason": "Asia ratkesi."}, content_type="application/json"
    )
    assert response.status_code == 200
    request_of_alice.refresh_from_db()
    assert request_of_alice.withdrawal_reason == "Asia ratkesi."


# --- Withdrawing a request ---------------------------------------------------------------


def test_withdrawing_asks_for_a_reason_and_shows_it(client, request_of_alice, alice, kaisa):
    client.force_login(alice)
    url = reverse("consultation_withdraw", args=[request_of_alice.uuid])
    page = client.get(url)
    assert page.status_code == 200 and b'name="reason"' in page.content
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and refused.context["form"].errors["reason"]
    request_of_alice.refresh_from_db()
    assert request_of_alice.status == S.SUBMITTED
    assert client.post(url, {"reason": "Asiakas muutti."}).status_code == 302
    request_of_alice.refresh_from_db()
    assert request_of_alice.status == S.WITHDRAWN
    client.force_login(kaisa)
    detail = client.get(reverse("consultation_detail", args=[request_of_alice.uuid]))
    assert "Asiakas muutti." in detail.content.decode()
    timeline = client.get(
        reverse("clients:client_detail", args=[request_of_alice.client.uuid])
    ).context["timeline"]
    withdrawn = next(e for e in timeline if e.kind == "request_closed")
    assert withdrawn.detail == "Asiakas muutti."


def test_only_the_requester_withdraws_on_the_page(client, request_of_alice, kaisa, olli):
    url = reverse("consultation_withdraw", args=[request_of_alice.uuid])
    client.force_login(olli)
    assert client.get(url).status_code == 404
    client.force_login(kaisa)
    response = client.post(url, {"reason": "Ei tarpeen."})
    assert response.status_code == 302
    request_of_alice.refresh_from_db()
    assert request_of_alice.status == S.SUBMITTED


def test_the_waiting_reminder_skips_a_request_waiting_for_the_requester(
    alice, kaisa, settings, time_machine
):
    settings.CONSULTATION_TARGET_WORKING_DAYS = 2
    time_machine.move_to(at(2), tick=False)
    waiting = ConsultationFactory(requester=alice, submitted_at=at(2))
    forgotten = ConsultationFactory(requester=alice, submitted_at=at(2))
    services.ask_for_more_information(waiting, by=kaisa, text="Lisätietoja?")
    time_machine.move_to(at(9), tick=False)
    collect_consultation_reminders(timezone.localdate())
    waiting_items = InboxItem.objects.filter(kind=Kind.CONSULTATION_WAITING)
    keys = set(waiting_items.values_list("key", flat=True))
    assert keys and all(key.startswith(f"consultation:{forgotten.uuid}:") for key in keys)
