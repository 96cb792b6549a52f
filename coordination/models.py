"""The hub and its members: organisations and the people who log in."""

import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Consent
from common.municipalities import municipality_choices, municipality_name
from common.workdays import working_days_between


class Organization(models.Model):
    """A member organisation of the county's network of services.

    The requesting organisation of a consultation is its contact source, so the kind is
    what the metrics group by.
    """

    class Kind(models.TextChoices):
        HEALTH_CENTRE = "health_centre", _("Health and social services centre")
        SOCIAL_SERVICES = "social_services", _("Social services")
        MENTAL_HEALTH_SUBSTANCE = (
            "mental_health_substance",
            _("Mental health and substance abuse services"),
        )
        TE_OFFICE = "te_office", _("Employment services")
        MUNICIPAL_EMPLOYMENT = "municipal_employment", _("Municipal employment services")
        KELA = "kela", _("Kela")
        TYP = "typ", _("TYP multi-sector joint service")
        EDUCATION = "education", _("Educational institution")
        NGO = "ngo", _("NGO")
        EMPLOYER = "employer", _("Employer")
        REHABILITATION = "rehabilitation", _("Rehabilitation provider")
        PENSION_INSURER = "pension_insurer", _("Pension insurer")
        CRIMINAL_SANCTIONS = "criminal_sanctions", _("Criminal Sanctions Agency")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    municipality = models.CharField(
        _("municipality"),
        max_length=3,
        choices=municipality_choices,
        blank=True,
        help_text=_("The municipality's code in Statistics Finland's classification."),
    )
    # A unit of a larger organisation (a health centre of the county, say); the tree is
    # for finding and grouping, not for access: each organisation manages its own people.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        related_name="units",
        null=True,
        blank=True,
    )
    is_hub = models.BooleanField(
        _("working-age coordination hub"),
        default=False,
        help_text=_("The hub's own organisation: its coordinators answer consultations."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in: a professional of a member organisation, a coordinator of
    the hub, a manager or an administrator."""

    class Role(models.TextChoices):
        PROFESSIONAL = "professional", _("Professional")
        COORDINATOR = "coordinator", _("Work-ability coordinator")
        MANAGER = "manager", _("Manager")
        ADMINISTRATOR = "administrator", _("Administrator")
        JOB_COACH = "job_coach", _("Job coach")

    # Roles of an organisation member who works with clients: a job coach is a
    # professional like any other.
    PROFESSIONAL_ROLES = (Role.PROFESSIONAL, Role.JOB_COACH)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.PROFESSIONAL
    )
    # An organisation's own administrator: invites and manages the people of their
    # organisation (people/access.py), up to their own role, and nothing else.
    is_org_admin = models.BooleanField(
        _("administrator of their organisation"),
        default=False,
        help_text=_("Invites and manages the people of their own organisation."),
    )
    title = models.CharField(_("title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_professional(self) -> bool:
        """An organisation member who works with clients: a professional or a job coach."""
        return self.role in self.PROFESSIONAL_ROLES

    @property
    def is_job_coach(self) -> bool:
        return self.role == self.Role.JOB_COACH

    @property
    def is_coordinator(self) -> bool:
        return self.role == self.Role.COORDINATOR

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMINISTRATOR


def format_reference(year: int, number: int) -> str:
    """The short reference a person can read aloud on the phone: `K-2026-000123`."""
    return f"K-{year}-{number:06d}"


# The client fields a requester sends with an identified request (ClientIdentityForm and
# the API's client input), kept on the request as they were sent.
CLIENT_SNAPSHOT_FIELDS = (
    "first_name",
    "last_name",
    "personal_identity_code",
    "date_of_birth",
    "municipality",
    "phone",
    "email",
    "address",
    "language",
    "life_situation",
    "target_groups",
)


def client_snapshot(data) -> dict:
    """The JSON kept on a request from a client's details (a dict or a Client)."""
    get = data.get if isinstance(data, dict) else lambda name: getattr(data, name, None)
    snapshot = {}
    for name in CLIENT_SNAPSHOT_FIELDS:
        value = get(name)
        if value in (None, "", []):
            continue
        snapshot[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return snapshot


class ClientAsSent:
    """The snapshot read like a client in templates: names, masked code, municipality."""

    def __init__(self, snapshot: dict):
        self.snapshot = snapshot
        self.first_name = snapshot.get("first_name", "")
        self.last_name = snapshot.get("last_name", "")
        # A code since municipalities are Statistics Finland's; older snapshots kept text.
        code = snapshot.get("municipality", "")
        self.municipality = municipality_name(code) or code

    def __bool__(self) -> bool:
        return bool(self.snapshot)

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def masked_identity_code(self) -> str:
        code = self.snapshot.get("personal_identity_code") or ""
        return f"{code[:7]}***{code[-1]}" if code else ""

    @property
    def personal_identity_code(self) -> str:
        return self.snapshot.get("personal_identity_code") or ""


class ConsultationRequest(models.Model):
    """A professional's request to the hub ("one contact is enough"). Identified requests
    carry a client and the consent for consultation; anonymous ones carry only an age
    band, a municipality and a life situation. Status follows FHIR's Task loosely."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        TRIAGED = "triaged", _("Triaged")
        ANSWERED = "answered", _("Answered")
        NETWORK_NEEDED = "network_needed", _("Network needed")
        NETWORK_FORMED = "network_formed", _("Network formed")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATUSES = (
        Status.SUBMITTED,
        Status.TRIAGED,
        Status.ANSWERED,
        Status.NETWORK_NEEDED,
    )

    class Channel(models.TextChoices):
        E_FORM = "e_form", _("E-form")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        MEETING = "meeting", _("Meeting")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    class AgeBand(models.TextChoices):
        UNDER_25 = "16_24", _("16–24 years")
        FROM_25 = "25_29", _("25–29 years")
        FROM_30 = "30_39", _("30–39 years")
        FROM_40 = "40_49", _("40–49 years")
        FROM_50 = "50_59", _("50–59 years")
        FROM_60 = "60_68", _("60–68 years")

    class Reason(models.TextChoices):
        WORK_ABILITY_UNCLEAR = "work_ability_unclear", _("Work ability is unclear")
        LONG_UNEMPLOYMENT = "long_unemployment", _("Long unemployment")
        PHYSICAL_HEALTH = "physical_health", _("Physical health")
        MENTAL_HEALTH = "mental_health", _("Mental health")
        SUBSTANCE_USE = "substance_use", _("Substance use")
        SOCIAL_SITUATION = "social_situation", _("Social situation or housing")
        FINANCES = "finances", _("Finances or debt")
        EDUCATION = "education", _("Education or competence")
        REHABILITATION = "rehabilitation", _("Need for rehabilitation")
        PENSION = "pension", _("Pension question")
        OTHER = "other", _("Other")

    class Asked(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        NETWORK = "network", _("Client network")
        JOB_COACHING = "job_coaching", _("IPS job coaching")
        HEALTH_CHECK = "health_check", _("Health check for the unemployed")

    class Outcome(models.TextChoices):
        ADVICE_GIVEN = "advice_given", _("Advice given")
        REFERRED = "referred", _("Referred to a service")
        NETWORK_FORMED = "network_formed", _("Client network formed")
        JOB_COACHING = "job_coaching", _("IPS job coaching started")
        HEALTH_CHECK = "health_check", _("Health check arranged")
        NO_ACTION = "no_action", _("No action needed")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(
        _("reference"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="consultation_requests",
    )
    # The contact source: copied from the requester's organisation, never typed.
    requesting_organization = models.ForeignKey(
        Organization,
        verbose_name=_("contact source"),
        on_delete=models.PROTECT,
        related_name="consultation_requests",
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.E_FORM
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="consultation_requests",
        null=True,
        blank=True,
    )
    consent = models.ForeignKey(
        "clients.Consent",
        verbose_name=_("consent"),
        on_delete=models.PROTECT,
        related_name="consultation_requests",
        null=True,
        blank=True,
    )
    # What the requester sent about an identified client, kept on the request so that
    # the requester is shown their own words and never what others recorded about the
    # person (the client record is the hub's). Keys: CLIENT_SNAPSHOT_FIELDS.
    client_snapshot = models.JSONField(
        _("the client as the requester gave them"), default=dict, blank=True
    )
    # The consent as the requester recorded it: when the identity code belongs to a client
    # the hub already knows, the request waits for a coordinator to link it, and the
    # consent is recorded on the client then.
    consent_method = models.CharField(
        _("how the consent was given"), max_length=20, choices=Consent.Method.choices, blank=True
    )
    consent_valid_until = models.DateField(_("consent valid until"), null=True, blank=True)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    municipality = models.CharField(
        _("municipality"),
        max_length=3,
        choices=municipality_choices,
        blank=True,
        help_text=_("The municipality's code in Statistics Finland's classification."),
    )
    life_situation = models.CharField(_("life situation"), max_length=40, blank=True)
    # Lists of Reason and Asked values; JSON lists work on PostgreSQL and SQLite alike.
    reasons = models.JSONField(_("reasons"), default=list)
    asked = models.JSONField(_("what is asked"), default=list)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    description = models.TextField(_("description"), max_length=10_000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned coordinator"),
        on_delete=models.SET_NULL,
        related_name="assigned_consultations",
        null=True,
        blank=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("note on the outcome"), max_length=2_000, blank=True)
    # The hub asked the requester for more information and waits for the reply: the
    # waiting clock stops meanwhile (`hub_waiting_days`).
    waiting_for_requester_since = models.DateTimeField(
        _("waiting for more information since"), null=True, blank=True
    )
    # Working days the request waited for the requester before the hub's first response,
    # summed over the finished waits; the one under way is counted from the field above.
    requester_waiting_days = models.PositiveIntegerField(
        _("working days waited for the requester"), default=0
    )
    withdrawal_reason = models.TextField(
        _("why the request was withdrawn"), max_length=2_000, blank=True
    )

    # Grows with every correction of the request: a change sent from a stale reading is
    # refused (common.locking), so that the requester and the coordinator do not
    # overwrite each other.
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["submitted_at"]
        verbose_name = _("consultation request")
        verbose_name_plural = _("consultation requests")
        constraints = [
            # An anonymous request carries no identity; an identified one carries both the
            # client and the consent that lets the hub process the client's data, or,
            # while it awaits identification by a coordinator, neither but the consent
            # as the requester recorded it.
            models.CheckConstraint(
                condition=(
                    Q(anonymous=True, client__isnull=True, consent__isnull=True)
                    | Q(anonymous=False, client__isnull=False, consent__isnull=False)
                    | (
                        Q(anonymous=False, client__isnull=True, consent__isnull=True)
                        & ~Q(consent_method="")
                    )
                ),
                name="consultation_identity_matches_anonymity",
            ),
        ]
        indexes = [
            # The queue: open requests, oldest first.
            models.Index(fields=["status", "submitted_at"]),
            # "My requests": a requester's own, newest first.
            models.Index(fields=["requester", "submitted_at"]),
            # Metrics: every dashboard block selects requests by the date they were sent.
            models.Index(fields=["submitted_at"], name="consultation_sent_idx"),
            # Metrics: contact sources count each organisation's requests in a period.
            models.Index(
                fields=["requesting_organization", "submitted_at"], name="consultation_source_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.reference or str(self.uuid)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def awaiting_identification(self) -> bool:
        """Identified, but its identity code belongs to a client the hub already knows:
        a coordinator links it to the client (the requester is never told)."""
        return not self.anonymous and self.client_id is None

    @property
    def client_as_sent(self) -> "ClientAsSent | None":
        """The client as the requester gave them; None for an anonymous request."""
        if self.anonymous:
            return None
        return ClientAsSent(self.client_snapshot or {})

    @property
    def is_waiting_for_requester(self) -> bool:
        return self.waiting_for_requester_since is not None

    def waiting_days(self, today: datetime.date) -> tuple[int, int]:
        """(working days the request has waited for the hub, working days it waited for
        the requester): from sending to the hub's first response (or `today`), the time
        spent waiting for more information left out of the first."""
        start = timezone.localdate(self.submitted_at)
        end = timezone.localdate(self.first_response_at) if self.first_response_at else today
        paused = self.requester_waiting_days
        if self.waiting_for_requester_since is not None:
            paused += working_days_between(
                timezone.localdate(self.waiting_for_requester_since), end
            )
        total = working_days_between(start, end)
        return max(total - paused, 0), paused

    def reason_labels(self) -> list[str]:
        labels = dict(self.Reason.choices)
        return [labels.get(value, value) for value in self.reasons]

    def asked_labels(self) -> list[str]:
        labels = dict(self.Asked.choices)
        return [labels.get(value, value) for value in self.asked]


class ConsultationMessage(models.Model):
    """One message of the conversation on a request: the hub asks the requester for more
    information, the requester replies. The requester and the hub see the thread; a
    message is never changed or removed."""

    MAX_LENGTH = 4_000

    class Kind(models.TextChoices):
        QUESTION = "question", _("Request for more information")
        REPLY = "reply", _("Reply from the requester")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        ConsultationRequest,
        verbose_name=_("consultation request"),
        on_delete=models.PROTECT,
        related_name="messages",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The author's organisation when they wrote: people move, the thread does not.
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    text = models.TextField(_("message"), max_length=MAX_LENGTH)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["request", "sent_at"], name="consultation_message_idx")]

    def __str__(self) -> str:
        return f"{self.request}: {self.get_kind_display()}"


class ConsultationAnswer(models.Model):
    """The coordinator's answer to a consultation request."""

    request = models.OneToOneField(
        ConsultationRequest,
        verbose_name=_("consultation request"),
        on_delete=models.PROTECT,
        related_name="answer",
    )
    advice = models.TextField(_("advice"), max_length=10_000)
    recommended_services = models.TextField(_("recommended services"), max_length=5_000, blank=True)
    next_step = models.TextField(_("next step"), max_length=2_000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("consultation answer")
        verbose_name_plural = _("consultation answers")

    def __str__(self) -> str:
        return f"{self.request}: {self.answered_at:%Y-%m-%d}"


class Feedback(models.Model):
    """The requester's feedback on a consultation: the model's "professional feedback"."""

    request = models.ForeignKey(
        ConsultationRequest,
        verbose_name=_("consultation request"),
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    usefulness = models.PositiveSmallIntegerField(_("usefulness (1–5)"))
    text = models.TextField(_("feedback"), max_length=5_000, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                name="feedback_once_per_request",
                violation_error_message=_("Feedback on this request has already been given."),
            ),
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5),
                name="feedback_usefulness_1_to_5",
            ),
        ]
        indexes = [
            # Metrics: feedback is counted by the date it was given.
            models.Index(fields=["given_at"], name="feedback_given_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.usefulness}/5"


class SecurityEvent(models.Model):
    """A change to how a person signs in or what they may do: their second factor, their
    role, organisation, rights or activity, and the integration credentials programs use.
    Administrators read these; rows are only ever added."""

    class Kind(models.TextChoices):
        SECOND_FACTOR_ADDED = "2fa_added", _("Authenticator added")
        SECOND_FACTOR_REPLACED = "2fa_replaced", _("Authenticator replaced")
        SECOND_FACTOR_REMOVED = "2fa_removed", _("Two-factor login turned off")
        RECOVERY_CODES_CREATED = "recovery_codes", _("New recovery codes made")
        RECOVERY_CODE_USED = "recovery_used", _("Recovery code used to sign in")
        PASSWORD_CHANGED = "password", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password set with an e-mailed link")
        SESSION_ENDED = "session_ended", _("Session ended by its owner")
        USER_CREATED = "user_created", _("User account created")
        USER_CHANGED = "user_changed", _("Role, organisation, rights or activity changed")
        CREDENTIAL_CREATED = "cred_created", _("Integration credential created")
        CREDENTIAL_REVOKED = "cred_revoked", _("Integration credential revoked")
        SSO_LINKED = "sso_linked", _("Organisation sign-in linked to the account")
        SSO_REFUSED = "sso_refused", _("Organisation sign-in refused")

    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="security_events",
        null=True,
        blank=True,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        related_name="security_events_made",
        null=True,
        blank=True,
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    # What changed, as {"field": [before, after]}, or the credential's name and scope.
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user}"


class IntegrationCredential(models.Model):
    """A key with which a program (not a person) reads the API, within one scope.

    The key is shown once, when it is made; only its SHA-256 hash is kept, found by the
    key's first characters (the prefix, not secret on its own). A credential always
    expires, and an administrator may revoke it sooner. A request made with it is not
    any person's: it reaches only the endpoints that accept its scope.
    """

    class Scope(models.TextChoices):
        METRICS_READ = "metrics:read", _("Read the activity metrics and the organisations")

    MAX_DAYS = 365

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="integration_credentials",
        null=True,
        blank=True,
    )
    scope = models.CharField(_("scope"), max_length=30, choices=Scope.choices)
    prefix = models.CharField(_("key prefix"), max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="integration_credentials_made",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("integration credential")
        verbose_name_plural = _("integration credentials")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.expires_at > at


class UserSession(models.Model):
    """A logged-in session as its owner sees it on their sessions page: when it began,
    when it was last used and from which browser. The session itself is Django's (in the
    database); this row names it by key, which is kept up to date when the key rotates
    (at the second factor), so that ending it here ends it there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.user} ({self.started_at:%Y-%m-%d %H:%M})"


class ExternalIdentity(models.Model):
    """A person's account at an identity provider (single sign-on): the provider's
    issuer and the person's stable subject there. A sign-in through the provider finds
    the account only by this pair, never by e-mail address or name."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="external_identities",
    )
    issuer = models.CharField(_("issuer"), max_length=300)
    subject = models.CharField(_("subject"), max_length=255)
    provider = models.CharField(_("provider"), max_length=40)
    created_at = models.DateTimeField(_("linked"), default=timezone.now)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        ordering = ["issuer", "subject"]
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"],
                name="external_identity_issuer_subject",
                violation_error_message=_(
                    "This organisation sign-in is already linked to another account."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.subject}"
