"""Delivering the outbox, one message per claim.

A claim moves one due row from queued to sending (`select_for_update(skip_locked=True)`,
so workers at the same time never take the same row) and commits; the e-mail is sent;
the row is marked sent at once. A worker that dies between the claim and the mark leaves
exactly that one row in `sending`: after `OUTBOX_STALE_SENDING_SECONDS` the sweep queues
it again, and it goes out a second time with the same Message-ID. A failed send is
retried with exponential backoff up to `OUTBOX_MAX_ATTEMPTS`, then the row is `failed`
and waits for an administrator (the admin's "retry" action).
"""

import base64
import datetime
import logging
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from outbox.models import OutboxMessage

logger = logging.getLogger(__name__)
State = OutboxMessage.State

# The longest wait between two attempts.
MAX_BACKOFF = datetime.timedelta(hours=6)


def requeue_stale(now: datetime.datetime) -> int:
    """Rows left in `sending` by a worker that died: queue them again (or give up on one
    that has used all its attempts, so that a message that kills workers stops)."""
    stale = OutboxMessage.objects.filter(
        state=State.SENDING,
        claimed_at__lt=now - datetime.timedelta(seconds=settings.OUTBOX_STALE_SENDING_SECONDS),
    )
    failed = stale.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS).update(
        state=State.FAILED, last_error="the worker stopped while sending", claimed_at=None
    )
    return failed + stale.update(state=State.QUEUED, next_attempt_at=now, claimed_at=None)


def claim_next(now: datetime.datetime) -> OutboxMessage | None:
    """Take one due message for this worker, or None when nothing is due."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=State.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if message is None:
            return None
        message.state = State.SENDING
        message.attempts += 1
        message.claimed_at = timezone.now()
        message.save(update_fields=["state", "attempts", "claimed_at"])
    return message


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        message.subject,
        message.body,
        None,
        [message.recipient],
        headers={"Message-ID": message.message_id},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for attachment in message.attachments:
        email.attach(
            attachment["filename"],
            base64.b64decode(attachment["content"]),
            attachment["mimetype"],
        )
    return email


def _update_claimed(message: OutboxMessage, **fields) -> None:
    """Write the outcome of a send on the row this worker claimed. The mail has gone (or
    failed) already, so one lost database connection must not leave the row in `sending`
    (which would send it again): reconnect once and try again."""
    claimed = OutboxMessage.objects.filter(
        pk=message.pk, state=State.SENDING, claimed_at=message.claimed_at
    )
    try:
        claimed.update(**fields)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise
        connection.close()
        claimed.update(**fields)


def send_claimed(message: OutboxMessage) -> bool:
    """Send a claimed message and record the outcome. True if it went out."""
    try:
        build_email(message).send()
    except Exception as error:
        max_attempts = settings.OUTBOX_MAX_ATTEMPTS
        base = settings.OUTBOX_RETRY_BASE_SECONDS
        delay = min(datetime.timedelta(seconds=base * 2 ** (message.attempts - 1)), MAX_BACKOFF)
        final = message.attempts >= max_attempts
        logger.warning(
            "outgoing e-mail %s failed (attempt %s of %s): %s",
            message.pk,
            message.attempts,
            max_attempts,
            error,
        )
        _update_claimed(
            message,
            state=State.FAILED if final else State.QUEUED,
            next_attempt_at=timezone.now() + delay,
            claimed_at=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        return False
    _update_claimed(message, state=State.SENT, sent_at=timezone.now(), claimed_at=None)
    return True


def deliver_due(budget_seconds: float = 120.0) -> int:
    """Deliver due messages one by one until none is due or the time budget is spent (the
    next sweep goes on). Returns how many went out."""
    started = time.monotonic()
    requeue_stale(timezone.now())
    sent = 0
    while time.monotonic() - started < budget_seconds:
        message = claim_next(timezone.now())
        if message is None:
            break
        sent += send_claimed(message)
    return sent
