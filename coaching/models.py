"""IPS job coaching (quality-criteria-based supported employment, "laatukriteereihin
perustuva tuetun työllistymisen työhönvalmennus"): the client's referral and coaching
record, the vocational profile, employer work, job starts, follow-along support and the
team's fidelity self-reviews on the 25-item IPS Fidelity Scale.

Zero exclusion: nothing here screens a client out. A referral has no eligibility field."""

from decimal import Decimal
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The 25 items of the IPS Supported Employment Fidelity Scale (Becker, Swanson, Reese,
# Bond & McLeman, revised 2019), in the scale's order: (number, short name).
FIDELITY_ITEMS = (
    (1, _("Caseload size")),
    (2, _("Employment services staff")),
    (3, _("Vocational generalists")),
    (4, _("Integration with mental health treatment through team assignment")),
    (5, _("Integration with mental health treatment through frequent team contact")),
    (6, _("Collaboration with vocational rehabilitation counsellors")),
    (7, _("Vocational unit")),
    (8, _("Role of the employment supervisor")),
    (9, _("Zero exclusion criteria")),
    (10, _("Agency focus on competitive employment")),
    (11, _("Executive team support for supported employment")),
    (12, _("Work incentives planning")),
    (13, pgettext_lazy("IPS fidelity item", "Disclosure")),
    (14, _("Ongoing, work-based vocational assessment")),
    (15, _("Rapid job search for competitive jobs")),
    (16, _("Individualised job search")),
    (17, _("Job development: frequent employer contact")),
    (18, _("Job development: quality of employer contact")),
    (19, _("Diversity of job types")),
    (20, _("Diversity of employers")),
    (21, _("Competitive jobs")),
    (22, _("Individualised follow-along supports")),
    (23, _("Time-unlimited follow-along supports")),
    (24, _("Community-based services")),
    (25, _("Assertive engagement and outreach by the integrated team")),
)
FIDELITY_ITEM_COUNT = len(FIDELITY_ITEMS)
FIDELITY_MIN_SCORE = 1
FIDELITY_MAX_SCORE = 5

# The caseload limit of IPS: a job coach serves at most 20 clients at a time.
CASELOAD_LIMIT = 20


class FidelityBand(models.TextChoices):
    EXEMPLARY = "exemplary", _("Exemplary fidelity (115–125)")
    GOOD = "good", _("Good fidelity (100–114)")
    FAIR = "fair", _("Fair fidelity (74–99)")
    NOT_SUPPORTED_EMPLOYMENT = "not_ips", _("Not supported employment (73 or below)")


def fidelity_band(total: int | None) -> str:
    """The band of a total score 25–125: exemplary 115–125, good 100–114, fair 74–99, not
    supported employment 73 or below."""
    if total is None:
        return ""
    if total >= 115:
        return FidelityBand.EXEMPLARY
    if total >= 100:
        return FidelityBand.GOOD
    if total >= 74:
        return FidelityBand.FAIR
    return FidelityBand.NOT_SUPPORTED_EMPLOYMENT


class Referral(models.Model):
    """A client's referral to IPS job coaching and their coaching record. Status:
    waiting (sent to the team) → active (a coach took it) → follow_along (after a job
    start) → ended (with a reason). At most one referral per client is not ended."""

    class Source(models.TextChoices):
        MUNICIPAL_EMPLOYMENT = "municipal_employment", _("Municipal employment services")
        SOCIAL_WORK = "social_work", _("Social work")
        COORDINATOR = "coordinator", _("Work-ability coordinator")
        LIFESTYLE_COACH = "lifestyle_coach", _("Lifestyle coach")
        TE_OFFICE = "te_office", _("Employment services (TE)")
        TYP = "typ", _("TYP multi-sector joint service")
        HEALTH_CARE = "health_care", _("Health care")
        MENTAL_HEALTH_SERVICES = "mental_health_services", _("Mental health services")
        SELF_REFERRAL = "self_referral", _("Self-referral")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for a job coach")
        ACTIVE = "active", _("Active")
        FOLLOW_ALONG = "follow_along", _("Follow-along support")
        ENDED = "ended", _("Ended")

    OPEN_STATUSES = (Status.WAITING, Status.ACTIVE, Status.FOLLOW_ALONG)
    # The coach's caseload: the clients being served (waiting ones are not yet theirs).
    CASELOAD_STATUSES = (Status.ACTIVE, Status.FOLLOW_ALONG)

    class EndReason(models.TextChoices):
        EMPLOYED_OPEN_MARKET = "employed_open_market", _("Employed on the open labour market")
        EMPLOYED_OTHER = "employed_other", _("Employed otherwise (e.g. with a wage subsidy)")
        STUDIES = "studies", _("Started studies")
        REHABILITATION = "rehabilitation", _("Moved to rehabilitation")
        PENSION_ASSESSMENT = "pension_assessment", _("Moved to a pension assessment")
        MOVED = "moved", _("Moved away")
        CLIENT_WITHDREW = "client_withdrew", _("The client withdrew")
        NO_CONTACT = "no_contact", _("No contact with the client")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="coaching_referrals",
    )
    team = models.ForeignKey(
        "coordination.Organization",
        verbose_name=_("job coaching team"),
        on_delete=models.PROTECT,
        related_name="coaching_referrals",
        null=True,
        blank=True,
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("job coach"),
        on_delete=models.PROTECT,
        related_name="coaching_caseload",
        null=True,
        blank=True,
    )
    source = models.CharField(_("referred from"), max_length=30, choices=Source.choices)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        on_delete=models.PROTECT,
        related_name="coaching_referrals_sent",
        null=True,
        blank=True,
    )
    plan_action = models.ForeignKey(
        "serviceplans.PlanAction",
        verbose_name=_("plan action"),
        on_delete=models.SET_NULL,
        related_name="coaching_referrals",
        null=True,
        blank=True,
    )
    consultation = models.ForeignKey(
        "coordination.ConsultationRequest",
        verbose_name=_("consultation request"),
        on_delete=models.SET_NULL,
        related_name="coaching_referrals",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WAITING
    )
    referred_on = models.DateField(_("referred on"), default=timezone.localdate)
    taken_on = models.DateField(_("taken on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=30, choices=EndReason.choices, blank=True
    )
    notes = models.TextField(_("notes on the referral"), max_length=5_000, blank=True)
    benefits_counselling_on = models.DateField(
        _("benefits counselling done on"), null=True, blank=True
    )
    benefits_counselling_notes = models.TextField(
        _("notes on the benefits counselling"), max_length=5_000, blank=True
    )
    # Grows with every save of the benefits counselling (the coach and coordinators write
    # it): a save from a stale form is refused (common.locking).
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = _("job coaching referral")
        verbose_name_plural = _("job coaching referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=~Q(status="ended"),
                name="referral_one_open_per_client",
                violation_error_message=_("The client already has an open job coaching referral."),
            ),
            models.CheckConstraint(
                condition=Q(status="waiting") | Q(coach__isnull=False, taken_on__isnull=False),
                name="referral_taken_has_coach",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="referral_ended_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(taken_on__isnull=True) | Q(taken_on__gte=models.F("referred_on")),
                name="referral_taken_after_referred",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("referred_on")),
                name="referral_ended_after_referred",
            ),
        ]
        indexes = [
            # The caseload: a coach's open referrals.
            models.Index(
                fields=["coach", "status"],
                condition=~Q(status="ended"),
                name="referral_caseload_idx",
            ),
            # The team's waiting referrals.
            models.Index(
                fields=["team", "referred_on"],
                condition=Q(status="waiting"),
                name="referral_waiting_idx",
            ),
            # Metrics: referrals by the date they were made.
            models.Index(fields=["referred_on"], name="referral_referred_idx"),
        ]

    def __str__(self) -> str:
        return str(_("Job coaching referral %(date)s") % {"date": f"{self.referred_on:%Y-%m-%d}"})

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING

    @property
    def in_caseload(self) -> bool:
        return self.status in self.CASELOAD_STATUSES


