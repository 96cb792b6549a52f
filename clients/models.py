"""The person: the client, their consents and the log of who has read their data."""

import datetime
import re
import uuid

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fi import hetu

from common.dates import birth_date_error
from common.municipalities import municipality_choices


def normalize_identity_code(value: str | None) -> str | None:
    """The code as stored: upper case, no surrounding spaces; None when there is none."""
    if value is None:
        return None
    value = hetu.compact(value)
    return value or None


def validate_identity_code(value: str | None) -> None:
    """A Finnish personal identity code, with the century signs of 2023 (- Y X W V U for
    the 1900s, A B C D E F for the 2000s). The message never repeats the code."""
    if not value:
        return
    allow_temporary = settings.ACCEPT_TEMPORARY_IDENTITY_CODES
    try:
        hetu.validate(value, allow_temporary=allow_temporary)
    except InvalidChecksum:
        raise ValidationError(
            _("The check character of the personal identity code is wrong."),
            code="checksum",
        ) from None
    except StdnumValidationError:
        if not allow_temporary and hetu.is_valid(value, allow_temporary=True):
            raise ValidationError(
                _(
                    "Temporary personal identity codes (individual number 900–999) are not "
                    "accepted: leave the code empty and give the date of birth."
                ),
                code="temporary",
            ) from None
        raise ValidationError(
            _(
                "This is not a valid personal identity code: six digits of the birth date, "
                "the century sign, three digits and the check character."
            ),
            code="invalid",
        ) from None


# Six digits of the birth date, a century sign (or none, as people often type it), three
# digits and a check character: shaped like a code even when the checksum is wrong.
IDENTITY_CODE_SHAPE = re.compile(r"^\d{6}[-+A-FU-Y]?\d{3}[0-9A-Z]$")


def looks_like_identity_code(value: str | None) -> bool:
    """Whether `value` is shaped like a personal identity code (not necessarily valid):
    such a value must not travel where codes may not go (a URL, a log line)."""
    if not value:
        return False
    return bool(IDENTITY_CODE_SHAPE.match(hetu.compact(value)))


def birth_date_from_identity_code(value: str) -> datetime.date:
    code = hetu.compact(value)
    century = 1800 if code[6] == "+" else 1900 if code[6] in "-YXWVU" else 2000
    return datetime.date(century + int(code[4:6]), int(code[2:4]), int(code[0:2]))


