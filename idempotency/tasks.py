from celery import shared_task
from django.utils import timezone

from idempotency.models import IdempotencyKey


@shared_task(name="idempotency.clear_expired_keys")
def clear_expired_keys() -> int:
    """Delete the keys past their lifetime; one DELETE, so running it twice is harmless."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
