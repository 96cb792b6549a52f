from django.core.management.base import BaseCommand

from idempotency.tasks import clear_expired_keys


class Command(BaseCommand):
    help = "Delete idempotency keys past their lifetime (24 h)."

    def handle(self, *args, **options):
        deleted = clear_expired_keys()
        self.stdout.write(f"Deleted {deleted} expired idempotency keys.")
