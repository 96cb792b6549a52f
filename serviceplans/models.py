"""The individual service plan (≈ FHIR CarePlan): the client's own goals, the actions with
who does what by when, the follow-up reviews, every agreed version kept, the PDF of a
version."""

from uuid import uuid4

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ServicePlan(models.Model):
    """One version of a network's plan. Agreeing freezes a version; the next edit starts
    version n+1 as a draft (a copy), and agreeing that one closes the previous agreed
    version. `lock_version` grows with every save: a save made from a stale form is
    refused (optimistic locking, DESIGN.md §7)."""

    class Status(models.TextChoices):
        # FHIR CarePlan: draft → active (agreed) → completed (closed: superseded by a
        # newer agreed version or ended with the network).
        DRAFT = "draft", _("Draft")
        AGREED = "agreed", _("Agreed")
        CLOSED = "closed", _("Closed")

    class AgreementMethod(models.TextChoices):
        IN_MEETING = "in_meeting", _("In a network meeting")
        VERBAL = "verbal", _("Verbally")
        WRITTEN = "written", _("In writing (signed)")
        ELECTRONIC = "electronic", _("Electronically")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    network = models.ForeignKey(
        "networks.ClientNetwork",
        verbose_name=_("client network"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="service_plans",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    client_goals = models.TextField(
        _("the client's goals in their own words"), max_length=10_000, blank=True
    )
    strengths = models.TextField(_("strengths and resources"), max_length=10_000, blank=True)
    assessment_summary = models.TextField(
        _("summary of the work-ability assessment"), max_length=10_000, blank=True
    )
    next_review_date = models.DateField(_("next review"), null=True, blank=True)
    agreement_method = models.CharField(
        _("how the client agreed"), max_length=20, choices=AgreementMethod.choices, blank=True
    )
    agreement_note = models.CharField(_("note on the agreement"), max_length=500, blank=True)
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agreement recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["network", "-version"]
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")
        constraints = [
            models.UniqueConstraint(fields=["network", "version"], name="plan_version_once"),
            # One draft and one agreed version at a time: two people pressing "edit" on
            # an agreed plan at once cannot start two drafts.
            models.UniqueConstraint(
                fields=["network"], condition=Q(status="draft"), name="plan_one_draft"
            ),
            models.UniqueConstraint(
                fields=["network"], condition=Q(status="agreed"), name="plan_one_agreed"
            ),
            models.CheckConstraint(
                condition=~Q(status="agreed") | Q(agreed_at__isnull=False),
                name="plan_agreed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Service plan, version %(version)d") % {"version": self.version})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class PlanGoal(models.Model):
    """A goal of the plan, in the client's words where possible (≈ FHIR Goal)."""

    class Domain(models.TextChoices):
        WORK = "work", _("Work")
        EDUCATION = "education", _("Education")
        HEALTH = "health", _("Health")
        FINANCES = "finances", _("Finances")
        HOUSING = "housing", _("Housing")
        SOCIAL = "social", _("Social relationships")

    class Status(models.TextChoices):
        # FHIR Goal achievement status, the part a network uses; a review sets it from
        # the goal's progress (GoalProgress.GOAL_STATUS).
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        NO_PROGRESS = "no_progress", _("Stalled")
        ACHIEVED = "achieved", _("Achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        CANCELLED = "cancelled", _("Cancelled")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="goals")
    # The same goal across versions keeps its lineage: the diff pairs goals by it.
    lineage = models.UUIDField(default=uuid4, editable=False)
    text = models.TextField(_("goal"), max_length=2_000)
    domain = models.CharField(_("area of life"), max_length=20, choices=Domain.choices)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(fields=["plan", "lineage"], name="goal_lineage_once"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class PlanAction(models.Model):
    """An action (toimenpide): what is done, which service, who is responsible (an
    organisation, a person or both) and by when."""

    class ServiceType(models.TextChoices):
        IPS_JOB_COACHING = "ips_job_coaching", _("IPS job coaching (supported employment)")
        UNEMPLOYED_HEALTH_CHECK = "unemployed_health_check", _("Health check for the unemployed")
        MEDICAL_ASSESSMENT = "medical_assessment", _("Medical assessment")
        VOCATIONAL_REHABILITATION = "vocational_rehabilitation", _("Vocational rehabilitation")
        REHABILITATIVE_WORK_ACTIVITY = (
            "rehabilitative_work_activity",
            _("Rehabilitative work activity"),
        )
        WORK_TRIAL = "work_trial", _("Work trial")
        EDUCATION = "education", _("Education")
        BENEFITS_GUIDANCE = "benefits_guidance", _("Benefits guidance")
        MENTAL_HEALTH = "mental_health", _("Mental health services")
        SUBSTANCE_SERVICES = "substance_services", _("Substance abuse services")
        SOCIAL_WORK = "social_work", _("Social work")
        DEBT_COUNSELLING = "debt_counselling", _("Debt counselling")
        HOUSING = "housing", _("Housing services")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="actions")
    lineage = models.UUIDField(default=uuid4, editable=False)
    goal = models.ForeignKey(
        PlanGoal,
        verbose_name=_("goal"),
        on_delete=models.SET_NULL,
        related_name="actions",
        null=True,
        blank=True,
    )
    description = models.TextField(_("action"), max_length=2_000)
    service_type = models.CharField(_("service"), max_length=40, choices=ServiceType.choices)
    responsible_organization = models.ForeignKey(
        "coordination.Organization",
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        related_name="plan_actions",
        null=True,
        blank=True,
    )
    # Someone without a login: the client themself, a close person, an employer contact.
    responsible_name = models.CharField(
        _("responsible person (no login)"), max_length=200, blank=True
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    decision = models.ForeignKey(
        "networks.MeetingDecision",
        verbose_name=_("network decision"),
        on_delete=models.SET_NULL,
        related_name="plan_actions",
        null=True,
        blank=True,
    )
    position = models.PositiveSmallIntegerField(default=0)
    # An action is edited on its own (description, service, who, when): a save made from
    # a stale form is refused, as for the plan.
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "lineage"], name="action_lineage_once"),
            models.CheckConstraint(
                condition=Q(responsible_organization__isnull=False)
                | Q(responsible_user__isnull=False)
                | ~Q(responsible_name=""),
                name="action_has_responsible",
                violation_error_message=_("Name who is responsible for the action."),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_at__isnull=False),
                name="action_done_has_date",
            ),
        ]
        indexes = [
            # "Omat toimenpiteet" and the reminder sweep: open actions by person and date.
            models.Index(
                fields=["responsible_user", "due_date"],
                condition=Q(status__in=["planned", "in_progress"]),
                name="action_open_by_user_idx",
            ),
            models.Index(
                fields=["due_date"],
                condition=Q(status__in=["planned", "in_progress"]),
                name="action_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def responsible_display(self) -> str:
        parts = []
        if self.responsible_user_id:
            parts.append(str(self.responsible_user))
        elif self.responsible_name:
            parts.append(self.responsible_name)
        if self.responsible_organization_id:
            parts.append(str(self.responsible_organization))
        return ", ".join(parts)


class RemovedAction(models.Model):
    """An action taken out of a draft plan, with why: the action row itself goes (a
    draft is work in progress), this stays on the plan's history."""

    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="removed_actions")
    lineage = models.UUIDField(editable=False)
    description = models.TextField(_("action"), max_length=2_000)
    service_type = models.CharField(
        _("service"), max_length=40, choices=PlanAction.ServiceType.choices
    )
    reason = models.TextField(_("reason"), max_length=2_000)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("removed at"), default=timezone.now)

    class Meta:
        ordering = ["-removed_at", "-pk"]
        verbose_name = _("removed action")
        verbose_name_plural = _("removed actions")

    def __str__(self) -> str:
        return self.description[:60]


