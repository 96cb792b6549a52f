"""The networks app's e-mails, written to the outbox in the transaction of what causes
them: a meeting's invitation, update or cancellation (with its .ics) when the meeting is
scheduled, changed or cancelled, and the day-before reminder when the sweep finds it due.

Each is rendered in the recipient's language. The `MeetingInvitation` and
`MeetingReminder` rows record what was written (their `sent_at`: handed to the outbox);
the outbox's key makes a second write of the same e-mail a no-op.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from networks.ics import meeting_calendar, meeting_url
from networks.models import MeetingInvitation, MeetingReminder, NetworkMeeting, NetworkMember
from outbox import services as outbox


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


def _email(
    key: str,
    member: NetworkMember,
    meeting: NetworkMeeting,
    template: str,
    attachments: list[tuple[str, bytes, str]],
) -> outbox.Email:
    context = {
        "member": member,
        "meeting": meeting,
        "starts_at": timezone.localtime(meeting.starts_at),
        "ends_at": timezone.localtime(meeting.ends_at),
        "url": meeting_url(meeting),
    }
    language = _language(member)
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}.txt", context)
    return outbox.Email(
        key=key,
        to=member.contact_email,
        subject=subject,
        body=body,
        attachments=attachments,
        language=language,
    )


def _invitation_prefix(meeting: NetworkMeeting) -> str:
    return f"meeting-invitation:{meeting.pk}:"


def queue_invitations(meeting: NetworkMeeting) -> int:
    """The invitation, update or cancellation of the meeting's current version (its
    `sequence`) to every member who can be e-mailed. A version not yet sent that this one
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
    # One calendar for every recipient, in the service's language as before: it names
    # every attendee, so it is the same file for all of them.
    with translation.override(settings.LANGUAGE_CODE):
        ics = meeting_calendar(meeting, members)
    attachment = ("invite.ics", ics, f"text/calendar; method={method}; charset=utf-8")
    template = (
        "network_cancellation"
        if cancelled
        else ("network_invitation" if meeting.sequence == 0 else "network_update")
    )
    outbox.queue_messages(
        _email(
            f"{_invitation_prefix(meeting)}{meeting.sequence}:{member.pk}",
            member,
            meeting,
            template,
            [attachment],
        )
        for member in members
    )
    return len(members)


def _reminder_prefix(meeting_id: int) -> str:
    return f"meeting-reminder:{meeting_id}:"


def queue_reminders(reminders: list[MeetingReminder]) -> None:
    """The day-before reminders, each row with its meeting and member loaded."""
    outbox.queue_messages(
        _email(
            f"{_reminder_prefix(reminder.meeting_id)}{reminder.pk}",
            reminder.member,
            reminder.meeting,
            "network_reminder",
            [],
        )
        for reminder in reminders
    )


def withdraw_reminders(meeting: NetworkMeeting) -> int:
    """Reminders not yet sent of a meeting that moved or was cancelled."""
    return outbox.withdraw_queued(_reminder_prefix(meeting.pk))
