"""What the outbox and the sweeps rely on in the Celery settings: a killed worker's
tasks come back within minutes, a publish never waits in a retry loop, and the sweeps
retry a lost database connection by themselves."""

import pytest
from django.db import InterfaceError, OperationalError

from coaching.tasks import announce_due
from config.celery import app
from inbox.tasks import send_digests
from networks.tasks import send_meeting_reminders
from outbox.tasks import deliver_due
from serviceplans.tasks import send_plan_reminders


def test_a_killed_workers_tasks_come_back_within_minutes_not_an_hour():
    conf = app.conf
    visibility = conf.broker_transport_options["visibility_timeout"]
    # Longer than any task may run (or a slow task would run twice), but minutes.
    assert conf.task_time_limit < visibility <= 10 * 60
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1


def test_publishing_never_waits_in_a_retry_loop():
    conf = app.conf
    assert conf.task_publish_retry is False
    assert conf.broker_transport_options["max_retries"] == 0
    assert conf.broker_transport_options["socket_connect_timeout"] < 1


@pytest.mark.parametrize(
    "task", [deliver_due, send_plan_reminders, send_meeting_reminders, send_digests, announce_due]
)
def test_the_sweeps_retry_database_errors_by_themselves(task):
    assert set(task.autoretry_for) == {OperationalError, InterfaceError}
    assert task.retry_backoff and task.max_retries
