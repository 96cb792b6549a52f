"""What happens in the networks app: every write is a verb–noun service function here.

Each function is one transaction. A move the state or the person's role does not allow
raises `InvalidTransition` with a message a person can read; bad input raises Django's
`ValidationError` with a message per field, so that forms and the API show it where it
belongs. Nothing is saved half-way. E-mails are outbox rows written in the same
transaction (networks/emails.py), delivered by a worker after the commit.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients import services as client_services
from clients.models import AccessLog, Client, Consent
from common.confirm import reason_errors
from common.dates import planned_date_error, short_date, short_datetime
from common.inbox import Kind, announce
from common.locking import StaleEdit, save_locked
from coordination import services as coordination_services
from coordination.models import ConsultationRequest, Organization, User
from coordination.services import InvalidTransition
from networks import emails
from networks.access import can_manage_meetings, network_basis
from networks.models import (
    ClientNetwork,
    MeetingAttendance,
    MeetingDecision,
    MeetingReminder,
    NetworkMeeting,
    NetworkMember,
)

__all__ = ["ConsentMissing", "InvalidTransition", "StaleEdit"]

MIN_DURATION = 15
MAX_DURATION = 480
Role = NetworkMember.Role


class ConsentMissing(InvalidTransition):
    """The client's network consent does not cover the organisation: the page offers to
    record (extend) the consent."""

    field = "user"

    def __init__(self, message, organization: Organization):
        super().__init__(message)
        self.organization = organization


def _log(by: User, client: Client, action: str, kind: str) -> None:
    """Writes by services are logged here; reads are logged by the views (clients.audit)."""
    AccessLog.objects.create(
        user=by, client=client, action=action, basis=network_basis(by), object_kind=kind
    )


def _require_coordinator(by: User) -> None:
    if not (by.is_active and by.is_coordinator):
        raise InvalidTransition(gettext_lazy("Only a work-ability coordinator can do this."))


def _locked(network: ClientNetwork) -> ClientNetwork:
    """The network re-read under a row lock: members and meetings of one network are
    changed one at a time, so the checks below (one responsible worker, no overlapping
    meetings) see the other person's change."""
    return ClientNetwork.objects.select_for_update().select_related("client").get(pk=network.pk)


def _require_open(network: ClientNetwork) -> None:
    if not network.is_open:
        raise InvalidTransition(gettext_lazy("The network has been closed."))


# --- Consent ---------------------------------------------------------------------------


def network_consents(client: Client):
    return Consent.objects.valid().filter(client=client, scope=Consent.Scope.NETWORK)


def covered_organizations(client: Client) -> set[int]:
    """Ids of the organisations the client's valid network consents cover."""
    return set(
        network_consents(client)
        .filter(organizations__isnull=False)
        .values_list("organizations", flat=True)
    )


def consent_covers(client: Client, organization: Organization) -> bool:
    """The hub's own organisation works under its role; every other organisation needs
    the client's valid network consent that names it."""
    if organization.is_hub:
        return True
    return network_consents(client).filter(organizations=organization).exists()


@transaction.atomic
def extend_network_consent(
    network: ClientNetwork,
    *,
    by: User,
    method: str,
    organizations,
    valid_until: datetime.date | None = None,
) -> Consent:
    """Record the client's network consent covering the organisations already covered
    and the new ones (a new consent row; the earlier ones stay as they were)."""
    _require_coordinator(by)
    network = _locked(network)
    _require_open(network)
    wanted = {org.pk if isinstance(org, Organization) else int(org) for org in organizations}
    if not wanted:
        raise ValidationError({"organizations": [_("Choose the organisations.")]})
    consent = client_services.record_consent(
        network.client,
        by=by,
        scope=Consent.Scope.NETWORK,
        method=method,
        organizations=sorted(wanted | covered_organizations(network.client)),
        valid_until=valid_until,
    )
    _log(by, network.client, AccessLog.Action.CREATE, "consent")
    return consent


# --- The network -----------------------------------------------------------------------


