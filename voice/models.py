"""One-time links that let a client answer without an account, the anonymous feedback
they give, and the log of every use and refusal of a link.

Feedback is anonymous by construction: `FeedbackAnswer` has no relation to the client or
to the link it came through, a random primary key (a sequence would line answers up with
the links' use times) and only a date. The link row is marked used; nothing points back.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, WorkAbilityAssessment
from coaching.models import Referral
from coordination.models import ConsultationRequest, Organization
from networks.models import NetworkMeeting
from serviceplans.models import ServicePlan


class Touchpoint(models.TextChoices):
    """The moments of the service a client is asked about."""

    CONSULTATION_ANSWER = "consultation_answer", _("Consultation answer")
    NETWORK_MEETING = "network_meeting", _("Network meeting")
    PLAN_AGREEMENT = "plan_agreement", _("Plan agreement")
    JOB_COACHING = "job_coaching", _("Job coaching")


class ClientLink(models.Model):
    """A link for one client and one purpose, handed over as a QR code, on paper or by
    e-mail. The URL carries a random token; only its keyed hash is stored, so neither
    the URL nor this table gives the other away."""

    class Purpose(models.TextChoices):
        FEEDBACK = "feedback", _("Feedback from the client")
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        USED = "used", _("Used")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    touchpoint = models.CharField(_("touchpoint"), max_length=30, choices=Touchpoint.choices)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="+"
    )
    # Exactly one of these four names the touchpoint (a check constraint below).
    consultation = models.ForeignKey(
        ConsultationRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        NetworkMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    plan = models.ForeignKey(
        ServicePlan, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The organisation whose service the client is asked about."),
    )
    language = models.CharField(_("language"), max_length=10, default="fi")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    # A hash of the submission's idempotency key: the same submission sent again is
    # answered with its thanks, a different one is refused as a second use.
    used_key = models.CharField(max_length=64, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assessment = models.OneToOneField(
        WorkAbilityAssessment,
        verbose_name=_("self-assessment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="client_link",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("client link")
        verbose_name_plural = _("client links")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(touchpoint="consultation_answer", consultation__isnull=False)
                    | Q(touchpoint="network_meeting", meeting__isnull=False)
                    | Q(touchpoint="plan_agreement", plan__isnull=False)
                    | Q(touchpoint="job_coaching", referral__isnull=False)
                ),
                name="client_link_names_its_touchpoint",
            ),
            models.CheckConstraint(
                condition=Q(purpose="self_assessment") | Q(assessment__isnull=True),
                name="client_link_assessment_only_for_self_assessment",
            ),
        ]
        indexes = [models.Index(fields=["client", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.get_touchpoint_display()})"

    def state_at(self, now: datetime.datetime) -> str:
        if self.revoked_at:
            return self.State.REVOKED
        if self.used_at:
            return self.State.USED
        if now >= self.expires_at:
            return self.State.EXPIRED
        return self.State.OPEN

    @property
    def state(self) -> str:
        return self.state_at(timezone.now())

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)


class LinkEvent(models.Model):
    """Each use and each refusal of a link (and its creation, sending and revocation).
    No client data: the link, what happened and when; an unknown token has no link."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        SENT = "sent", _("Sent by e-mail")
        OPENED = "opened", _("Opened")
        USED = "used", _("Answered")
        REVOKED = "revoked", _("Revoked")
        REFUSED_EXPIRED = "refused_expired", _("Refused: expired")
        REFUSED_USED = "refused_used", _("Refused: already used")
        REFUSED_REVOKED = "refused_revoked", _("Refused: revoked")
        REFUSED_PURPOSE = "refused_purpose", _("Refused: wrong purpose")
        REFUSED_UNKNOWN = "refused_unknown", _("Refused: unknown link")
        REFUSED_RATE = "refused_rate", _("Refused: too many requests")

    link = models.ForeignKey(
        ClientLink,
        verbose_name=_("link"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("link event")
        verbose_name_plural = _("link events")

    def __str__(self) -> str:
        return self.get_kind_display()


class Answer(models.IntegerChoices):
    NO = 0, _("No")
    PARTLY = 1, _("Partly")
    YES = 2, _("Yes")


class FeedbackAnswer(models.Model):
    """One client's anonymous answer: what it is about (touchpoint, organisation, the
    municipality of the client's service) and the day, never who gave it."""

    FREE_TEXT_MAX = 2000

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    touchpoint = models.CharField(_("touchpoint"), max_length=30, choices=Touchpoint.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.CharField(_("municipality"), max_length=3, blank=True)
    answered_on = models.DateField(_("answered on"))
    heard = models.PositiveSmallIntegerField(_("was heard"), choices=Answer.choices)
    understood = models.PositiveSmallIntegerField(
        _("understood what was agreed"), choices=Answer.choices
    )
    knows_next = models.PositiveSmallIntegerField(_("knows who helps next"), choices=Answer.choices)
    recommends = models.PositiveSmallIntegerField(_("would recommend"), choices=Answer.choices)
    free_text = models.TextField(_("in their own words"), max_length=FREE_TEXT_MAX, blank=True)

    class Meta:
        verbose_name = _("client feedback")
        verbose_name_plural = _("client feedback")
        indexes = [models.Index(fields=["answered_on", "touchpoint"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(heard__lte=2, understood__lte=2, knows_next__lte=2, recommends__lte=2),
                name="feedback_answers_0_to_2",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_touchpoint_display()} {self.answered_on}"
