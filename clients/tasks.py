"""Work the clients app does later: Celery tasks that take ids and are idempotent."""

from celery import shared_task

from clients.retention import purge_expired


# Retention. Monthly from the beat schedule (config/celery.py); the same code
# as `manage.py purge_expired`. Idempotent: a second run finds nothing to do. A client is
# anonymised in its own transaction, so a lost worker leaves no half-anonymised client.
@shared_task(name="clients.purge_expired_clients", time_limit=3600, soft_time_limit=3500)
def purge_expired_clients() -> dict:
    result = purge_expired()
    return {"expired": result.expired, "anonymised": result.anonymised}
