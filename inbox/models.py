"""The inbox: one item per person, kind and thing, whatever app announced it
(common.inbox), and each person's choice of how items reach them by e-mail."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.inbox import Kind


class Delivery(models.TextChoices):
    """How items of a kind reach a person by e-mail."""

    IMMEDIATELY = "immediately", _("Immediately")
    DAILY_DIGEST = "daily_digest", _("In a daily digest")
    NONE = "none", _("Not by e-mail")


class InboxItem(models.Model):
    """Something for this person: it says what happened (never with client data) and
    links to the thing. The unique (recipient, kind, key) makes a repeated announcement
    one item; `delivery` is the person's choice when the item arrived, and `emailed_at` /
    `digested_at` say that its e-mail was written to the outbox."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="inbox_items",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    # The thing: kept for the admin and for cleaning up; the list reads `url` only.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    url = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=200)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    text = models.CharField(_("text"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    delivery = models.CharField(
        _("e-mail"), max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATELY
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    digested_at = models.DateTimeField(_("in a digest at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "key"], name="inbox_item_once"),
        ]
        indexes = [
            # The navigation badge on every page: a person's unread items.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="inbox_unread"
            ),
            # The inbox page: a person's items, newest first.
            models.Index(fields=["recipient", "-created_at"], name="inbox_list"),
            # The daily digest: items waiting for one.
            models.Index(
                fields=["recipient"],
                condition=Q(delivery="daily_digest", digested_at__isnull=True),
                name="inbox_digest_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.recipient_id})"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class EmailPreference(models.Model):
    """A person's choice for one kind; no row: immediately (as before the inbox)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="inbox_email_preferences",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    delivery = models.CharField(_("e-mail"), max_length=20, choices=Delivery.choices)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="inbox_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"
