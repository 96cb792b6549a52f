"""Work the networks app does later: Celery tasks that take ids and are idempotent.

Invitations are written to the outbox by the service that schedules, changes or cancels
the meeting (networks/emails.py). The day-before reminder is a `MeetingReminder` row,
unique per meeting, member and kind; the sweep claims the rows not yet handed to the
outbox with `select_for_update(skip_locked=True)` and writes each one's e-mail and its
`sent_at` in the same transaction, so two sweeps at once write each reminder once and a
sweep that dies writes nothing half-way (DESIGN.md §9).
"""

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from networks import emails
from networks.models import MeetingReminder, NetworkMeeting

REMINDER_WINDOW = datetime.timedelta(hours=24)
BATCH = 100


@shared_task(
    name="networks.send_meeting_reminders",
    # A lost database connection is retried here, not left to the next beat.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=1,
    retry_backoff_max=10,
    retry_jitter=False,
    max_retries=10,
)
def send_meeting_reminders() -> int:
    """Every 15 minutes (config/celery.py): the reminder to each member of every meeting
    that starts within the next 24 hours, once. Returns how many this run queued."""
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
                for member in emails.recipients(meeting)
            ],
            # The unique (meeting, member, kind) row exists already: nothing to do.
            ignore_conflicts=True,
        )
    queued = 0
    while True:
        with transaction.atomic():
            rows = list(
                MeetingReminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    sent_at__isnull=True,
                    meeting__status=NetworkMeeting.Status.SCHEDULED,
                    meeting__starts_at__gt=now,
                    member__left_at__isnull=True,
                )
                .select_related("meeting__network", "member__user", "member__organization")
                .order_by("pk")[:BATCH]
            )
            if not rows:
                return queued
            emails.queue_reminders(rows)
            MeetingReminder.objects.filter(pk__in=[row.pk for row in rows]).update(
                sent_at=timezone.now()
            )
            queued += len(rows)
