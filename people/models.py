"""Invitations to the service and the record of every change an administrator makes to
people and organisations."""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(token: str) -> str:
    """What is kept of an invitation's token: its SHA-256. The link carries the token;
    a copy of the database opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        """Neither accepted nor withdrawn, and not yet expired."""
        return self.filter(
            accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """A one-time link that lets the invited person set their password. The account is
    made (inactive, without a password) with the invitation, so that it shows in the
    list as invited; accepting sets the password and opens it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.withdrawn_at is None
            and self.expires_at > timezone.now()
        )


class ChangeRecord(models.Model):
    """One change to a person or an organisation: who made it, when, and the fields as
    they were before and after. Rows are only added."""

    class Action(models.TextChoices):
        INVITED = "invited", _("Invited")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        CHANGED = "changed", _("Details changed")
        DEACTIVATED = "deactivated", _("Deactivated")
        REACTIVATED = "reactivated", _("Reactivated")
        SECOND_FACTOR_RESET = "second_factor_reset", _("Second factor reset")
        WORK_HANDED_OVER = "work_handed_over", _("Work handed over")
        ORGANIZATION_CREATED = "organization_created", _("Organisation created")
        ORGANIZATION_CHANGED = "organization_changed", _("Organisation changed")

    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="change_records",
        null=True,
        blank=True,
    )
    organization = models.ForeignKey(
        "coordination.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="change_records",
        null=True,
        blank=True,
    )
    action = models.CharField(_("change"), max_length=30, choices=Action.choices)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        indexes = [
            models.Index(fields=["person", "at"]),
            models.Index(fields=["organization", "at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(organization__isnull=False),
                name="change_record_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class HandedOverItem(models.Model):
    """One piece of work handed over when someone left, as the client's record and the
    network's timeline show it. `label` names the object without the client's identity
    (a request's reference, an action's text); `object_id` is the pk of the object of
    kind `what`, so that the entry is shown only to those who may see that object."""

    class What(models.TextChoices):
        COORDINATOR = "coordinator", _("Network coordinator")
        REQUEST = "request", _("Consultation request")
        MEMBERSHIP = "membership", _("Network membership")
        COACHING = "coaching", _("Job coaching")
        ACTION = "action", _("Plan action")
        MEETING = "meeting", _("Network meeting")

    record = models.ForeignKey(
        ChangeRecord,
        verbose_name=_("change record"),
        on_delete=models.CASCADE,
        related_name="handed_over",
    )
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken over by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    network = models.ForeignKey(
        "networks.ClientNetwork",
        verbose_name=_("client network"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    what = models.CharField(_("work"), max_length=20, choices=What.choices)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(_("object"), max_length=200, blank=True)
    url = models.CharField(max_length=300)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("handed-over item")
        verbose_name_plural = _("handed-over items")
        indexes = [
            models.Index(fields=["client", "at"]),
            models.Index(fields=["network", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_what_display()} {self.at:%Y-%m-%d %H:%M}"
