"""Demo organisations and one user per role, for trying the service on a laptop.

The organisations are those of North Ostrobothnia's PALO2 model (seed 000): the county's
health and social services centre and its working-age coordination hub, the employment
area, municipal employment services of a local-government pilot, Kela, TYP, an NGO and
an educational institution. Running the command again changes nothing.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clients.models import Client
from coaching.models import EmployerContact, Referral
from coordination.access import administrator_permissions
from coordination.models import Organization, User

Kind = Organization.Kind

ORGANIZATIONS = [
    # name, kind, municipality (Statistics Finland's code: 564 Oulu, 678 Raahe), is_hub
    ("Pohjois-Pohjanmaan hyvinvointialue, työikäisten koordinaatio", Kind.SOCIAL_SERVICES,
     "564", True),
    ("Oulun sote-keskus Tuira", Kind.HEALTH_CENTRE, "564", False),
    ("Oulun seudun työllisyysalue", Kind.TE_OFFICE, "564", False),
    ("Raahen seudun työllisyyspalvelut", Kind.MUNICIPAL_EMPLOYMENT, "678", False),
    ("Kela, Oulun palvelupiste", Kind.KELA, "564", False),
    ("TYP Oulu", Kind.TYP, "564", False),
    ("Oulun seudun mielenterveysyhdistys ry", Kind.NGO, "564", False),
    ("Oulun seudun ammattiopisto", Kind.EDUCATION, "564", False),
    # The IPS job coaching team and two employers it works with.
    ("Pohjois-Pohjanmaan hyvinvointialue, IPS-työhönvalmennus", Kind.SOCIAL_SERVICES,
     "564", False),
    ("Oulun Kauppahalli Oy", Kind.EMPLOYER, "564", False),
    ("Tuiran palvelutalo", Kind.EMPLOYER, "564", False),
]  # fmt: skip

# The same password for every demo user, so a tester can switch roles; never in
# production, where this command refuses to run.
DEMO_PASSWORD = "Tyokyky-demo-2026"  # noqa: S105

USERS = [
    # username, first name, last name, role, organisation, title, language
    ("ammattilainen", "Aino", "Ammattilainen", User.Role.PROFESSIONAL,
     "Oulun sote-keskus Tuira", "sairaanhoitaja", "fi"),
    ("koordinaattori", "Kaisa", "Koordinaattori", User.Role.COORDINATOR,
     "Pohjois-Pohjanmaan hyvinvointialue, työikäisten koordinaatio",
     "työkykykoordinaattori", "fi"),
    ("esihenkilo", "Eero", "Esihenkilö", User.Role.MANAGER,
     "Pohjois-Pohjanmaan hyvinvointialue, työikäisten koordinaatio", "palvelupäällikkö",
     "fi"),
    ("yllapitaja", "Ylva", "Ylläpitäjä", User.Role.ADMINISTRATOR,
     "Pohjois-Pohjanmaan hyvinvointialue, työikäisten koordinaatio",
     "tietosuojavastaava", "sv"),
    ("tyovalmentaja", "Tuula", "Työvalmentaja", User.Role.JOB_COACH,
     "Pohjois-Pohjanmaan hyvinvointialue, IPS-työhönvalmennus", "työhönvalmentaja", "fi"),
]  # fmt: skip

# Demo clients (no identity codes) for the job coach's caseload: one in
# coaching with an employer contact, one waiting for the team.
DEMO_COACHING_CLIENTS = [
    # first name, last name, date of birth, referred days ago, taken by the coach
    ("Milla", "Esimerkki", datetime.date(1988, 4, 12), 21, True),
    ("Jussi", "Demonen", datetime.date(1979, 9, 3), 2, False),
]


class Command(BaseCommand):
    help = "Create the demo organisations and one user per role (only when DEBUG is on)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates users with known passwords: DEBUG must be on.")
        created = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({created} new objects). Log in at {settings.SITE_URL}/ with:"
            )
        )
        for username, _first, _last, role, *_rest in USERS:
            self.stdout.write(f"  {role.label:<26} {username:<16} {DEMO_PASSWORD}")


@transaction.atomic
def seed_demo() -> int:
    """Create what is missing; leave what exists as it is. Returns how many were new."""
    created = 0
    organizations = {}
    for name, kind, municipality, is_hub in ORGANIZATIONS:
        organization, new = Organization.objects.get_or_create(
            name=name, defaults={"kind": kind, "municipality": municipality, "is_hub": is_hub}
        )
        organizations[name] = organization
        created += new
    admin_permissions = administrator_permissions()
    for username, first, last, role, organization_name, title, language in USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.invalid",
            role=role,
            organization=organizations[organization_name],
            title=title,
            language=language,
            is_staff=role == User.Role.ADMINISTRATOR,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role == User.Role.ADMINISTRATOR:
            user.user_permissions.set(admin_permissions)
        created += 1
    created += seed_coaching(organizations)
    return created


def seed_coaching(organizations) -> int:
    """Demo referrals for the job coach; each client once."""
    coach = User.objects.filter(username="tyovalmentaja").first()
    referrer = User.objects.filter(username="koordinaattori").first()
    if coach is None or referrer is None:
        return 0
    team = coach.organization
    employer = organizations["Oulun Kauppahalli Oy"]
    today = timezone.localdate()
    created = 0
    for first, last, born, days_ago, taken in DEMO_COACHING_CLIENTS:
        client, new = Client.objects.get_or_create(
            first_name=first,
            last_name=last,
            date_of_birth=born,
            defaults={"municipality": "564", "created_by": referrer},
        )
        created += new
        if client.coaching_referrals.exists():
            continue
        referred_on = today - datetime.timedelta(days=days_ago)
        referral = Referral.objects.create(
            client=client,
            team=team,
            source=Referral.Source.COORDINATOR,
            referred_by=referrer,
            referred_on=referred_on,
            status=Referral.Status.ACTIVE if taken else Referral.Status.WAITING,
            coach=coach if taken else None,
            taken_on=referred_on + datetime.timedelta(days=1) if taken else None,
        )
        created += 1
        if taken:
            EmployerContact.objects.create(
                referral=referral,
                employer=employer,
                coach=coach,
                contacted_on=referred_on + datetime.timedelta(days=5),
                kind=EmployerContact.Kind.VISIT,
                outcome=EmployerContact.Outcome.INTRODUCED_CLIENT,
                hidden_job=True,
            )
            created += 1
    return created
