"""The outbox on its own: written with the caller's transaction, once per key, delivered
one by one with a stable Message-ID, retried with backoff, then failed and shown to
administrators."""

import datetime
import logging

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from outbox import services, tasks
from outbox.delivery import claim_next, deliver_due, requeue_stale
from outbox.models import OutboxMessage

State = OutboxMessage.State


def queue(key="test:1", to="alice@example.invalid", **fields):
    with transaction.atomic():
        services.queue_message(key=key, to=to, subject=f"Aihe {key}", body="Teksti", **fields)


@pytest.fixture
def smtp_down(monkeypatch):
    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)


@pytest.mark.django_db
def test_a_message_is_written_once_per_key():
    queue()
    queue()
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_outside_a_transaction_writing_is_refused(monkeypatch):
    monkeypatch.setattr(transaction.get_connection(), "in_atomic_block", False)
    with pytest.raises(RuntimeError):
        services.queue_message(key="k", to="a@example.invalid", subject="s", body="b")


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_writes_no_message():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.queue_message(key="k", to="a@example.invalid", subject="s", body="b")
        1 / 0  # noqa: B018
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_commit_asks_for_delivery_and_the_mail_goes_out():
    queue(
        attachments=[("invite.ics", b"BEGIN:VCALENDAR\r\n", "text/calendar; method=REQUEST")],
        html="<p>Teksti</p>",
    )
    # Tasks run in-process in tests: the commit's request delivered it at once.
    message = OutboxMessage.objects.get()
    assert message.state == State.SENT and message.attempts == 1 and message.sent_at
    [sent] = mail.outbox
    assert isinstance(sent, EmailMultiAlternatives)
    assert sent.to == ["alice@example.invalid"] and sent.subject == "Aihe test:1"
    assert sent.extra_headers["Message-ID"] == message.message_id
    assert sent.alternatives[0][0] == "<p>Teksti</p>"
    assert sent.attachments[0][0] == "invite.ics"
    assert "BEGIN:VCALENDAR" in sent.attachments[0][1]


@pytest.mark.django_db
def test_a_subject_is_one_line():
    with transaction.atomic():
        services.queue_message(key="k2", to="a@example.invalid", subject="Yksi\nkaksi", body="b")
    assert OutboxMessage.objects.get().subject == "Yksi kaksi"


@pytest.mark.django_db
def test_a_failed_send_is_retried_with_backoff_then_fails_visibly(smtp_down, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    queue()
    message = OutboxMessage.objects.get()
    message_id = message.message_id
    waits = []
    for _attempt in range(3):
        with time_machine.travel(message.next_attempt_at, tick=False):
            assert deliver_due() == 0
            message.refresh_from_db()
            waits.append(message.next_attempt_at - timezone.now())
    assert [round(w.total_seconds()) for w in waits[:2]] == [60, 120]
    assert message.state == State.FAILED and message.attempts == 3
    assert "ConnectionRefusedError: smtp down" in message.last_error
    assert message.message_id == message_id
    # Failed stays failed: the sweep never takes it again by itself.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        assert claim_next(timezone.now()) is None


@pytest.mark.django_db
def test_a_message_left_sending_by_a_dead_worker_goes_again_with_the_same_message_id(settings):
    settings.OUTBOX_STALE_SENDING_SECONDS = 300
    queue()
    claimed = claim_next(timezone.now())  # the worker dies here, before the send
    assert claimed is not None
    assert OutboxMessage.objects.get().state == State.SENDING
    assert deliver_due() == 0  # not stale yet: it may still be on its way
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=301)):
        assert deliver_due() == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == claimed.message_id
    message = OutboxMessage.objects.get()
    assert message.state == State.SENT and message.attempts == 2


