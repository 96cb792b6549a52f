"""Health checks for the unemployed (työttömien terveystarkastus): offered to a client,
then done or declined, and whether they led to a further assessment."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from common.db import LocalToday


class HealthCheck(models.Model):
    """A health check for the unemployed (työttömien terveystarkastus): offered to the
    client, then done or declined, and whether it led to a further assessment. Seed 002:
    in 2021 only 2.4 % of the unemployed in North Ostrobothnia had one, 21 % in Kainuu –
    offering it is part of the network's work."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")

    class FurtherAssessment(models.TextChoices):
        MEDICAL_ASSESSMENT = "medical_assessment", _("Medical assessment")
        WORK_ABILITY_ASSESSMENT = "work_ability_assessment", _("Work-ability assessment")
        REHABILITATION = "rehabilitation", _("Rehabilitation")
        PENSION_ASSESSMENT = "pension_assessment", _("Pension assessment")
        MENTAL_HEALTH = "mental_health", _("Mental health services")
        SUBSTANCE_SERVICES = "substance_services", _("Substance abuse services")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="health_checks"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OFFERED
    )
    offered_on = models.DateField(_("offered on"), default=timezone.localdate)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        "coordination.Organization",
        verbose_name=_("organisation that does the health check"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # When the doctor or nurse who did it has no login here.
    done_by_name = models.CharField(_("done by (name)"), max_length=200, blank=True)
    declined_on = models.DateField(_("declined on"), null=True, blank=True)
    led_to_further_assessment = models.BooleanField(
        _("led to a further assessment"), null=True, blank=True
    )
    further_assessment = models.CharField(
        _("further assessment"), max_length=30, choices=FurtherAssessment.choices, blank=True
    )
    notes = models.TextField(_("notes"), max_length=2_000, blank=True)
    # Grows with every recorded result: a result recorded from a stale reading is
    # refused (common.locking), so that one person's result does not silently
    # replace another's.
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    plan_action = models.ForeignKey(
        "serviceplans.PlanAction",
        verbose_name=_("plan action"),
        on_delete=models.SET_NULL,
        related_name="health_checks",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-offered_on", "-created_at"]
        verbose_name = _("health check for the unemployed")
        verbose_name_plural = _("health checks for the unemployed")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="health_check_done_has_date",
                violation_error_message=_("Give the date the health check was done."),
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(status="done"),
                name="health_check_date_only_when_done",
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_on__lte=LocalToday()),
                name="health_check_done_not_in_future",
                violation_error_message=_("The health check cannot be done in the future."),
            ),
            models.CheckConstraint(
                condition=Q(offered_on__lte=LocalToday()),
                name="health_check_offered_not_in_future",
                violation_error_message=_("The offer cannot be in the future."),
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_on__gte=F("offered_on")),
                name="health_check_done_after_offer",
                violation_error_message=_("The health check cannot be done before it was offered."),
            ),
        ]
        indexes = [
            # The metrics' share of the unemployed with a health check in the last year.
            models.Index(
                fields=["client", "done_on"],
                condition=Q(status="done"),
                name="health_check_done_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.offered_on:%Y-%m-%d}"

    @property
    def done_by_display(self) -> str:
        if self.done_by_id:
            return str(self.done_by)
        return self.done_by_name