class PlanReview(models.Model):
    """A follow-up and review (seuranta ja arviointi) of a plan version."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ServicePlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(_("date of the review"), default=timezone.localdate)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("summary"), max_length=10_000)
    next_review_date = models.DateField(_("next review"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["reviewed_on", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.reviewed_on:%Y-%m-%d}"


class GoalProgress(models.Model):
    """How one goal has progressed, as a review saw it."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        PROGRESSING = "progressing", _("Progressing")
        ACHIEVED = "achieved", _("Achieved")
        STALLED = "stalled", _("Stalled")

    # The goal's status after a review that saw this progress.
    GOAL_STATUS = {
        "not_started": PlanGoal.Status.NOT_STARTED,
        "progressing": PlanGoal.Status.IN_PROGRESS,
        "achieved": PlanGoal.Status.ACHIEVED,
        "stalled": PlanGoal.Status.NO_PROGRESS,
    }

    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="progress")
    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="progress")
    progress = models.CharField(_("progress"), max_length=20, choices=Progress.choices)
    note = models.TextField(_("note"), max_length=2_000, blank=True)

    class Meta:
        ordering = ["goal__position", "goal__pk"]
        verbose_name = _("goal progress")
        verbose_name_plural = _("goal progress")
        constraints = [
            models.UniqueConstraint(fields=["review", "goal"], name="progress_once_per_goal"),
        ]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.progress}"


class PlanChange(models.Model):
    """One change of a plan recorded on its history: who, when, what (an action edited)
    and each changed field before → after, as the person saw it (labels, not ids), so
    that the history still reads right when a user or an organisation is renamed."""

    class Kind(models.TextChoices):
        ACTION_EDITED = "action_edited", _("Action edited")

    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # The action's lineage: the same action across versions.
    subject = models.UUIDField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    # [{"field": name, "label": label, "before": text, "after": text}, ...]
    fields = models.JSONField(_("changed fields"), default=list)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        indexes = [models.Index(fields=["plan", "changed_at"], name="plan_change_by_plan")]

    def __str__(self) -> str:
        return f"{self.kind} {self.changed_at:%Y-%m-%d %H:%M}"


def document_path(document: "PlanDocument", filename: str) -> str:
    return f"plans/{document.plan.uuid}/{document.uuid}.pdf"


def document_storage():
    """Where rendered documents are kept: STORAGES["documents"], the database by default
    (see StoredFile). A callable, so that the migration does not freeze the choice."""
    return storages["documents"]


class StoredFile(models.Model):
    """The bytes of a generated document, in PostgreSQL: a backup of the database is then
    a backup of the documents, and every web and worker process reads what any of them
    wrote, with no shared volume (serviceplans.storage.DatabaseStorage)."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.name


class PlanDocument(models.Model):
    """The PDF of one plan version: a row first (queued), claimed by the Celery task,
    then ready with its file and SHA-256 (or failed with the reason)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    plan = models.ForeignKey(ServicePlan, on_delete=models.PROTECT, related_name="documents")
    # The plan's lock_version when asked: a document made of an older state is stale.
    lock_version = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(
        _("file"), upload_to=document_path, storage=document_storage, blank=True
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("plan document")
        verbose_name_plural = _("plan documents")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(sha256="") & ~Q(file="")),
                name="document_ready_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} ({self.status})"