@pytest.mark.django_db
def test_a_message_that_keeps_killing_workers_ends_failed(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    queue()
    claim_next(timezone.now())
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        requeue_stale(timezone.now())
    assert OutboxMessage.objects.get().state == State.FAILED


@pytest.mark.django_db
def test_one_message_per_claim():
    queue("a")
    queue("b")
    first = claim_next(timezone.now())
    assert OutboxMessage.objects.filter(state=State.SENDING).count() == 1
    second = claim_next(timezone.now())
    assert first is not None and second is not None
    assert first.pk != second.pk


@pytest.mark.django_db
def test_a_queued_message_can_be_withdrawn_but_not_one_on_its_way():
    queue("meeting:1:a")
    queue("meeting:1:b")
    claim_next(timezone.now())
    with transaction.atomic():
        assert services.withdraw_queued("meeting:1:") == 1
    assert OutboxMessage.objects.get().state == State.SENDING


@pytest.mark.django_db
def test_with_the_broker_down_the_change_is_saved_and_the_sweep_delivers(monkeypatch, caplog):
    def no_broker(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(tasks.deliver_due, "delay", no_broker)
    queue()
    with caplog.at_level(logging.WARNING, logger="outbox.services"):
        services.schedule_delivery()
    assert "broker unavailable" in caplog.text
    assert mail.outbox == []
    assert tasks.deliver_due.run() == 1
    assert len(mail.outbox) == 1


def test_the_sweep_is_in_the_beat_schedule_every_minute():
    [entry] = [e for e in app.conf.beat_schedule.values() if e["task"] == "outbox.deliver_due"]
    assert entry["schedule"] == 60


# --- The admin ---------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("root", "root@example.invalid", "x" * 16)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_administrators_see_failed_messages_and_retry_them(admin_client, smtp_down, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    settings.TWO_FACTOR_REQUIRED = False
    queue("a")
    queue("b")
    deliver_due()
    assert OutboxMessage.objects.filter(state=State.FAILED).count() == 2
    url = reverse("admin:outbox_outboxmessage_changelist")
    page = admin_client.get(url, {"state__exact": "failed"})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 2
    failed = OutboxMessage.objects.get(dedupe_key="a")
    # Read-only: no field to edit, nothing to add or delete.
    detail = admin_client.get(reverse("admin:outbox_outboxmessage_change", args=[failed.pk]))
    assert detail.status_code == 200
    assert not detail.context["adminform"].form.fields
    assert admin_client.get(reverse("admin:outbox_outboxmessage_add")).status_code == 403
    response = admin_client.post(
        url, {"action": "retry", "_selected_action": [failed.pk]}, follow=True
    )
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.state == State.QUEUED and failed.attempts == 0
    assert OutboxMessage.objects.get(dedupe_key="b").state == State.FAILED


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 30])
def test_the_admin_list_takes_the_same_queries_for_few_and_many(
    admin_client, rows, django_assert_num_queries, settings
):
    settings.TWO_FACTOR_REQUIRED = False
    for index in range(rows):
        queue(f"k{index}")
    url = reverse("admin:outbox_outboxmessage_changelist")
    admin_client.get(url)  # warm the session and the content types
    # Expect at most 12 queries: session, user, OTP devices, the count and the page of
    # rows, the date hierarchy, the language filter's choices; none per row.
    # Expect 12 queries, none per row: the session and the user; the count of all rows
    # and of the filtered ones; the page of rows; the inbox badge of the navigation; the
    # date hierarchy's range and days; the language filter's choices; the session saved
    # (a savepoint, the update, its release).
    with django_assert_num_queries(12):
        assert admin_client.get(url).status_code == 200


@pytest.mark.django_db
def test_bidirectional_controls_are_taken_out_of_subject_and_bodies():
    rlo, lri = "\u202e", "\u2066"
    with transaction.atomic():
        services.queue_message(
            key="bidi-1",
            to="anna@example.org",
            subject=f"Kokous {rlo}ylihuomenna",
            body=f"Matti {lri}Meikäläinen",
            html=f"<p>{rlo}Teksti</p>",
        )
    message = OutboxMessage.objects.get(dedupe_key="bidi-1")
    assert message.subject == "Kokous ylihuomenna"
    assert message.body == "Matti Meikäläinen"
    assert message.html_body == "<p>Teksti</p>"
