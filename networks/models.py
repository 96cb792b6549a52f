"""The people around the client: the client network (≈ FHIR CareTeam), its members, its
meetings with their agenda, attendance, minutes and decisions, and the rows that make
invitations and reminders go out exactly once."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Consent


class ClientNetwork(models.Model):
    """A multi-agency network assembled around one client by the hub's coordinator.
    "The client is not sent anywhere; the professionals gather around the client."
    """

    class Status(models.TextChoices):
        # forming: members are being gathered; active: the first meeting has been
        # scheduled; closed: the work has ended, with a reason the metrics count.
        FORMING = "forming", _("Forming")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    class ClosureReason(models.TextChoices):
        EMPLOYED = "employed", _("Employed")
        STUDIES = "studies", _("Started studies")
        REHABILITATION = "rehabilitation", _("Rehabilitation")
        PENSION_ASSESSMENT = "pension_assessment", _("Pension assessment")
        GOALS_MET = "goals_met", _("Goals met")
        MOVED = "moved", _("Moved away")
        CLIENT_WITHDREW = "client_withdrew", _("Client withdrew")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="networks",
    )
    origin_consultation = models.ForeignKey(
        "coordination.ConsultationRequest",
        verbose_name=_("origin consultation"),
        on_delete=models.PROTECT,
        related_name="networks",
        null=True,
        blank=True,
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible coordinator"),
        on_delete=models.PROTECT,
        related_name="coordinated_networks",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.FORMING
    )
    closure_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    closure_note = models.TextField(_("note on closing"), max_length=2_000, blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("client network")
        verbose_name_plural = _("client networks")
        constraints = [
            # One open network per client: a second one is refused by the database even
            # when two coordinators press the button at the same moment.
            models.UniqueConstraint(
                fields=["client"],
                condition=~Q(status="closed"),
                name="network_one_open_per_client",
                violation_error_message=_("This client already has an open client network."),
            ),
            # A closed network has its reason and date, an open one has neither.
            models.CheckConstraint(
                condition=(Q(status="closed", closed_at__isnull=False) & ~Q(closure_reason=""))
                | (~Q(status="closed") & Q(closed_at__isnull=True, closure_reason="")),
                name="network_closed_has_reason",
            ),
        ]
        indexes = [
            # The metrics group closed networks by reason and month.
            models.Index(fields=["status", "closed_at"]),
            # Metrics: networks formed in a period, by month.
            models.Index(fields=["opened_at"], name="network_opened_idx"),
            # Metrics: networks closed in a period whatever their status field says.
            models.Index(fields=["closed_at"], name="network_closed_idx"),
        ]

    def __str__(self) -> str:
        return str(_("Client network %(id)s") % {"id": str(self.uuid)[:8]})

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class NetworkMemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(left_at__isnull=True)

    def with_consent(self):
        """Active members whose organisation the client's valid network consent covers
        (or the hub's own staff): only these see the network and its client. A consent
        withdrawn or expired closes the door at once, as leaving does."""
        consent = Consent.objects.valid().filter(
            client=OuterRef("network__client"),
            scope=Consent.Scope.NETWORK,
            organizations=OuterRef("organization"),
        )
        return self.active().filter(Q(organization__is_hub=True) | Exists(consent))


class NetworkMember(models.Model):
    """A professional (a user of a member organisation) or a named outside person (a close
    person, an employer contact, a peer) in a network. Leaving sets `left_at`; rejoining
    is a new row, so the history of who took part when is kept."""

    class Role(models.TextChoices):
        RESPONSIBLE_WORKER = "responsible_worker", _("Responsible worker")
        JOB_COACH = "job_coach", _("Job coach")
        DOCTOR = "doctor", _("Doctor")
        NURSE = "nurse", _("Nurse")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        TE_EXPERT = "te_expert", _("Employment services expert")
        KELA = "kela", _("Kela")
        EMPLOYER = "employer", _("Employer")
        CLOSE_PERSON = "close_person", _("Close person")
        PEER = "peer", _("Peer")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    network = models.ForeignKey(
        ClientNetwork,
        verbose_name=_("client network"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("professional"),
        on_delete=models.PROTECT,
        related_name="network_memberships",
        null=True,
        blank=True,
    )
    # The professional's organisation when they joined (their user record may change
    # later; the consent was checked against this one).
    organization = models.ForeignKey(
        "coordination.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # An outside person: a name, where they come from, how to reach them.
    name = models.CharField(_("name"), max_length=200, blank=True)
    organization_name = models.CharField(_("organisation or relation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    removal_reason = models.TextField(_("why the member left"), max_length=2_000, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = NetworkMemberQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        constraints = [
            models.UniqueConstraint(
                fields=["network"],
                condition=Q(role="responsible_worker", left_at__isnull=True),
                name="network_one_responsible_worker",
                violation_error_message=_("The network already has a responsible worker."),
            ),
            models.UniqueConstraint(
                fields=["network", "user"],
                condition=Q(user__isnull=False, left_at__isnull=True),
                name="network_member_once",
                violation_error_message=_("This person is already a member of the network."),
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, organization__isnull=False)
                | (Q(user__isnull=True) & ~Q(name="")),
                name="network_member_user_or_named_person",
                violation_error_message=_("An outside person needs a name."),
            ),
        ]
        indexes = [
            # "Omat verkostot" and every access check: a user's active memberships.
            models.Index(
                fields=["user", "network"],
                condition=Q(left_at__isnull=True),
                name="network_member_active_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.left_at is None

    @property
    def is_outside_person(self) -> bool:
        return self.user_id is None

    @property
    def display_name(self) -> str:
        if self.user_id is not None:
            return str(self.user)
        return self.name

    @property
    def display_organization(self) -> str:
        if self.organization_id is not None:
            return str(self.organization)
        return self.organization_name

    @property
    def contact_email(self) -> str:
        if self.user_id is not None:
            return self.user.email
        return self.email


class NetworkMeeting(models.Model):
    """A network meeting (verkostopalaveri). Times are stored in UTC and shown in
    Europe/Helsinki. `ical_uid` never changes, `sequence` grows with every change that
    calendar programs must see (RFC 5545), so an update replaces the invitation."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class Mode(models.TextChoices):
        # Blank for a scheduled meeting: its place and video link say how it is held.
        IN_PERSON = "in_person", _("In person")
        VIDEO = "video", _("Video")
        PHONE = "phone", _("Phone")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    network = models.ForeignKey(
        ClientNetwork,
        verbose_name=_("client network"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    mode = models.CharField(_("how it was held"), max_length=10, choices=Mode.choices, blank=True)
    # Recorded as held after it took place, never scheduled here: nobody was invited, and
    # the timeline shows it when it was held rather than when it was scheduled.
    recorded_afterwards = models.BooleanField(
        _("recorded afterwards"), default=False, editable=False
    )
    location = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    agenda = models.TextField(_("agenda"), max_length=10_000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    sequence = models.PositiveIntegerField(_("iCalendar sequence"), default=0)
    # Grows with every save: a change or minutes saved from a stale form are refused
    # (common.locking), so that one editor does not overwrite another.
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    ical_uid = models.CharField(_("iCalendar UID"), max_length=200, unique=True, editable=False)
    # Attendance is a through model rather than a JSON list of ids: the database keeps
    # it consistent with the members (PROTECT), one row per member and meeting, and "which
    # meetings did this member attend" is a plain indexed join.
    attendees = models.ManyToManyField(
        NetworkMember,
        through="MeetingAttendance",
        related_name="attended_meetings",
        verbose_name=_("attendees"),
        blank=True,
    )
    client_present = models.BooleanField(_("the client took part"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), max_length=20_000, blank=True)
    minutes_recorded_at = models.DateTimeField(_("minutes recorded at"), null=True, blank=True)
    minutes_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_reason = models.TextField(
        _("why the meeting was cancelled"), max_length=2_000, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("network meeting")
        verbose_name_plural = _("network meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="meeting_duration_15_to_480",
                violation_error_message=_("A meeting lasts from 15 minutes to 8 hours."),
            ),
            # A phone or video meeting recorded afterwards needs neither: nobody will
            # travel to it or follow its link.
            models.CheckConstraint(
                condition=~Q(location="") | ~Q(video_link="") | Q(mode__in=["phone", "video"]),
                name="meeting_has_place_or_link",
                violation_error_message=_("Give the place or the video link."),
            ),
        ]
        indexes = [
            # The reminder task and "next meeting": scheduled meetings by start time.
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self.ical_uid:
            self.ical_uid = f"{self.uuid}@tyokyky"
        super().save(*args, **kwargs)

    @property
    def ends_at(self):
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(NetworkMeeting, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(NetworkMember, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.member_id}"


class MeetingDecision(models.Model):
    """One decision of a meeting: who does what by when. `serviceplans` turns a
    decision into a plan action."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(
        NetworkMeeting,
        verbose_name=_("network meeting"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    text = models.TextField(_("decision"), max_length=2_000)
    responsible = models.ForeignKey(
        NetworkMember,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="decisions",
        null=True,
        blank=True,
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")

    def __str__(self) -> str:
        return self.text[:60]


class MeetingInvitation(models.Model):
    """One invitation e-mail (request, update or cancellation) to one member for one
    version (`sequence`) of a meeting. Created before sending and claimed with a
    conditional update, so a task that runs twice sends once."""

    class Method(models.TextChoices):
        REQUEST = "REQUEST", _("Invitation")
        CANCEL = "CANCEL", _("Cancellation")

    meeting = models.ForeignKey(NetworkMeeting, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(NetworkMember, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveIntegerField()
    method = models.CharField(max_length=10, choices=Method.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member", "sequence"], name="invitation_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.meeting_id}/{self.member_id}#{self.sequence}"


class MeetingReminder(models.Model):
    """The day-before reminder to one member. The unique row makes a second send
    impossible even when the beat task runs twice at once (DESIGN.md §9)."""

    class Kind(models.TextChoices):
        DAY_BEFORE = "day_before", _("The day before")

    meeting = models.ForeignKey(NetworkMeeting, on_delete=models.CASCADE, related_name="reminders")
    member = models.ForeignKey(NetworkMember, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DAY_BEFORE)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting reminder")
        verbose_name_plural = _("meeting reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member", "kind"], name="reminder_once_per_member"
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="reminder_unsent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.meeting_id}/{self.member_id}"
