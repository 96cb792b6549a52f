"""The outbox's task: the sweep that delivers due messages. It is both the beat's
periodic task (config/celery.py) and the task a commit asks for."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from outbox import delivery


@shared_task(
    name="outbox.deliver_due",
    # A lost database connection (a restart, a failover) is retried by the task itself,
    # so the sweep finishes without waiting for the next beat. Each row is claimed and
    # marked on its own, so a run again sends nothing twice.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=1,
    retry_backoff_max=10,
    retry_jitter=False,
    max_retries=10,
    ignore_result=True,
    soft_time_limit=240,
    time_limit=300,
)
def deliver_due() -> int:
    return delivery.deliver_due()