class Client(models.Model):
    """A working-age person the hub's work is about. Addressed everywhere by `uuid`; the
    identity code never appears in a URL, a log line or an error page."""

    class Language(models.TextChoices):
        FINNISH = "fi", _("Finnish")
        SWEDISH = "sv", _("Swedish")
        ENGLISH = "en", _("English")
        OTHER = "other", _("Other")

    class LifeSituation(models.TextChoices):
        UNEMPLOYED_REGISTERED = "unemployed_registered", _("Unemployed, registered job seeker")
        UNEMPLOYED_NOT_REGISTERED = (
            "unemployed_not_registered",
            _("Unemployed, not registered as a job seeker"),
        )
        EMPLOYED = "employed", _("Employed")
        SICK_LEAVE = "sick_leave", _("On sick leave")
        STUDENT = "student", _("Student")
        REHABILITATIVE_WORK_ACTIVITY = (
            "rehabilitative_work_activity",
            _("In rehabilitative work activity"),
        )
        FIXED_TERM_DISABILITY_PENSION = (
            "fixed_term_disability_pension",
            _("On a fixed-term disability pension"),
        )
        OTHER = "other", _("Other")

    class TargetGroup(models.TextChoices):
        MENTAL_HEALTH = "mental_health", _("Mental health")
        SUBSTANCE_USE = "substance_use", _("Substance use")
        DISABILITY = "disability", _("Disability")
        DEVELOPMENTAL_DISABILITY = "developmental_disability", _("Developmental disability")
        LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Long-term unemployed")
        UNDER_30 = "under_30", _("Under 30 years old")
        IMMIGRANT_BACKGROUND = "immigrant_background", _("Immigrant background")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    # NULL, not "", when there is none: the unique constraint applies only to real codes.
    personal_identity_code = models.CharField(  # noqa: DJ001
        _("personal identity code"),
        max_length=11,
        null=True,
        blank=True,
        validators=[validate_identity_code],
        help_text=_("Leave empty if the person has none; then give the date of birth."),
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    municipality = models.CharField(
        _("municipality"),
        max_length=3,
        choices=municipality_choices,
        blank=True,
        help_text=_("The municipality's code in Statistics Finland's classification."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.FINNISH
    )
    life_situation = models.CharField(
        _("life situation"), max_length=40, choices=LifeSituation.choices, blank=True
    )
    # A short list of TargetGroup values; a JSON list works on PostgreSQL and SQLite alike.
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # Set when the retention period has passed and `clients.retention`
    # has blanked the identity and the free text; the row stays for the metrics.
    anonymized_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    # Grows with every change of the details: a change sent from a stale reading is
    # refused (common.locking), so that one coordinator does not undo another's.
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.UniqueConstraint(
                fields=["personal_identity_code"],
                condition=Q(personal_identity_code__isnull=False),
                name="client_identity_code_unique",
                violation_error_code="unique",
                violation_error_message=_(
                    "A client with this personal identity code already exists."
                ),
            ),
            models.CheckConstraint(
                condition=Q(personal_identity_code__isnull=False) | Q(date_of_birth__isnull=False),
                name="client_identity_code_or_birth_date",
                violation_error_message=_(
                    "Give the personal identity code or, if the person has none, the date of birth."
                ),
            ),
        ]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        # Names only: the identity code must never end up in a log line through str().
        if self.anonymized_at is not None:
            return str(_("Anonymised client"))
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args, **kwargs):
        self.personal_identity_code = normalize_identity_code(self.personal_identity_code)
        # The birth date part of a temporary code is real too.
        if self.personal_identity_code and hetu.is_valid(
            self.personal_identity_code, allow_temporary=True
        ):
            self.date_of_birth = birth_date_from_identity_code(self.personal_identity_code)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def target_group_labels(self) -> list[str]:
        labels = dict(self.TargetGroup.choices)
        return [str(labels.get(value, value)) for value in self.target_groups or []]

    @property
    def masked_identity_code(self) -> str:
        """`131052-***T`: the birth date and the check character, as lists show it."""
        code = self.personal_identity_code
        if not code:
            return ""
        return f"{code[:7]}***{code[-1]}"

    def clean(self):
        self.personal_identity_code = normalize_identity_code(self.personal_identity_code)
        errors = {}
        if self.personal_identity_code:
            # An invalid code is reported once, by the field's validator.
            try:
                validate_identity_code(self.personal_identity_code)
            except ValidationError:
                pass
            else:
                self.date_of_birth = birth_date_from_identity_code(self.personal_identity_code)
        elif not self.date_of_birth:
            errors["date_of_birth"] = [
                _("Give the date of birth when the person has no personal identity code.")
            ]
        error = birth_date_error(self.date_of_birth)
        if error:
            field = "personal_identity_code" if self.personal_identity_code else "date_of_birth"
            errors.setdefault(field, []).append(error)
        if errors:
            raise ValidationError(errors)


class ConsentQuerySet(models.QuerySet):
    def valid(self, at: datetime.datetime | None = None):
        """Consents in force: given, not withdrawn, not expired."""
        at = at or timezone.now()
        return self.filter(valid_q(at=at))


def valid_q(prefix: str = "", at: datetime.datetime | None = None) -> Q:
    """The condition of a valid consent, usable through a relation (`prefix="consent__"`)."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    return (
        Q(**{f"{prefix}given_at__lte": at})
        & Q(**{f"{prefix}withdrawn_at__isnull": True})
        & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today}))
    )


class Consent(models.Model):
    """The client's consent for the hub to process and share their data. No identified
    data reaches an organisation without a valid consent that covers it."""

    class Scope(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        NETWORK = "network", _("Client network")
        JOB_COACHING = "job_coaching", _("IPS job coaching")

    class Method(models.TextChoices):
        VERBAL = "verbal", _("Verbal")
        WRITTEN = "written", _("Written")
        ELECTRONIC = "electronic", _("Electronic")

    class WithdrawalChannel(models.TextChoices):
        IN_PERSON = "in_person", pgettext_lazy("consent withdrawal", "In person")
        PHONE = "phone", _("By phone")
        WRITTEN = "written", _("In writing")

    class ReportedBy(models.TextChoices):
        CLIENT = "client", _("The client")
        REPRESENTATIVE = "representative", _("The client's representative")
        OTHER = "other", _("Someone else on the client's behalf")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="consents"
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    organizations = models.ManyToManyField(
        "coordination.Organization",
        verbose_name=_("organisations covered"),
        related_name="+",
        blank=True,
    )
    method = models.CharField(_("how the consent was given"), max_length=20, choices=Method.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawal recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # How the withdrawal reached us: the day the client withdrew (may be before it was
    # recorded), the channel, and who told.
    withdrawn_on = models.DateField(_("date of withdrawal"), null=True, blank=True)
    withdrawal_channel = models.CharField(
        _("how the withdrawal was made"),
        max_length=20,
        choices=WithdrawalChannel.choices,
        blank=True,
    )
    withdrawal_reported_by = models.CharField(
        _("who withdrew it"), max_length=20, choices=ReportedBy.choices, blank=True
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["client", "scope"])]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ({self.given_at:%Y-%m-%d})"

    @property
    def is_valid(self) -> bool:
        now = timezone.now()
        if self.withdrawn_at is not None or self.given_at > now:
            return False
        return self.valid_until is None or self.valid_until >= timezone.localdate(now)


class AccessLogIsAppendOnly(Exception):
    """Raised when code tries to change or delete a row of the access log."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AccessLogIsAppendOnly("the access log is append-only")

    def delete(self):
        raise AccessLogIsAppendOnly("the access log is append-only")


