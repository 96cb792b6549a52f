"""The networks app's e-mails, written to the outbox in the transaction of what causes
them: a meeting's invitation, update or cancellation (with its .ics) when the meeting is
scheduled, changed or cancelled, and the day-before reminder when the sweep finds it due.
The organiser gets the invitation, its updates and its cancellation too, unless they
already get them as a member.

Each is rendered in the recipient's language. The `MeetingInvitation` and
`MeetingReminder` rows record what was written (their `sent_at`: handed to the outbox);
the outbox's key makes a second write of the same e-mail a no-op.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from coordination.models import User
from networks.ics import meeting_calendar, meeting_url
from networks.models import MeetingInvitation, MeetingReminder, NetworkMeeting, NetworkMember
from outbox import services as outbox


@dataclass(frozen=True)
class Recipient:
    """Who an e-mail is written to: a member, or the organiser who is not one. The
    templates greet `member.display_name`."""

    display_name: str
    contact_email: str
    language: str


def recipients(meeting: NetworkMeeting) -> list[NetworkMember]:
    """The network's active members who can be e-mailed."""
    members = (
        meeting.network.members.filter(left_at__isnull=True)
        .select_related("user", "organization")
        .order_by("pk")
    )
    return [
        member
        for member in members
        if member.contact_email and (member.user is None or member.user.is_active)
    ]


def _language(member: NetworkMember) -> str:
    if member.user is not None and member.user.language:
        return member.user.language
    return settings.LANGUAGE_CODE


def _recipient(member: NetworkMember) -> Recipient:
    return Recipient(member.display_name, member.contact_email, _language(member))


def organiser_recipient(meeting: NetworkMeeting, members: list[NetworkMember]) -> Recipient | None:
    """The organiser, if they can be e-mailed and no member's invitation reaches them
    already (as the member they are, or at the same address)."""
    organiser: User = meeting.created_by
    if not (organiser.is_active and organiser.email):
        return None
    address = organiser.email.lower()
    for member in members:
        if member.user_id == organiser.pk or member.contact_email.lower() == address:
            return None
    return Recipient(str(organiser), organiser.email, organiser.language or settings.LANGUAGE_CODE)


def invitation_calendar(
    meeting: NetworkMeeting, members: list[NetworkMember] | None = None
) -> bytes:
    """The .ics of the meeting's current version as the e-mails carry it (and the
    meeting page offers it): in the service's language, naming every attendee, so it is
    the same file for all of them."""
    if members is None:
        members = recipients(meeting)
    with translation.override(settings.LANGUAGE_CODE):
        return meeting_calendar(meeting, members)


def _email(
    key: str,
    recipient: Recipient,
    meeting: NetworkMeeting,
    template: str,
    attachments: list[tuple[str, bytes, str]],
) -> outbox.Email:
    context = {
        "member": recipient,
        "meeting": meeting,
        "starts_at": timezone.localtime(meeting.starts_at),
        "ends_at": timezone.localtime(meeting.ends_at),
        "url": meeting_url(meeting),
    }
    language = recipient.language
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}.txt", context)
    return outbox.Email(
        key=key,
        to=recipient.contact_email,
        subject=subject,
        body=body,
        attachments=attachments,
        language=language,
    )


def _invitation_prefix(meeting: NetworkMeeting) -> str:
    return f"meeting-invitation:{meeting.pk}:"


def queue_invitations(meeting: NetworkMeeting) -> int:
    """The invitation, update or cancellation of the meeting's current version (its
    `sequence`) to every member who can be e-mailed, and to the organiser if no member's
    reaches them (no `MeetingInvitation` row for them: that row is a member's; the
    outbox key makes theirs once per version). A version not yet sent that this one
    replaces is withdrawn: calendars need only the newest. Returns how many."""
    outbox.withdraw_queued(_invitation_prefix(meeting))
    cancelled = meeting.status == NetworkMeeting.Status.CANCELLED
    method = MeetingInvitation.Method.CANCEL if cancelled else MeetingInvitation.Method.REQUEST
    members = recipients(meeting)
    now = timezone.now()
    MeetingInvitation.objects.bulk_create(
        [
            MeetingInvitation(
                meeting=meeting,
                member=member,
                sequence=meeting.sequence,
                method=method,
                sent_at=now,
            )
            for member in members
        ],
        ignore_conflicts=True,
    )
    ics = invitation_calendar(meeting, members)
    attachment = ("invite.ics", ics, f"text/calendar; method={method}; charset=utf-8")
    template = (
        "network_cancellation"
        if cancelled
        else ("network_invitation" if meeting.sequence == 0 else "network_update")
    )
    prefix = f"{_invitation_prefix(meeting)}{meeting.sequence}:"
    addressed = [(f"{prefix}{member.pk}", _recipient(member)) for member in members]
    organiser = organiser_recipient(meeting, members)
    if organiser is not None:
        addressed.append((f"{prefix}organiser", organiser))
    outbox.queue_messages(
        _email(key, recipient, meeting, template, [attachment]) for key, recipient in addressed
    )
    return len(addressed)


def _reminder_prefix(meeting_id: int) -> str:
    return f"meeting-reminder:{meeting_id}:"


def queue_reminders(reminders: list[MeetingReminder]) -> None:
    """The day-before reminders, each row with its meeting and member loaded."""
    outbox.queue_messages(
        _email(
            f"{_reminder_prefix(reminder.meeting_id)}{reminder.pk}",
            _recipient(reminder.member),
            reminder.meeting,
            "network_reminder",
            [],
        )
        for reminder in reminders
    )


def withdraw_reminders(meeting: NetworkMeeting) -> int:
    """Reminders not yet sent of a meeting that moved or was cancelled."""
    return outbox.withdraw_queued(_reminder_prefix(meeting.pk))
