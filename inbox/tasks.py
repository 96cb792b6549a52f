"""The daily digest: one e-mail per person per day for the items they chose to read
that way (inbox.services.send_digest makes it once per day even when run twice)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from inbox import services


@shared_task(
    name="inbox.send_digests",
    # Each person's digest is one transaction and its key names the day: a run again
    # after a lost connection continues where this one stopped.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=1,
    retry_backoff_max=10,
    retry_jitter=False,
    max_retries=10,
)
def send_digests() -> int:
    """Daily (config/celery.py). Returns how many digests this run wrote."""
    return services.send_digests()
