"""The Celery app: JSON only, late acknowledgement, a static beat schedule in code.

Work that must happen once is a database row claimed by a short periodic task (see
DESIGN.md §9): Redis re-delivers unacknowledged tasks after its visibility timeout, so no
long ETA or countdown tasks are used.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tyokyky")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    accept_content=["json"],
    task_serializer="json",
    result_serializer="json",
    # A task is acknowledged after it has run, and given back to the queue if the worker
    # dies under it, so a lost worker does not lose the work; tasks are idempotent.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=300,
    task_soft_time_limit=240,
    result_expires=3600,
    broker_connection_retry_on_startup=True,
    timezone="Europe/Helsinki",
    # The beat schedule lives here, in code, beside the tasks it runs.
    beat_schedule={
        # The day-before reminders of network meetings, claimed as rows.
        "networks-send-meeting-reminders": {
            "task": "networks.send_meeting_reminders",
            "schedule": 15 * 60,
        },
        # The daily reminders (actions, reviews, consents, waiting
        # requests) at 7:00 Helsinki time, and exports left queued while Redis was down.
        "serviceplans-send-plan-reminders": {
            "task": "serviceplans.send_plan_reminders",
            "schedule": crontab(hour=7, minute=0),
        },
        # Retention. Clients whose last activity is older than
        # CLIENT_RETENTION_YEARS are anonymised on the first of each month at 3:30 at night.
        "clients-purge-expired": {
            "task": "clients.purge_expired_clients",
            "schedule": crontab(day_of_month=1, hour=3, minute=30),
        },
        "serviceplans-retry-queued-documents": {
            "task": "serviceplans.retry_queued_documents",
            "schedule": 60,
        },
    },
)
app.autodiscover_tasks()


@app.task(name="tyokyky.ping")
def ping() -> str:
    """The round trip /readyz makes through the broker and a worker."""
    return "pong"