class VocationalProfile(models.Model):
    """The client's vocational profile, made with the client: what work they want, what
    they are good at, what limits them and what may be told to an employer."""

    referral = models.OneToOneField(
        Referral,
        verbose_name=_("job coaching referral"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    preferences = models.TextField(
        _("work preferences"),
        max_length=5_000,
        blank=True,
        help_text=_("Kinds of work, hours and place the client wants."),
    )
    strengths = models.TextField(_("strengths and skills"), max_length=5_000, blank=True)
    restrictions = models.TextField(
        _("restrictions and needs for support"), max_length=5_000, blank=True
    )
    disclosure = models.TextField(
        _("what may be told to an employer"),
        max_length=5_000,
        blank=True,
        help_text=_("Agreed with the client: what the coach may tell an employer, if anything."),
    )
    agreed_with_client_on = models.DateField(_("agreed with the client on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # Grows with every save: a save from a stale form is refused (common.locking).
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("vocational profile")
        verbose_name_plural = _("vocational profiles")

    def __str__(self) -> str:
        return str(_("Vocational profile"))


class EmployerContactPerson(models.Model):
    """A contact person at an employer (an organisation of kind employer)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "coordination.Organization",
        verbose_name=_("employer"),
        on_delete=models.CASCADE,
        related_name="employer_contact_persons",
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("employer contact person")
        verbose_name_plural = _("employer contact persons")

    def __str__(self) -> str:
        return self.name


class EmployerContact(models.Model):
    """A job coach's contact with an employer for a client (job development). A "hidden"
    job is one the employer has not advertised."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        PHONE = "phone", _("Phone call")
        EMAIL = "email", _("E-mail")
        MEETING = "meeting", _("Meeting")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        INTRODUCED_CLIENT = "introduced_client", _("Client introduced")
        FOLLOW_UP_AGREED = "follow_up_agreed", _("Follow-up agreed")
        JOB_OPENING_FOUND = "job_opening_found", _("Job opening found")
        INTERVIEW_AGREED = "interview_agreed", _("Interview agreed")
        HIRED = "hired", _("Hired")
        NO_VACANCY = "no_vacancy", _("No vacancy")
        DECLINED = "declined", _("Declined")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    referral = models.ForeignKey(
        Referral,
        verbose_name=_("job coaching referral"),
        on_delete=models.PROTECT,
        related_name="employer_contacts",
    )
    employer = models.ForeignKey(
        "coordination.Organization",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="employer_contacts",
        limit_choices_to={"kind": "employer"},
    )
    contact_person = models.ForeignKey(
        EmployerContactPerson,
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        related_name="contacts",
        null=True,
        blank=True,
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("job coach"),
        on_delete=models.PROTECT,
        related_name="employer_contacts",
    )
    contacted_on = models.DateField(_("date of the contact"), default=timezone.localdate)
    kind = models.CharField(_("type of contact"), max_length=10, choices=Kind.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    hidden_job = models.BooleanField(
        _("hidden job"), default=False, help_text=_("A job that has not been advertised.")
    )
    notes = models.TextField(_("notes"), max_length=5_000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-contacted_on", "-pk"]
        verbose_name = _("employer contact")
        verbose_name_plural = _("employer contacts")
        indexes = [
            models.Index(fields=["employer", "contacted_on"], name="employer_contact_recent_idx"),
            models.Index(fields=["referral", "contacted_on"], name="employer_contact_ref_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.contacted_on:%Y-%m-%d} {self.get_kind_display()}"


class JobStart(models.Model):
    """A job the client started, and its end when it ends."""

    class EndReason(models.TextChoices):
        FIXED_TERM_ENDED = "fixed_term_ended", _("The fixed-term job ended")
        CLIENT_RESIGNED = "client_resigned", _("The client resigned")
        DISMISSED = "dismissed", _("Dismissed by the employer")
        HEALTH = "health", _("Health reasons")
        BETTER_JOB = "better_job", _("Moved to a better job")
        STUDIES = "studies", _("Started studies")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    referral = models.ForeignKey(
        Referral,
        verbose_name=_("job coaching referral"),
        on_delete=models.PROTECT,
        related_name="job_starts",
    )
    employer = models.ForeignKey(
        "coordination.Organization",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="job_starts",
        limit_choices_to={"kind": "employer"},
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    started_on = models.DateField(_("start date"))
    hours_per_week = models.DecimalField(_("hours per week"), max_digits=4, decimal_places=1)
    open_labour_market = models.BooleanField(
        _("open labour market"),
        default=True,
        help_text=_("A competitive job: ordinary pay, open to anyone, not set aside."),
    )
    wage_subsidy = models.BooleanField(_("wage subsidy"), default=False)
    modifications = models.TextField(_("job modifications made"), max_length=5_000, blank=True)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason the job ended"), max_length=20, choices=EndReason.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("job start")
        verbose_name_plural = _("job starts")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=Decimal("0")),
                name="job_start_hours_positive",
                violation_error_message=_("Hours per week must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="job_start_ends_after_start",
                violation_error_message=_("The job cannot end before it started."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
                name="job_start_end_has_reason",
            ),
        ]
        indexes = [
            # Metrics: starts in a period.
            models.Index(fields=["started_on"], name="job_start_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.started_on:%Y-%m-%d} {self.job_title}".strip()

    @property
    def is_ongoing(self) -> bool:
        return self.ended_on is None


class FollowAlongNote(models.Model):
    """Follow-along support after a job start: time-unlimited, as IPS requires."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    referral = models.ForeignKey(
        Referral,
        verbose_name=_("job coaching referral"),
        on_delete=models.PROTECT,
        related_name="follow_along_notes",
    )
    job_start = models.ForeignKey(
        JobStart,
        verbose_name=_("job"),
        on_delete=models.SET_NULL,
        related_name="follow_along_notes",
        null=True,
        blank=True,
    )
    written_on = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=10_000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-written_on", "-pk"]
        verbose_name = _("follow-along note")
        verbose_name_plural = _("follow-along notes")

    def __str__(self) -> str:
        return f"{self.written_on:%Y-%m-%d}"


class FidelityReview(models.Model):
    """A team's self-review on the 25-item IPS Fidelity Scale: 25 item scores 1–5 (one
    `FidelityItemScore` row each), total 25–125."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    team = models.ForeignKey(
        "coordination.Organization",
        verbose_name=_("job coaching team"),
        on_delete=models.PROTECT,
        related_name="fidelity_reviews",
    )
    reviewed_on = models.DateField(_("date of the review"), default=timezone.localdate)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The sum of the item scores, kept with the rows by the service that saves both.
    total = models.PositiveSmallIntegerField(_("total score"))
    notes = models.TextField(_("notes"), max_length=10_000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["team", "-reviewed_on", "-pk"]
        verbose_name = _("fidelity review")
        verbose_name_plural = _("fidelity reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=FIDELITY_ITEM_COUNT * FIDELITY_MIN_SCORE)
                & Q(total__lte=FIDELITY_ITEM_COUNT * FIDELITY_MAX_SCORE),
                name="fidelity_total_25_to_125",
            ),
        ]
        indexes = [models.Index(fields=["team", "reviewed_on"], name="fidelity_team_date_idx")]

    def __str__(self) -> str:
        return f"{self.reviewed_on:%Y-%m-%d} {self.total}/125"

    @property
    def band(self) -> str:
        return fidelity_band(self.total)

    def get_band_display(self) -> str:
        return str(FidelityBand(self.band).label) if self.band else ""


class FidelityItemScore(models.Model):
    """One item's score (1–5) in a fidelity review."""

    review = models.ForeignKey(
        FidelityReview,
        verbose_name=_("fidelity review"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    item = models.PositiveSmallIntegerField(_("item"), choices=FIDELITY_ITEMS)
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["item"]
        verbose_name = _("fidelity item score")
        verbose_name_plural = _("fidelity item scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="fidelity_item_once"),
            models.CheckConstraint(
                condition=Q(item__gte=1) & Q(item__lte=FIDELITY_ITEM_COUNT),
                name="fidelity_item_1_to_25",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=FIDELITY_MIN_SCORE) & Q(score__lte=FIDELITY_MAX_SCORE),
                name="fidelity_score_1_to_5",
                violation_error_message=_("A fidelity item score is a whole number from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.score}"