@transaction.atomic
def form_network(
    *,
    by: User,
    consultation: ConsultationRequest | None = None,
    client: Client | None = None,
    consent: dict | None = None,
) -> ClientNetwork:
    """Form a network around the client of a consultation that needs one (the request
    moves to "network formed") or around a client directly. `consent` records the
    client's network consent in the same transaction: `{"method", "organizations",
    "valid_until"}`."""
    _require_coordinator(by)
    if (consultation is None) == (client is None):
        raise TypeError("give either a consultation or a client")
    if consultation is not None:
        consultation = ConsultationRequest.objects.select_for_update().get(pk=consultation.pk)
        if consultation.status == ConsultationRequest.Status.NETWORK_FORMED:
            existing = consultation.networks.first()
            if existing is not None:
                return existing
        if consultation.anonymous or consultation.client_id is None:
            raise InvalidTransition(gettext_lazy("A client network needs an identified client."))
        if consultation.status != ConsultationRequest.Status.NETWORK_NEEDED:
            raise InvalidTransition(
                gettext_lazy(
                    "A network can be formed from a request that is marked as needing one."
                )
            )
        client = consultation.client
    if (
        ClientNetwork.objects.filter(client=client)
        .exclude(status=ClientNetwork.Status.CLOSED)
        .exists()
    ):
        raise InvalidTransition(
            gettext_lazy("This client already has an open client network. Open it instead.")
        )
    try:
        # A savepoint: two coordinators at once, and the second gets the message, not a
        # broken transaction.
        with transaction.atomic():
            network = ClientNetwork.objects.create(
                client=client,
                origin_consultation=consultation,
                coordinator=by,
                opened_at=timezone.now(),
            )
    except IntegrityError:
        raise InvalidTransition(
            gettext_lazy("This client already has an open client network. Open it instead.")
        ) from None
    if consultation is not None:
        coordination_services.mark_network_formed(consultation, by=by)
    if consent:
        client_services.record_consent(
            client,
            by=by,
            scope=Consent.Scope.NETWORK,
            method=consent.get("method"),
            organizations=consent.get("organizations") or (),
            valid_until=consent.get("valid_until"),
        )
    _log(by, client, AccessLog.Action.CREATE, "network")
    return network