# The `object_kind` values the apps write, in words. An unknown value is
# shown as it is.
OBJECT_KINDS = {
    "client": _("Client details"),
    "consent": _("Consent"),
    "assessment": _("Work-ability assessment"),
    "consultation": _("Consultation request"),
    "network": _("Client network"),
    "network_member": _("Network member"),
    "network_meeting": _("Network meeting"),
    "service_plan": _("Service plan"),
    "service_plan_pdf": _("Service plan as PDF"),
    "plan_goal": _("Plan goal"),
    "plan_action": _("Plan action"),
    "plan_review": _("Plan review"),
    "plan_history": _("Service plan's change history"),
    "health_check": _("Health check for the unemployed"),
    "client_record": _("Client record"),
    "coaching_referral": _("Referral to job coaching"),
    "vocational_profile": _("Vocational profile"),
    "employer_contact": _("Employer contact"),
    "job_start": _("Job start"),
    "follow_along_note": _("Follow-along note"),
    "client_link": _("One-time link for the client"),
}


class AccessLog(models.Model):
    """Who read or wrote which client's data, when, on what basis and from where: the
    access log and disclosure log of the client-data act (703/2023). Append-only: the
    model refuses updates and deletes, and on PostgreSQL a trigger refuses them too."""

    class Action(models.TextChoices):
        VIEW = "view", _("View")
        LIST = "list", _("List")
        EXPORT = "export", _("Export")
        API = "api", _("API")
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")

    class Basis(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        NETWORK = "network", _("Network membership")
        HUB_ROLE = "hub_role", _("Hub role")
        JOB_COACHING = "job_coaching", _("Job coaching")  # the client's coach
        # A network member reading the coaching record under the client's job-coaching
        # consent that names their organisation (the network consent does not open it).
        JOB_COACHING_CONSENT = "job_coaching_consent", _("Job-coaching consent")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="access_logs"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    object_kind = models.CharField(_("kind of object"), max_length=40, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["client", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AccessLogIsAppendOnly("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogIsAppendOnly("the access log is append-only")

    @property
    def object_kind_label(self) -> str:
        """The kind of data in words, for the review and the client's report."""
        return str(OBJECT_KINDS.get(self.object_kind, self.object_kind))


# --- The work-ability assessment ------------------------------------


def work_ability_band(score: int | None) -> str:
    """The band Finnish research uses for the Work Ability Score: poor 0–5, moderate 6–7,
    good 8–10."""
    if score is None:
        return ""
    if score <= 5:
        return WorkAbilityAssessment.Band.POOR
    if score <= 7:
        return WorkAbilityAssessment.Band.MODERATE
    return WorkAbilityAssessment.Band.GOOD


class WorkAbilityAssessment(models.Model):
    """One assessment of the client's work ability, repeated over time so that change is
    visible: the Work Ability Score (current work ability against the lifetime best, the
    first item of the Work Ability Index) and seven domain ratings in the spirit of the
    Work Ability House and TTL's Kykyviisari."""

    class Kind(models.TextChoices):
        SELF = "self", _("Self-assessment")
        PROFESSIONAL = "professional", _("Professional's assessment")
        MULTI_PROFESSIONAL = "multi_professional", _("Multi-professional assessment")

    class Band(models.TextChoices):
        POOR = "poor", _("Poor (0–5)")
        MODERATE = "moderate", _("Moderate (6–7)")
        GOOD = "good", _("Good (8–10)")

    # (field name, label): the domains, in the order forms and tables show them.
    DOMAINS = (
        ("physical_functioning", _("Physical functioning")),
        ("mental_wellbeing", _("Mental wellbeing")),
        ("social_participation", _("Social participation")),
        ("competence", _("Competence")),
        ("everyday_coping", _("Coping with everyday life")),
        ("motivation_values", _("Motivation and values")),
        ("work_environment", _("Work and work environment")),
    )

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    assessed_on = models.DateField(_("date of the assessment"), default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind of assessment"), max_length=20, choices=Kind.choices)
    score = models.PositiveSmallIntegerField(
        _("Work Ability Score (0–10)"),
        help_text=_(
            "Current work ability compared with the lifetime best: "
            "0 = cannot work at all, 10 = best."
        ),
    )
    physical_functioning = models.PositiveSmallIntegerField(
        _("physical functioning"), null=True, blank=True
    )
    mental_wellbeing = models.PositiveSmallIntegerField(
        _("mental wellbeing"), null=True, blank=True
    )
    social_participation = models.PositiveSmallIntegerField(
        _("social participation"), null=True, blank=True
    )
    competence = models.PositiveSmallIntegerField(_("competence"), null=True, blank=True)
    everyday_coping = models.PositiveSmallIntegerField(
        _("coping with everyday life"), null=True, blank=True
    )
    motivation_values = models.PositiveSmallIntegerField(
        _("motivation and values"), null=True, blank=True
    )
    work_environment = models.PositiveSmallIntegerField(
        _("work and work environment"), null=True, blank=True
    )
    narrative = models.TextField(_("narrative"), max_length=10_000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        verbose_name = _("work-ability assessment")
        verbose_name_plural = _("work-ability assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=10),
                name="assessment_score_0_to_10",
                violation_error_message=_("The Work Ability Score is a whole number from 0 to 10."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True})
                    | Q(**{f"{field}__gte": 0, f"{field}__lte": 10}),
                    name=f"assessment_{field}_0_to_10",
                    violation_error_message=_("A rating is a whole number from 0 to 10."),
                )
                for field in (
                    "physical_functioning",
                    "mental_wellbeing",
                    "social_participation",
                    "competence",
                    "everyday_coping",
                    "motivation_values",
                    "work_environment",
                )
            ),
        ]
        indexes = [models.Index(fields=["client", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.assessed_on:%Y-%m-%d} {self.score}/10"

    @property
    def band(self) -> str:
        return work_ability_band(self.score)

    def get_band_display(self) -> str:
        return str(self.Band(self.band).label)

    def domain_ratings(self) -> list[tuple[str, int | None]]:
        return [(label, getattr(self, field)) for field, label in self.DOMAINS]


# --- Reviews of the access log ---------------------------------------------


class AccessLogReviewQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AccessLogIsAppendOnly("the review trail of the access log is append-only")

    def delete(self):
        raise AccessLogIsAppendOnly("the review trail of the access log is append-only")


class AccessLogReview(models.Model):
    """An administrator's reading of the access log: the list, a CSV export, a client's
    access report, a search for the client to report on. Kept apart from `AccessLog`,
    which records reads of client *content*: an administrator sees no content, only who
    read whom, and writing a log row for every client on a review page would flood the
    log with entries about the log (and each new page would show rows made by the one
    before). Append-only like the access log: the model refuses updates and deletes, and
    on PostgreSQL a trigger refuses them too. `filters` holds only what the URL holds
    (uuids, dates, choice values): never a name searched for or an identity code."""

    class Action(models.TextChoices):
        LIST = "list", _("List")
        EXPORT = "export", _("Export")
        REPORT = "report", _("Access report")
        SEARCH = "search", _("Client search")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # The client the review was about: a filter of the list, or the subject of a report.
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="access_log_reviews",
        null=True,
        blank=True,
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)

    objects = AccessLogReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access-log review")
        verbose_name_plural = _("access-log reviews")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AccessLogIsAppendOnly("the review trail of the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogIsAppendOnly("the review trail of the access log is append-only")


# --- Changes of the client's details ---------------------------------------------------


class ClientChange(models.Model):
    """Who changed which of the client's details, and when: the client's record shows it.
    Field names only, never the values (an identity code must not end up here)."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    fields = models.JSONField(_("changed fields"), default=list)

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = _("change of client details")
        verbose_name_plural = _("changes of client details")
        indexes = [models.Index(fields=["client", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M} {', '.join(self.fields)}"

    def field_labels(self) -> list[str]:
        """The changed fields in words, as the record shows them."""
        labels = []
        for name in self.fields:
            try:
                labels.append(str(Client._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:
                labels.append(name)
        return labels
