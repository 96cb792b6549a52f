"""The day-before reminder goes out once per member, even when the beat task runs twice:
run here by a REAL Celery worker over Redis (tests/conftest.py), and by two threads at
once against PostgreSQL's row locks."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from networks import services, tasks
from networks.models import MeetingReminder, NetworkMember
from networks.tests.factories import MeetingFactory
from outbox.delivery import deliver_due
from outbox.tests.waiting import wait_for_delivery

Role = NetworkMember.Role


@pytest.fixture
def soon_meeting(network, kaisa, teemu):
    """A meeting in three hours with three members who can be e-mailed (alice, teemu,
    an outside person) and one who cannot."""
    services.add_network_member(network, by=kaisa, user=teemu, role=Role.TE_EXPERT)
    services.add_network_member(
        network, by=kaisa, name="Maija Virtanen", email="maija@example.invalid", role=Role.PEER
    )
    services.add_network_member(network, by=kaisa, name="Ei Sähköpostia", role=Role.PEER)
    # Created directly (no invitations): this test is about reminders only.
    meeting = MeetingFactory(
        network=network, starts_at=timezone.now() + datetime.timedelta(hours=3)
    )
    # Too far ahead for a reminder yet.
    MeetingFactory(network=network, starts_at=timezone.now() + datetime.timedelta(days=3))
    return meeting


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_reminder_once_when_beat_runs_twice(
    soon_meeting,
    celery_worker,
    mailoutbox,
):
    first = tasks.send_meeting_reminders.delay()
    second = tasks.send_meeting_reminders.delay()
    assert first.get(timeout=30) + second.get(timeout=30) == 3
    wait_for_delivery()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        ["alice@example.invalid", "teemu@example.invalid", "maija@example.invalid"]
    )
    # A reminder, not an invitation: no calendar attachment.
    assert not any(m.attachments for m in mailoutbox)
    rows = MeetingReminder.objects.filter(meeting=soon_meeting)
    assert rows.count() == 3
    assert not rows.filter(sent_at__isnull=True).exists()
    # A third run, a quarter of an hour later: nothing new.
    assert tasks.send_meeting_reminders.delay().get(timeout=30) == 0
    wait_for_delivery()
    assert len(mailoutbox) == 3


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_reminder_once(soon_meeting, mailoutbox):
    start = threading.Barrier(2)
    results = []

    def run():
        try:
            start.wait()
            results.append(tasks.send_meeting_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(results) == 3
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_a_moved_meeting_is_reminded_again(soon_meeting, kaisa, mailoutbox):
    assert tasks.send_meeting_reminders() == 3
    services.update_meeting(
        soon_meeting, by=kaisa, starts_at=soon_meeting.starts_at + datetime.timedelta(hours=1)
    )
    assert tasks.send_meeting_reminders() == 3


@pytest.mark.django_db
def test_no_reminder_for_a_cancelled_meeting_or_a_member_who_left(
    soon_meeting, kaisa, alice, mailoutbox
):
    services.remove_network_member(
        soon_meeting.network.members.get(user=alice), by=kaisa, reason="Ei enää tarpeen."
    )
    assert tasks.send_meeting_reminders() == 2
    assert deliver_due() == 2
    assert "alice@example.invalid" not in [m.to[0] for m in mailoutbox]
    services.cancel_meeting(soon_meeting, by=kaisa, reason="Ei enää tarpeen.")
    MeetingReminder.objects.all().delete()
    assert tasks.send_meeting_reminders() == 0


def test_the_reminder_task_is_in_the_beat_schedule():
    from config.celery import app

    entries = [
        e for e in app.conf.beat_schedule.values() if e["task"] == tasks.send_meeting_reminders.name
    ]
    assert entries and entries[0]["schedule"] == 15 * 60


@pytest.mark.django_db
def test_a_reminder_not_yet_sent_is_withdrawn_when_the_meeting_moves_or_is_cancelled(
    soon_meeting, kaisa, mailoutbox
):
    assert tasks.send_meeting_reminders() == 3  # written to the outbox, not yet delivered
    services.update_meeting(
        soon_meeting, by=kaisa, starts_at=soon_meeting.starts_at + datetime.timedelta(hours=1)
    )
    assert tasks.send_meeting_reminders() == 3  # for the new time
    services.cancel_meeting(soon_meeting, by=kaisa, reason="Ei enää tarpeen.")
    deliver_due()
    # Only the cancellations went out (the update they replace was withdrawn too): no
    # reminder of the old time, none of the new. Three members and the organiser.
    assert len(mailoutbox) == 4
    assert all("method=CANCEL" in m.attachments[0][2] for m in mailoutbox)
