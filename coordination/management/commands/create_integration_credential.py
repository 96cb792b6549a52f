"""Make an integration credential from the command line and print its key (once)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from coordination.integrations import create_integration_credential
from coordination.models import IntegrationCredential, Organization, User
from coordination.services import InvalidTransition


class Command(BaseCommand):
    help = "Make an integration credential for a program and print its key (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="which program uses it, and who answers for it")
        parser.add_argument(
            "--scope",
            choices=IntegrationCredential.Scope.values,
            default=IntegrationCredential.Scope.METRICS_READ,
        )
        parser.add_argument("--days", type=int, default=90, help="valid for (at most 365)")
        parser.add_argument("--by", required=True, help="username of the administrator")
        parser.add_argument("--organization", help="the organisation's UUID (optional)")

    def handle(self, *args, name, scope, days, by, organization, **options):
        administrator = User.objects.filter(username=by, is_active=True).first()
        if administrator is None:
            raise CommandError(f"No active user {by!r}.")
        org = None
        if organization:
            org = Organization.objects.filter(uuid=organization).first()
            if org is None:
                raise CommandError(f"No organisation {organization!r}.")
        try:
            credential, key = create_integration_credential(
                by=administrator, name=name, scope=scope, days=days, organization=org
            )
        except (ValidationError, InvalidTransition) as refusal:
            raise CommandError(str(refusal)) from None
        self.stderr.write(
            f"Credential {credential.name} ({credential.scope}) valid until "
            f"{credential.expires_at:%Y-%m-%d}. The key, shown only now:"
        )
        self.stdout.write(key)
