"""The Celery app: JSON only, late acknowledgement, a static beat schedule in code.

Work that must happen once is a database row claimed by a short periodic task (see
DESIGN.md §9); every e-mail is a row of the outbox (outbox/delivery.py). Redis re-delivers
unacknowledged tasks after its visibility timeout, so no long ETA or countdown tasks are
used.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# The hard time limit of the longest task (the sweeps and the plan PDF stay below it).
TASK_TIME_LIMIT = 300

app = Celery("tyokyky")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    accept_content=["json"],
    task_serializer="json",
    result_serializer="json",
    # A task is acknowledged after it has run, and given back to the queue if the worker
    # dies under it, so a lost worker does not lose the work; tasks are idempotent.
    # Safe for every task here: each claims its rows, so running one twice does no harm.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    # One task at a time per process: a task waiting in a busy process's buffer would
    # not run, yet its visibility timeout would run out.
    worker_prefetch_multiplier=1,
    task_time_limit=TASK_TIME_LIMIT,
    task_soft_time_limit=TASK_TIME_LIMIT - 60,
    broker_transport_options={
        # Redis gives an unacknowledged task to another worker after this many seconds
        # (its default is an hour: a killed worker's tasks waited that long). It must
        # outlast the longest task, or a slow task would run twice at once; a minute
        # more than the hard time limit is enough.
        "visibility_timeout": TASK_TIME_LIMIT + 60,
        # Web requests publish after their commit. With the broker down the publish must
        # fail at once – the outbox rows are saved and the periodic sweep delivers them –
        # instead of holding the request in kombu's reconnect loop for seconds.
        "max_retries": 0,
        "socket_connect_timeout": 0.25,
    },
    broker_connection_timeout=0.5,
    task_publish_retry=False,
    result_expires=3600,
    broker_connection_retry_on_startup=True,
    timezone="Europe/Helsinki",
    # The beat schedule lives here, in code, beside the tasks it runs.
    beat_schedule={
        # Outgoing e-mail: what no task delivered (the broker was down, a worker died
        # while sending, a retry has come due).
        "outbox-deliver-due": {
            "task": "outbox.deliver_due",
            "schedule": 60,
        },
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
        # Job coaching's "what is due": clients nearing the no-contact limit.
        "coaching-announce-due": {
            "task": "coaching.announce_due",
            "schedule": crontab(hour=7, minute=5),
        },
        # The inbox's daily digests, after the morning sweep has announced what is due.
        "inbox-send-digests": {
            "task": "inbox.send_digests",
            "schedule": crontab(hour=7, minute=30),
        },
        # Retention. Clients whose last activity is older than
        # CLIENT_RETENTION_YEARS are anonymised on the first of each month at 3:30 at night.
        "clients-purge-expired": {
            "task": "clients.purge_expired_clients",
            "schedule": crontab(day_of_month=1, hour=3, minute=30),
        },
        # Submission keys live 24 h; the claim rows of old submissions are cleared hourly.
        "idempotency-clear-expired-keys": {
            "task": "idempotency.clear_expired_keys",
            "schedule": crontab(minute=17),
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
    """A round trip through the broker and a worker, for tests and for an operator asking
    by hand (`celery -A config call tyokyky.ping`)."""
    return "pong"
