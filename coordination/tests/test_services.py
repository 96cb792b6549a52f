"""The consultation's life: every transition, legal and illegal, through the services."""

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives

from clients.models import AccessLog, Client, Consent
from coordination import services
from coordination.models import ConsultationRequest, Feedback
from coordination.services import InvalidTransition
from coordination.tests.factories import ConsultationFactory, UserFactory
from inbox.models import InboxItem
from outbox import tasks as outbox_tasks
from outbox.delivery import deliver_due
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db
S = ConsultationRequest.Status

IDENTIFIED = {
    "reasons": ["mental_health", "long_unemployment"],
    "asked": ["consultation", "network"],
    "description": "Asiakas on ollut pitkään työttömänä.",
}


def submit(requester, **overrides):
    data = {
        "anonymous": False,
        "client_data": {
            "first_name": "Matti",
            "last_name": "Meikäläinen",
            "personal_identity_code": "131052-308T",
            "municipality": "564",
        },
        "consent_method": "verbal",
        **IDENTIFIED,
        **overrides,
    }
    return services.submit_consultation(requester=requester, **data)


def in_state(status, requester, coordinator):
    consultation = submit(requester)
    steps = {
        S.SUBMITTED: [],
        S.TRIAGED: ["triage"],
        S.ANSWERED: ["answer"],
        S.NETWORK_NEEDED: ["network"],
        S.CLOSED: ["close"],
        S.WITHDRAWN: ["withdraw"],
    }[status]
    for step in steps:
        if step == "triage":
            services.triage_consultation(consultation, by=coordinator)
        elif step == "answer":
            services.answer_consultation(consultation, by=coordinator, advice="Ohjaa TYP:iin.")
        elif step == "network":
            services.mark_network_needed(consultation, by=coordinator)
        elif step == "close":
            services.close_consultation(consultation, by=coordinator, outcome="advice_given")
        elif step == "withdraw":
            services.withdraw_consultation(consultation, by=requester, reason="Asia ratkesi.")
    consultation.refresh_from_db()
    assert consultation.status == status
    return consultation


def test_identified_request_records_client_consent_and_contact_source(alice, kaisa, hub):
    consultation = submit(alice)
    assert consultation.requesting_organization == alice.organization
    assert consultation.reference.startswith("K-") and consultation.reference.endswith(
        f"{consultation.pk:06d}"
    )
    assert consultation.client.personal_identity_code == "131052-308T"
    consent = consultation.consent
    assert consent.scope == Consent.Scope.CONSULTATION and consent.is_valid
    assert consent.recorded_by == alice
    assert set(consent.organizations.all()) == {alice.organization, hub}
    assert AccessLog.objects.filter(client=consultation.client, action="create").count() == 1


def test_a_known_identity_code_awaits_the_coordinators_link(alice, olli, kaisa):
    first = submit(alice)
    second = submit(olli, client_data={**submit_client(), "first_name": "Toinen"})
    assert second.client is None and second.consent is None
    assert second.awaiting_identification
    assert second.client_as_sent.first_name == "Toinen"
    assert Client.objects.count() == 1
    services.link_consultation_client(second, by=kaisa)
    second.refresh_from_db()
    assert second.client == first.client
    assert second.client.first_name == "Matti"  # the record is not overwritten
    assert second.client_as_sent.first_name == "Toinen"  # nor what olli sent


def submit_client():
    return {
        "first_name": "Matti",
        "last_name": "Meikäläinen",
        "personal_identity_code": "131052-308t",
        "municipality": "564",
    }


def test_anonymous_request_stores_no_identity(alice):
    consultation = services.submit_consultation(
        requester=alice,
        anonymous=True,
        age_band="25_29",
        municipality="678",
        life_situation="student",
        **IDENTIFIED,
    )
    assert consultation.client is None and consultation.consent is None
    assert not Client.objects.exists() and not Consent.objects.exists()
    assert not AccessLog.objects.exists()


def test_anonymous_request_refuses_client_data(alice):
    with pytest.raises(ValidationError) as raised:
        services.submit_consultation(
            requester=alice, anonymous=True, client_data=submit_client(), **IDENTIFIED
        )
    assert "anonymous" in raised.value.message_dict
    assert not ConsultationRequest.objects.exists() and not Client.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent_method": None}, "consent_method"),
        ({"description": "x" * 10_001}, "description"),
        ({"reasons": ["nonsense"]}, "reasons"),
        ({"asked": []}, "asked"),
        ({"urgency": "tomorrow"}, "urgency"),
        (
            {"client_data": {**submit_client(), "personal_identity_code": "131052-308U"}},
            "personal_identity_code",
        ),
    ],
)
def test_bad_input_saves_nothing(alice, overrides, field):
    with pytest.raises(ValidationError) as raised:
        submit(alice, **overrides)
    assert field in raised.value.message_dict
    assert not ConsultationRequest.objects.exists()
    assert not Client.objects.exists() and not Consent.objects.exists()


