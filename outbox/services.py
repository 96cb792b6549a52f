"""Writing outgoing e-mail: always inside the caller's transaction, so that the message
exists if and only if the change that causes it was saved."""

import base64
import dataclasses
import logging
from collections.abc import Iterable, Sequence
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.text import neutralise_bidi
from outbox.models import OutboxMessage
from outbox.tasks import deliver_due

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Email:
    """One e-mail to one recipient. `key` names the event and the recipient so that the
    same e-mail is written once however often its cause is processed."""

    key: str
    to: str
    subject: str
    body: str
    html: str = ""
    # (filename, content, mimetype), as Django's EmailMessage.attach takes them.
    attachments: Sequence[tuple[str, bytes, str]] = ()
    language: str = ""


def _message_id_domain() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"


def _row(email: Email, domain: str) -> OutboxMessage:
    # Every outgoing text passes here: the one place to neutralise bidirectional control
    # characters in the subject and the bodies before they are stored and sent.
    subject = " ".join(neutralise_bidi(email.subject).split())  # a header is one line
    return OutboxMessage(
        dedupe_key=email.key,
        message_id=make_msgid(domain=domain),
        recipient=email.to,
        subject=subject,
        body=neutralise_bidi(email.body),
        html_body=neutralise_bidi(email.html),
        attachments=[
            {
                "filename": filename,
                "mimetype": mimetype,
                "content": base64.b64encode(content).decode("ascii"),
            }
            for filename, content, mimetype in email.attachments
        ],
        language=email.language,
    )


def queue_messages(emails: Iterable[Email]) -> None:
    """Write the e-mails in the caller's transaction (INSERT … ON CONFLICT DO NOTHING on
    the key, one statement) and ask a worker to deliver them once it commits."""
    if not transaction.get_connection().in_atomic_block:
        # Outside a transaction the row could be saved while the change it reports fails
        # (or the other way round): exactly what the outbox exists to prevent.
        raise RuntimeError("queue_messages() must be called inside transaction.atomic()")
    domain = _message_id_domain()
    rows = [_row(email, domain) for email in emails]
    if not rows:
        return
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    _schedule_delivery_on_commit()


def _schedule_delivery_on_commit() -> None:
    """One request for delivery per transaction, however many messages it writes: one
    sweep delivers them all."""
    connection = transaction.get_connection()
    active = set(connection.savepoint_ids)
    # A request already made in this savepoint or one around it commits (or rolls back)
    # together with these rows.
    if not any(
        func is schedule_delivery and savepoints <= active
        for savepoints, func, _robust in connection.run_on_commit
    ):
        transaction.on_commit(schedule_delivery)


def queue_message(**fields) -> None:
    """One e-mail: `queue_message(key=..., to=..., subject=..., body=...)`."""
    queue_messages([Email(**fields)])


def schedule_delivery() -> None:
    """Best effort: when the broker is down the rows wait for the periodic sweep
    (`outbox.deliver_due` in the beat schedule), and the person's request goes on."""
    try:
        deliver_due.delay()
    except Exception:  # kombu and redis raise many kinds of connection errors
        logger.warning("broker unavailable: queued e-mail waits for the periodic sweep")


def withdraw_queued(key_prefix: str) -> int:
    """Remove the e-mails under `key_prefix` that have not started to go out (a meeting's
    invitations of a version that a newer one replaces). Returns how many."""
    deleted, _ = OutboxMessage.objects.filter(
        dedupe_key__startswith=key_prefix, state=OutboxMessage.State.QUEUED
    ).delete()
    return deleted


def retry_messages(messages) -> int:
    """An administrator's retry: the messages that failed or wait are queued again, due
    now, with a fresh count of attempts; a worker is asked to deliver them. One on its
    way (sending) is left alone: it would go out twice."""
    count = messages.filter(
        state__in=[OutboxMessage.State.FAILED, OutboxMessage.State.QUEUED]
    ).update(state=OutboxMessage.State.QUEUED, attempts=0, next_attempt_at=timezone.now())
    if count:
        _schedule_delivery_on_commit()
    return count
