from django.core.management.base import BaseCommand
from django.utils import timezone

from idempotency.models import IdempotencyKey


class Command(BaseCommand):
    help = "Delete idempotency keys past their lifetime (24 h)."

    def handle(self, *args, **options):
        deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
        self.stdout.write(f"Deleted {deleted} expired idempotency keys.")