def test_managers_cannot_send_requests(eero):
    with pytest.raises(InvalidTransition):
        submit(eero)


# --- The transition table --------------------------------------------------------------

LEGAL = {
    # action: states it may start from
    "triage": {S.SUBMITTED},
    "answer": {S.SUBMITTED, S.TRIAGED},
    "network": {S.SUBMITTED, S.TRIAGED, S.ANSWERED},
    "close": {S.SUBMITTED, S.TRIAGED, S.ANSWERED, S.NETWORK_NEEDED},
    "withdraw": {S.SUBMITTED, S.TRIAGED},
}
TARGET = {
    "triage": S.TRIAGED,
    "answer": S.ANSWERED,
    "network": S.NETWORK_NEEDED,
    "close": S.CLOSED,
    "withdraw": S.WITHDRAWN,
}
STATES = [S.SUBMITTED, S.TRIAGED, S.ANSWERED, S.NETWORK_NEEDED, S.CLOSED, S.WITHDRAWN]


def act(action, consultation, requester, coordinator):
    if action == "triage":
        return services.triage_consultation(consultation, by=coordinator)
    if action == "answer":
        return services.answer_consultation(consultation, by=coordinator, advice="Neuvo.")
    if action == "network":
        return services.mark_network_needed(consultation, by=coordinator)
    if action == "close":
        return services.close_consultation(consultation, by=coordinator, outcome="referred")
    return services.withdraw_consultation(consultation, by=requester, reason="Asia ratkesi.")


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(LEGAL))
def test_transition_table(alice, kaisa, state, action):
    consultation = in_state(state, alice, kaisa)
    if state in LEGAL[action]:
        act(action, consultation, alice, kaisa)
        consultation.refresh_from_db()
        assert consultation.status == TARGET[action]
    elif state == TARGET[action]:
        act(action, consultation, alice, kaisa)  # the same move again returns quietly
        consultation.refresh_from_db()
        assert consultation.status == state
    else:
        with pytest.raises(InvalidTransition) as raised:
            act(action, consultation, alice, kaisa)
        assert str(raised.value)  # a message a person can read
        consultation.refresh_from_db()
        assert consultation.status == state


def test_first_response_and_assignment_are_recorded(alice, kaisa):
    consultation = submit(alice)
    services.triage_consultation(consultation, by=kaisa, urgency="urgent")
    consultation.refresh_from_db()
    assert consultation.first_response_at is not None
    assert consultation.assigned_to == kaisa and consultation.urgency == "urgent"
    first = consultation.first_response_at
    services.answer_consultation(consultation, by=kaisa, advice="Neuvo.")
    consultation.refresh_from_db()
    assert consultation.first_response_at == first
    assert consultation.answer.answered_by == kaisa


def test_close_needs_a_known_outcome(alice, kaisa):
    consultation = submit(alice)
    with pytest.raises(ValidationError) as raised:
        services.close_consultation(consultation, by=kaisa, outcome="vanished")
    assert "outcome" in raised.value.message_dict
    consultation.refresh_from_db()
    assert consultation.status == S.SUBMITTED and consultation.closed_at is None


def test_only_coordinators_triage_answer_or_close(alice, olli):
    consultation = submit(alice)
    for by in (alice, olli):
        with pytest.raises(InvalidTransition):
            services.triage_consultation(consultation, by=by)
        with pytest.raises(InvalidTransition):
            services.answer_consultation(consultation, by=by, advice="x")
        with pytest.raises(InvalidTransition):
            services.close_consultation(consultation, by=by, outcome="referred")


def test_only_the_requester_withdraws(alice, olli, kaisa):
    consultation = submit(alice)
    for by in (olli, kaisa):
        with pytest.raises(InvalidTransition):
            services.withdraw_consultation(consultation, by=by, reason="Asia ratkesi.")


def test_assign_to_a_colleague(alice, kaisa, hub):
    colleague = UserFactory(organization=hub, role="coordinator")
    consultation = submit(alice)
    services.assign_consultation(consultation, by=kaisa, to=colleague)
    consultation.refresh_from_db()
    assert consultation.assigned_to == colleague
    with pytest.raises(InvalidTransition):
        services.assign_consultation(consultation, by=kaisa, to=alice)