@transaction.atomic
def close_network(network: ClientNetwork, *, by: User, reason: str, note: str = ""):
    """Close the network with a reason (the metrics count them). Meetings still ahead are
    cancelled and their invitations withdrawn."""
    _require_coordinator(by)
    network = _locked(network)
    if network.status == ClientNetwork.Status.CLOSED:
        return network
    errors = {}
    if reason not in ClientNetwork.ClosureReason.values:
        errors["reason"] = [_("Choose the reason from the list.")]
    if len(note or "") > 2_000:
        errors["note"] = [_("At most 2,000 characters.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for meeting in network.meetings.filter(
        status=NetworkMeeting.Status.SCHEDULED, starts_at__gt=now
    ):
        _cancel(meeting, now, by, str(_("The client network was closed.")))
    network.status = ClientNetwork.Status.CLOSED
    network.closure_reason = reason
    network.closure_note = note or ""
    network.closed_at = now
    network.save(update_fields=["status", "closure_reason", "closure_note", "closed_at"])
    _log(by, network.client, AccessLog.Action.UPDATE, "network")
    return network


# --- Members ---------------------------------------------------------------------------


def _role_errors(network: ClientNetwork, role: str) -> dict:
    if role not in Role.values:
        return {"role": [_("Choose the role from the list.")]}
    if (
        role == Role.RESPONSIBLE_WORKER
        and network.members.filter(role=Role.RESPONSIBLE_WORKER, left_at__isnull=True).exists()
    ):
        return {
            "role": [
                _(
                    "The network already has a responsible worker. Remove them first if "
                    "the responsibility moves to someone else."
                )
            ]
        }
    return {}


@transaction.atomic
def add_network_member(
    network: ClientNetwork,
    *,
    by: User,
    role: str,
    user: User | None = None,
    name: str = "",
    organization_name: str = "",
    phone: str = "",
    email: str = "",
) -> NetworkMember:
    """Add a professional (`user`) or a named outside person. A professional's
    organisation must be covered by the client's network consent."""
    _require_coordinator(by)
    network = _locked(network)
    _require_open(network)
    errors = _role_errors(network, role)
    member = NetworkMember(network=network, role=role, added_by=by, joined_at=timezone.now())
    if user is not None:
        if not (user.is_active and (user.is_professional or user.is_coordinator)):
            errors["user"] = [_("Only an active professional or coordinator can be a member.")]
        elif user.organization_id is None:
            errors["user"] = [_("This user has no organisation; ask the administrator.")]
        elif network.members.filter(user=user, left_at__isnull=True).exists():
            errors["user"] = [_("This person is already a member of the network.")]
        if errors:
            raise ValidationError(errors)
        if not consent_covers(network.client, user.organization):
            raise ConsentMissing(
                gettext_lazy(
                    "The client's consent does not cover %(organization)s. Record the "
                    "client's consent for this organisation first."
                )
                % {"organization": user.organization},
                organization=user.organization,
            )
        member.user = user
        member.organization = user.organization
    else:
        name = (name or "").strip()
        if not name:
            errors["name"] = [_("Give the person's name.")]
        member.name = name
        member.organization_name = (organization_name or "").strip()
        member.phone = (phone or "").strip()
        member.email = (email or "").strip()
        try:
            member.full_clean(exclude=["network", "user", "organization", "added_by", "role"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        # The database's partial unique constraints: someone else was quicker.
        raise InvalidTransition(
            gettext_lazy("The member could not be added: the network changed meanwhile.")
        ) from None
    _log(by, network.client, AccessLog.Action.UPDATE, "network_member")
    if member.user_id is not None and member.user_id != by.pk:
        announce(member.user_id, Kind.ADDED_TO_NETWORK, member)
    return member


@transaction.atomic
def remove_network_member(member: NetworkMember, *, by: User, reason: str) -> NetworkMember:
    """The member leaves, for the reason given (shown on the network's timeline):
    `left_at` is set and their access ends at once. The row stays, so the history of
    the network is kept; rejoining is a new row."""
    _require_coordinator(by)
    network = _locked(member.network)
    member = NetworkMember.objects.select_for_update().get(pk=member.pk)
    if member.left_at is not None:
        return member
    _require_open(network)
    errors = reason_errors(reason)
    if errors:
        raise ValidationError(errors)
    member.left_at = timezone.now()
    member.removal_reason = reason.strip()
    member.save(update_fields=["left_at", "removal_reason"])
    _log(by, network.client, AccessLog.Action.UPDATE, "network_member")
    return member


# --- Meetings --------------------------------------------------------------------------


def _require_meeting_manager(by: User, network: ClientNetwork) -> None:
    if not can_manage_meetings(by, network):
        raise InvalidTransition(
            gettext_lazy(
                "Only a coordinator or the network's responsible worker can manage meetings."
            )
        )


def _meeting_errors(
    network: ClientNetwork,
    *,
    starts_at,
    duration_minutes,
    location: str,
    video_link: str,
    agenda: str,
    exclude: NetworkMeeting | None = None,
) -> dict:
    errors = {}
    if starts_at is None:
        errors["starts_at"] = [_("Give the date and time.")]
    elif timezone.is_naive(starts_at):
        raise TypeError("starts_at must be an aware datetime")
    elif starts_at <= timezone.now():
        errors["starts_at"] = [_("The meeting cannot be in the past.")]
    elif planned_date_error(timezone.localdate(starts_at)):
        errors["starts_at"] = [planned_date_error(timezone.localdate(starts_at))]
    try:
        duration_minutes = int(duration_minutes)
    except (TypeError, ValueError):
        duration_minutes = 0
    if not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        errors["duration_minutes"] = [_("A meeting lasts from 15 minutes to 8 hours.")]
    if not (location or "").strip() and not (video_link or "").strip():
        errors["location"] = [_("Give the place or the video link.")]
    if len(agenda or "") > 10_000:
        errors["agenda"] = [_("The agenda can have at most 10,000 characters.")]
    if not errors:
        overlap = _overlap_error(
            network, starts_at, duration_minutes, (NetworkMeeting.Status.SCHEDULED,), exclude
        )
        if overlap:
            errors["starts_at"] = [overlap]
    return errors


@transaction.atomic
def schedule_meeting(
    network: ClientNetwork,
    *,
    by: User,
    starts_at: datetime.datetime,
    duration_minutes: int = 60,
    location: str = "",
    video_link: str = "",
    agenda: str = "",
) -> NetworkMeeting:
    """Schedule a meeting; every member with an e-mail address gets an invitation with
    an iCalendar attachment. The first meeting makes a forming network active."""
    network = _locked(network)
    _require_meeting_manager(by, network)
    _require_open(network)
    if not network.members.filter(role=Role.RESPONSIBLE_WORKER, left_at__isnull=True).exists():
        raise InvalidTransition(
            gettext_lazy("Name the network's responsible worker before scheduling a meeting.")
        )
    errors = _meeting_errors(
        network,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location,
        video_link=video_link,
        agenda=agenda,
    )
    if errors:
        raise ValidationError(errors)
    meeting = NetworkMeeting.objects.create(
        network=network,
        starts_at=starts_at,
        duration_minutes=int(duration_minutes),
        location=(location or "").strip(),
        video_link=(video_link or "").strip(),
        agenda=agenda or "",
        created_by=by,
    )
    if network.status == ClientNetwork.Status.FORMING:
        network.status = ClientNetwork.Status.ACTIVE
        network.save(update_fields=["status"])
    _log(by, network.client, AccessLog.Action.CREATE, "network_meeting")
    emails.queue_invitations(meeting)
    _announce_meeting(meeting, Kind.MEETING_INVITED, by=by)
    return meeting


def _announce_meeting(meeting: NetworkMeeting, kind: Kind, *, by: User | None) -> None:
    """To every member with an account but the one who made the change; the key names
    the meeting's calendar sequence, so each move is its own item."""
    members = meeting.network.members.filter(
        left_at__isnull=True, user__isnull=False, user__is_active=True
    ).values_list("user_id", flat=True)
    key = f"networks.networkmeeting:{meeting.pk}:{meeting.sequence}"
    for user_id in members:
        if by is None or user_id != by.pk:
            announce(user_id, kind, meeting, key=key)


def _overlap_error(
    network: ClientNetwork,
    starts_at: datetime.datetime,
    duration_minutes: int,
    statuses: tuple[str, ...],
    exclude: NetworkMeeting | None = None,
) -> str | None:
    ends_at = starts_at + datetime.timedelta(minutes=duration_minutes)
    # Meetings last at most 8 hours, so only those starting up to 8 hours earlier can
    # reach into this one.
    nearby = network.meetings.filter(
        status__in=statuses,
        starts_at__lt=ends_at,
        starts_at__gt=starts_at - datetime.timedelta(minutes=MAX_DURATION),
    )
    if exclude is not None:
        nearby = nearby.exclude(pk=exclude.pk)
    for other in nearby:
        if other.ends_at > starts_at:
            return _("The network already has a meeting at that time (%(time)s).") % {
                "time": short_datetime(other.starts_at)
            }
    return None


def _held_meeting_errors(
    network: ClientNetwork,
    *,
    starts_at,
    duration_minutes,
    mode: str,
    location: str,
    agenda: str,
) -> dict:
    """A meeting recorded afterwards: it has started (today or earlier), not before the
    day the network was formed, lasted 15 minutes to 8 hours, and an in-person one has
    its place."""
    errors: dict[str, list[str]] = {}
    if starts_at is None:
        errors["starts_at"] = [_("Give the date and time.")]
    elif timezone.is_naive(starts_at):
        raise TypeError("starts_at must be an aware datetime")
    elif starts_at > timezone.now():
        errors["starts_at"] = [
            _("A meeting that was held cannot be in the future. Schedule it instead.")
        ]
    elif timezone.localdate(starts_at) < timezone.localdate(network.opened_at):
        errors["starts_at"] = [
            _("The meeting cannot be before the network was formed (%(date)s).")
            % {"date": short_date(timezone.localdate(network.opened_at))}
        ]
    try:
        duration_minutes = int(duration_minutes)
    except (TypeError, ValueError):
        duration_minutes = 0
    if not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        errors["duration_minutes"] = [_("A meeting lasts from 15 minutes to 8 hours.")]
    if mode not in NetworkMeeting.Mode.values:
        errors["mode"] = [_("Choose how the meeting was held.")]
    elif mode == NetworkMeeting.Mode.IN_PERSON and not (location or "").strip():
        errors["location"] = [_("Give the place where the meeting was held.")]
    if len(agenda or "") > 10_000:
        errors["agenda"] = [_("The agenda can have at most 10,000 characters.")]
    if not errors:
        overlap = _overlap_error(
            network,
            starts_at,
            duration_minutes,
            (NetworkMeeting.Status.SCHEDULED, NetworkMeeting.Status.HELD),
        )
        if overlap:
            errors["starts_at"] = [overlap + " " + _("Open it and record its minutes instead.")]
    return errors


@transaction.atomic
def record_held_meeting(
    network: ClientNetwork,
    *,
    by: User,
    starts_at: datetime.datetime,
    duration_minutes: int = 60,
    mode: str = NetworkMeeting.Mode.IN_PERSON,
    location: str = "",
    video_link: str = "",
    agenda: str = "",
) -> NetworkMeeting:
    """Record a meeting that was held without being scheduled here: today, earlier, by
    phone or video. It is created as held and nobody is invited or reminded – it is
    over. The minutes are recorded next (`record_meeting_minutes`). Like a scheduled
    one, the first meeting makes a forming network active."""
    network = _locked(network)
    _require_meeting_manager(by, network)
    _require_open(network)
    errors = _held_meeting_errors(
        network,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        location=location,
        agenda=agenda,
    )
    if errors:
        raise ValidationError(errors)
    meeting = NetworkMeeting.objects.create(
        network=network,
        starts_at=starts_at,
        duration_minutes=int(duration_minutes),
        mode=mode,
        location=(location or "").strip(),
        video_link=(video_link or "").strip(),
        agenda=agenda or "",
        status=NetworkMeeting.Status.HELD,
        recorded_afterwards=True,
        created_by=by,
    )
    if network.status == ClientNetwork.Status.FORMING:
        network.status = ClientNetwork.Status.ACTIVE
        network.save(update_fields=["status"])
    _log(by, network.client, AccessLog.Action.CREATE, "network_meeting")
    return meeting


MEETING_FIELDS = ("starts_at", "duration_minutes", "location", "video_link", "agenda")
# Changes calendar programs must see: they raise the SEQUENCE and send an update.
CALENDAR_FIELDS = ("starts_at", "duration_minutes", "location", "video_link")


@transaction.atomic
def update_meeting(
    meeting: NetworkMeeting, *, by: User, lock_version: int | None = None, **changes
) -> NetworkMeeting:
    """Change a scheduled meeting from a form opened at `lock_version` (refused with
    `StaleEdit` if anyone saved the meeting since). A new time or place raises the
    iCalendar sequence and sends the update; a new time also re-arms the day-before
    reminder."""
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
    network = _locked(meeting.network)
    _require_meeting_manager(by, network)
    meeting = NetworkMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != NetworkMeeting.Status.SCHEDULED:
        raise InvalidTransition(gettext_lazy("Only a scheduled meeting can be changed."))
    _check_version(meeting, lock_version)
    changed = {name: value for name, value in changes.items() if getattr(meeting, name) != value}
    if not changed:
        return meeting
    merged = {name: changed.get(name, getattr(meeting, name)) for name in MEETING_FIELDS}
    errors = _meeting_errors(network, exclude=meeting, **merged)
    if (
        "starts_at" not in changed
        and errors.get("starts_at")
        and meeting.starts_at <= (timezone.now())
    ):
        # Changing the agenda of a meeting that has started is fine.
        errors.pop("starts_at")
    if errors:
        raise ValidationError(errors)
    for name, value in changed.items():
        setattr(meeting, name, value)
    fields = list(changed)
    if set(changed) & set(CALENDAR_FIELDS):
        meeting.sequence += 1
        fields.append("sequence")
    save_locked(meeting, lock_version, **{name: getattr(meeting, name) for name in fields})
    if "starts_at" in changed:
        # The reminder belongs to the old time; the one for the new time goes out anew.
        emails.withdraw_reminders(meeting)
        MeetingReminder.objects.filter(meeting=meeting).delete()
    _log(by, network.client, AccessLog.Action.UPDATE, "network_meeting")
    if "sequence" in fields:
        emails.queue_invitations(meeting)
        _announce_meeting(meeting, Kind.MEETING_MOVED, by=by)
    return meeting


def _check_version(meeting: NetworkMeeting, lock_version: int | None) -> None:
    """Before anything is written: the row is locked, so its version is the truth."""
    if lock_version is not None and meeting.lock_version != lock_version:
        raise StaleEdit(current_version=meeting.lock_version)


def _cancel(meeting: NetworkMeeting, now, by: User | None = None, reason: str = "") -> None:
    meeting.status = NetworkMeeting.Status.CANCELLED
    meeting.cancelled_at = now
    meeting.sequence += 1
    save_locked(
        meeting,
        None,
        status=meeting.status,
        cancelled_at=meeting.cancelled_at,
        sequence=meeting.sequence,
        cancellation_reason=reason or meeting.cancellation_reason,
    )
    emails.withdraw_reminders(meeting)
    emails.queue_invitations(meeting)
    _announce_meeting(meeting, Kind.MEETING_CANCELLED, by=by)


@transaction.atomic
def cancel_meeting(meeting: NetworkMeeting, *, by: User, reason: str) -> NetworkMeeting:
    """Cancel a scheduled meeting, for the reason given (shown on the network's
    timeline): every invited member gets a cancellation (METHOD:CANCEL)."""
    network = _locked(meeting.network)
    _require_meeting_manager(by, network)
    meeting = NetworkMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == NetworkMeeting.Status.CANCELLED:
        return meeting
    if meeting.status != NetworkMeeting.Status.SCHEDULED:
        raise InvalidTransition(gettext_lazy("A meeting that has been held cannot be cancelled."))
    errors = reason_errors(reason)
    if errors:
        raise ValidationError(errors)
    _cancel(meeting, timezone.now(), by, reason.strip())
    _log(by, network.client, AccessLog.Action.UPDATE, "network_meeting")
    return meeting


@transaction.atomic
def record_meeting_minutes(
    meeting: NetworkMeeting,
    *,
    by: User,
    attendees=(),
    client_present: bool | None = None,
    minutes: str = "",
    decisions=(),
    lock_version: int | None = None,
) -> NetworkMeeting:
    """After the meeting: who took part, whether the client did, the minutes, and new
    decisions (`{"text", "responsible", "due_date"}` each; earlier ones are kept). The
    meeting is then "held". Recording again corrects attendance and minutes; from a form
    opened at `lock_version` – refused with `StaleEdit` if anyone saved the meeting
    since, so that one person's minutes do not silently replace another's."""
    network = _locked(meeting.network)
    _require_meeting_manager(by, network)
    meeting = NetworkMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_version(meeting, lock_version)
    if meeting.status == NetworkMeeting.Status.CANCELLED:
        raise InvalidTransition(gettext_lazy("A cancelled meeting has no minutes."))
    if meeting.starts_at > timezone.now():
        raise InvalidTransition(
            gettext_lazy("Minutes can be recorded once the meeting has started.")
        )
    errors = {}
    member_ids = {m.pk if isinstance(m, NetworkMember) else int(m) for m in attendees}
    members = {m.pk: m for m in network.members.filter(pk__in=member_ids)}
    if len(members) != len(member_ids):
        errors["attendees"] = [_("Choose the attendees from the network's members.")]
    if len(minutes or "") > 20_000:
        errors["minutes"] = [_("The minutes can have at most 20,000 characters.")]
    new_decisions = []
    for decision in decisions:
        text = (decision.get("text") or "").strip()
        if not text:
            continue
        if len(text) > 2_000:
            errors["decisions"] = [_("A decision can have at most 2,000 characters.")]
        responsible = decision.get("responsible")
        if responsible is not None and responsible.network_id != network.pk:
            errors["decisions"] = [_("The responsible person must be a network member.")]
        new_decisions.append(
            MeetingDecision(
                meeting=meeting,
                text=text,
                responsible=responsible,
                due_date=decision.get("due_date"),
                created_by=by,
            )
        )
    if errors:
        raise ValidationError(errors)
    MeetingAttendance.objects.filter(meeting=meeting).delete()
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(meeting=meeting, member_id=pk) for pk in sorted(members)
    )
    MeetingDecision.objects.bulk_create(new_decisions)
    save_locked(
        meeting,
        lock_version,
        status=NetworkMeeting.Status.HELD,
        client_present=client_present,
        minutes=minutes or "",
        minutes_recorded_at=timezone.now(),
        minutes_recorded_by=by,
    )
    _log(by, network.client, AccessLog.Action.UPDATE, "network_meeting")
    return meeting


@transaction.atomic
def share_minutes(meeting: NetworkMeeting, *, by: User) -> int:
    """Tell every active member with an account that the meeting's minutes are ready, as
    an item in their inbox with a link (e-mailed by their preference); the link, not the
    text, leaves the system. Sharing the same minutes again tells no one twice; minutes
    corrected afterwards are a new thing to read. Returns how many were told."""
    if meeting.status != NetworkMeeting.Status.HELD or not meeting.minutes_recorded_at:
        raise InvalidTransition(gettext_lazy("Only recorded minutes can be shared."))
    members = meeting.network.members.filter(left_at__isnull=True, user__is_active=True)
    recipients = {member.user_id for member in members if member.user_id != by.pk}
    version = meeting.minutes_recorded_at.isoformat()
    for user_id in sorted(recipients):
        announce(
            user_id,
            Kind.MINUTES_SHARED,
            meeting,
            key=f"minutes:{meeting.pk}:{version}",
        )
    _log(by, meeting.network.client, AccessLog.Action.UPDATE, "network_meeting")
    return len(recipients)
