"""Anonymise the clients whose retention period has passed (see `clients.retention`).

    manage.py purge_expired --dry-run      # how many would be anonymised
    manage.py purge_expired                # anonymise them, one transaction per client

The monthly Celery beat task `clients.purge_expired_clients` runs the same code.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from clients.retention import purge_expired


class Command(BaseCommand):
    help = "Anonymise clients whose last activity is older than CLIENT_RETENTION_YEARS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the expired clients; change nothing."
        )
        parser.add_argument(
            "--batch-size", type=int, default=100, help="Clients read per batch (default 100)."
        )

    def handle(self, *args, dry_run=False, batch_size=100, **options):
        result = purge_expired(dry_run=dry_run, batch_size=batch_size)
        years = settings.CLIENT_RETENTION_YEARS
        if result.dry_run:
            self.stdout.write(
                f"{result.expired} client(s) with no activity in {years} years "
                "would be anonymised (dry run: nothing changed)."
            )
        else:
            self.stdout.write(
                f"{result.anonymised} client(s) with no activity in {years} years anonymised."
            )