def test_anonymous_request_cannot_need_a_network(alice, kaisa):
    consultation = ConsultationFactory(
        requester=alice, anonymous=True, client=None, consent=None, age_band="30_39"
    )
    with pytest.raises(InvalidTransition):
        services.mark_network_needed(consultation, by=kaisa)


def test_feedback_once_after_an_answer(alice, kaisa):
    consultation = submit(alice)
    with pytest.raises(InvalidTransition):
        services.give_feedback(consultation, by=alice, usefulness=5)
    services.answer_consultation(consultation, by=kaisa, advice="Neuvo.")
    with pytest.raises(ValidationError) as raised:
        services.give_feedback(consultation, by=alice, usefulness=6)
    assert "usefulness" in raised.value.message_dict
    with pytest.raises(InvalidTransition):
        services.give_feedback(consultation, by=kaisa, usefulness=4)
    services.give_feedback(consultation, by=alice, usefulness=4, text="Hyödyllinen")
    with pytest.raises(InvalidTransition):
        services.give_feedback(consultation, by=alice, usefulness=5)
    assert Feedback.objects.get().usefulness == 4


def test_answer_notifies_the_requester_once_on_commit(
    alice, kaisa, django_capture_on_commit_callbacks
):
    consultation = submit(alice)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.answer_consultation(consultation, by=kaisa, advice="Neuvo.")
    assert len(callbacks) == 1
    # The inbox row and the e-mail's outbox row are part of the answer's transaction; the
    # delivery waits for the commit.
    notification = InboxItem.objects.get()
    assert notification.recipient == alice and notification.kind == "request_answered"
    message = OutboxMessage.objects.get()
    assert message.recipient == alice.email and message.state == OutboxMessage.State.QUEUED
    assert mail.outbox == []
    callbacks[0]()
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert len(mail.outbox) == 1
    # The kind's text and a link through the inbox, nothing of the client or request.
    assert f"/inbox/{notification.uuid}/" in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id
    assert "Matti" not in mail.outbox[0].body and "131052" not in mail.outbox[0].body
    # The delivery run again (a redelivered task, the periodic sweep) sends nothing more.
    assert deliver_due() == 0
    assert InboxItem.objects.count() == 1 and len(mail.outbox) == 1


def test_nothing_is_sent_when_the_answer_fails(alice, kaisa, django_capture_on_commit_callbacks):
    consultation = submit(alice)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        services.answer_consultation(consultation, by=kaisa, advice="")
    assert callbacks == [] and not InboxItem.objects.exists() and mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_a_failed_send_is_retried_later(alice, kaisa, monkeypatch):
    consultation = submit(alice)
    services.answer_consultation(consultation, by=kaisa, advice="Neuvo.")

    def broken(*args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    assert deliver_due() == 0
    message = OutboxMessage.objects.get()
    assert message.state == OutboxMessage.State.QUEUED and message.attempts == 1
    assert "smtp down" in message.last_error
    monkeypatch.undo()
    with time_machine.travel(message.next_attempt_at):
        assert deliver_due() == 1
    assert [m.to for m in mail.outbox] == [[alice.email]]


def test_broker_down_does_not_break_the_answer(
    alice, kaisa, monkeypatch, django_capture_on_commit_callbacks
):
    def no_broker(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(outbox_tasks.deliver_due, "delay", no_broker)
    consultation = submit(alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_consultation(consultation, by=kaisa, advice="Neuvo.")
    consultation.refresh_from_db()
    assert consultation.status == S.ANSWERED
    assert InboxItem.objects.exists()  # in the inbox already
    assert OutboxMessage.objects.get().state == OutboxMessage.State.QUEUED and mail.outbox == []
    # The periodic sweep delivers it.
    assert deliver_due() == 1 and len(mail.outbox) == 1


def test_urgent_request_notifies_the_hubs_coordinators(
    alice, kaisa, eero, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submit(alice, urgency="urgent")
    assert len(callbacks) == 1
    assert list(InboxItem.objects.values_list("recipient__username", flat=True)) == ["kaisa"]
    assert [message.to for message in mail.outbox] == [[kaisa.email]]


def test_normal_request_notifies_nobody(alice, kaisa, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submit(alice)
    assert callbacks == [] and not InboxItem.objects.exists()


def test_all_field_errors_come_at_once(alice):
    with pytest.raises(ValidationError) as raised:
        submit(alice, reasons=[], asked=["x"], description="", consent_method=None)
    assert {"reasons", "asked", "description", "consent_method"} <= set(raised.value.message_dict)
