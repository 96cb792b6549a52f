"""The demo county, for trying the service on a laptop: the organisations of North
Ostrobothnia's PALO2 model with a professional in each, and months of work in them
(demo.world). Running the command again changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from coordination.models import User
from demo.world import seed_world
from demo.world.people import DEMO_PASSWORD, USERS

__all__ = ["DEMO_PASSWORD", "Command", "seed_demo"]


def seed_demo() -> int:
    """The demo county (what is missing of it); how many objects were new."""
    return seed_world()


class Command(BaseCommand):
    help = "Create the demo county and one user per role (only when DEBUG is on)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates users with known passwords: DEBUG must be on.")
        created = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({created} new objects). Log in at {settings.SITE_URL}/ with:"
            )
        )
        organisations = dict(User.objects.values_list("username", "organization__name"))
        for username, _first, _last, role, *_rest in USERS:
            self.stdout.write(
                f"  {role.label:<26} {username:<16} {DEMO_PASSWORD}  "
                f"({organisations.get(username, '')})"
            )
