"""Work the networks app does later: Celery tasks that take ids and are idempotent.

Every e-mail is a row first (`MeetingInvitation`, `MeetingReminder`, each unique per
recipient and version or kind). A task claims one unsent row at a time with
`select_for_update(skip_locked=True)`, sends, and marks it sent in the same transaction:
two runs at once never pick the same row, and a row is sent at most once (DESIGN.md §9).
If the send fails the transaction rolls back and the next run tries again.
"""

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from networks.ics import meeting_calendar, meeting_url
from networks.models import MeetingInvitation, MeetingReminder, NetworkMeeting, NetworkMember

REMINDER_WINDOW = datetime.timedelta(hours=24)


def _recipients(meeting: NetworkMeeting) -> list[NetworkMember]:
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


def _send(member: NetworkMember, meeting: NetworkMeeting, template: str, ics: bytes | None):
    context = {
        "member": member,
        "meeting": meeting,
        "starts_at": timezone.localtime(meeting.starts_at),
        "ends_at": timezone.localtime(meeting.ends_at),
        "url": meeting_url(meeting),
    }
    with translation.override(_language(member)):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}.txt", context)
    message = EmailMultiAlternatives(subject, body, None, [member.contact_email])
    if ics is not None:
        method = "CANCEL" if meeting.status == NetworkMeeting.Status.CANCELLED else "REQUEST"
        message.attach("invite.ics", ics, f"text/calendar; method={method}; charset=utf-8")
    message.send()


@shared_task(name="networks.send_meeting_invitations")
def send_meeting_invitations(meeting_id: int, sequence: int) -> int:
    """The invitation, update or cancellation of one version of a meeting to every member
    with an e-mail address. Returns how many were sent by this run."""
    meeting = (
        NetworkMeeting.objects.select_related("network", "created_by").filter(pk=meeting_id).first()
    )
    if meeting is None or meeting.sequence != sequence:
        # A newer version exists: its own task sends it.
        return 0
    method = (
        MeetingInvitation.Method.CANCEL
        if meeting.status == NetworkMeeting.Status.CANCELLED
        else MeetingInvitation.Method.REQUEST
    )
    recipients = _recipients(meeting)
    MeetingInvitation.objects.bulk_create(
        [
            MeetingInvitation(meeting=meeting, member=member, sequence=sequence, method=method)
            for member in recipients
        ],
        ignore_conflicts=True,
    )
    ics = meeting_calendar(meeting, recipients)
    template = (
        "network_cancellation"
        if method == MeetingInvitation.Method.CANCEL
        else ("network_invitation" if sequence == 0 else "network_update")
    )
    by_pk = {member.pk: member for member in recipients}
    sent = 0
    while True:
        with transaction.atomic():
            row = (
                MeetingInvitation.objects.select_for_update(skip_locked=True)
                .filter(
                    meeting=meeting,
                    sequence=sequence,
                    sent_at__isnull=True,
                    member_id__in=list(by_pk),
                )
                .order_by("pk")
                .first()
            )
            if row is None:
                return sent
            _send(by_pk[row.member_id], meeting, template, ics)
            row.sent_at = timezone.now()
            row.save(update_fields=["sent_at"])
            sent += 1


@shared_task(name="networks.send_meeting_reminders")
def send_meeting_reminders() -> int:
    """Every 15 minutes (config/celery.py): the reminder to each member of every meeting
    that starts within the next 24 hours, once. Returns how many this run sent."""
    now = timezone.now()
    upcoming = NetworkMeeting.objects.filter(
        status=NetworkMeeting.Status.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_WINDOW,
    ).select_related("network")
    for meeting in upcoming:
        MeetingReminder.objects.bulk_create(
            [
                MeetingReminder(
                    meeting=meeting, member=member, kind=MeetingReminder.Kind.DAY_BEFORE
                )
                for member in _recipients(meeting)
            ],
            # The unique (meeting, member, kind) row exists already: nothing to do.
            ignore_conflicts=True,
        )
    sent = 0
    while True:
        with transaction.atomic():
            row = (
                MeetingReminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    Q(sent_at__isnull=True),
                    meeting__status=NetworkMeeting.Status.SCHEDULED,
                    meeting__starts_at__gt=now,
                    member__left_at__isnull=True,
                )
                .order_by("pk")
                .first()
            )
            if row is None:
                return sent
            meeting = NetworkMeeting.objects.select_related("network").get(pk=row.meeting_id)
            member = NetworkMember.objects.select_related("user").get(pk=row.member_id)
            _send(member, meeting, "network_reminder", None)
            row.sent_at = timezone.now()
            row.save(update_fields=["sent_at"])
            sent += 1
