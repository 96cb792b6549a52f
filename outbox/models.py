"""What leaves the system: one row per e-mail, written in the transaction of the change
that causes it and delivered later by a worker (outbox/delivery.py)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # Names the event and the recipient (e.g. `notification:12`), so that a sweep that
    # runs twice, or a service called again, writes the message once.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    # Fixed when the row is written: a retried delivery carries the same Message-ID, so a
    # mail server or client that saw the first one can recognise the second.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    recipient = models.EmailField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    # [{"filename": ..., "mimetype": ..., "content": <base64>}]: an invitation's .ics.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            # The sweep's question, "what is due?", reads only the few rows not yet final.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["queued", "sending"]),
                name="outbox_pending",
            ),
            models.Index(fields=["state", "created_at"], name="outbox_state"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
