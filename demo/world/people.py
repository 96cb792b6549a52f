"""The demo users (one professional in each organisation that works with clients) and
the demo clients, every one of them fictional, with identity codes whose checksum is
valid but which name nobody: obviously made-up names, individual numbers of the normal
range (the temporary 900–999 are refused by default)."""

import datetime

from clients import services as client_services
from clients.models import Client
from coordination.access import administrator_permissions
from coordination.models import Organization, User
from demo.world import organisations as org

# The same password for every demo user, so a tester can switch roles; never in
# production, where the command refuses to run.
DEMO_PASSWORD = "Tyokyky-demo-2026"  # noqa: S105

Role = User.Role

USERS = [
    # username, first name, last name, role, organisation, title, language
    ("ammattilainen", "Aino", "Ammattilainen", Role.PROFESSIONAL, org.HEALTH_CENTRE,
     "sairaanhoitaja", "fi"),
    ("koordinaattori", "Kaisa", "Koordinaattori", Role.COORDINATOR, org.HUB,
     "työkykykoordinaattori", "fi"),
    ("esihenkilo", "Eero", "Esihenkilö", Role.MANAGER, org.HUB, "palvelupäällikkö", "fi"),
    ("yllapitaja", "Ylva", "Ylläpitäjä", Role.ADMINISTRATOR, org.HUB, "tietosuojavastaava",
     "sv"),
    ("tyovalmentaja", "Tuula", "Työvalmentaja", Role.JOB_COACH, org.IPS_TEAM,
     "työhönvalmentaja", "fi"),
    ("kela", "Kalle", "Kelavirkailija", Role.PROFESSIONAL, org.KELA,
     "kuntoutuksen asiantuntija", "fi"),
    ("tyollisyys", "Tiina", "Työllisyysasiantuntija", Role.PROFESSIONAL, org.EMPLOYMENT_AREA,
     "työllisyysasiantuntija", "fi"),
    ("sosiaalityo", "Sanna", "Sosiaalityöntekijä", Role.PROFESSIONAL, org.SOCIAL_WORK,
     "sosiaalityöntekijä", "fi"),
    ("jarjesto", "Jaana", "Järjestötyöntekijä", Role.PROFESSIONAL, org.NGO,
     "ohjaaja", "fi"),
]  # fmt: skip

# The professionals who send requests to the hub, by username.
REQUESTERS = ("ammattilainen", "kela", "tyollisyys", "sosiaalityo", "jarjesto")

_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def identity_code(born: datetime.date, individual: int) -> str:
    """A personal identity code with a valid check character (1900s: the sign "-")."""
    digits = f"{born:%d%m%y}{individual:03d}"
    return f"{born:%d%m%y}-{individual:03d}{_CHECK[int(digits) % 31]}"


CLIENTS = {
    # key: first name, last name, date of birth, individual number
    "network_one": ("Minna", "Malliasiakas", datetime.date(1984, 3, 15), 246),
    "network_two": ("Pekka", "Esimerkkinen", datetime.date(1991, 7, 2), 317),
    "urgent": ("Ville", "Kuvitteellinen", datetime.date(1979, 11, 23), 135),
    "triaged": ("Satu", "Testinen", datetime.date(1995, 1, 9), 428),
    "answered": ("Oskari", "Demola", datetime.date(1988, 5, 30), 259),
    "needs_network": ("Riikka", "Kokeilu", datetime.date(1990, 2, 20), 284),
    "coached": ("Emilia", "Esimerkkilä", datetime.date(1988, 4, 12), 162),
    "job_start": ("Jari", "Harjoitus", datetime.date(1983, 9, 14), 371),
    "waiting": ("Juho", "Demokki", datetime.date(1979, 9, 3), 213),
    # Clients of networks that have done their work and closed.
    "past_1": ("Leena", "Menneinen", datetime.date(1976, 6, 8), 142),
    "past_2": ("Markus", "Aiempi", datetime.date(1986, 10, 19), 263),
    "past_3": ("Heidi", "Entinen", datetime.date(1993, 12, 1), 374),
    "past_4": ("Tapio", "Vanhanen", datetime.date(1969, 2, 27), 485),
    "past_5": ("Noora", "Eilinen", datetime.date(1997, 8, 16), 596),
}

# The first client the world makes: when it exists, the world is there.
MARKER_CODE = identity_code(CLIENTS["network_one"][2], CLIENTS["network_one"][3])


def client_data(key: str) -> dict:
    first, last, born, individual = CLIENTS[key]
    return {
        "first_name": first,
        "last_name": last,
        "personal_identity_code": identity_code(born, individual),
        "date_of_birth": born,
        "municipality": "564",
    }


def demo_client(key: str, *, by: User) -> Client:
    """The client `key`, created through the clients service when it is missing."""
    data = client_data(key)
    existing = Client.objects.filter(personal_identity_code=data["personal_identity_code"]).first()
    return existing or client_services.create_client(by=by, **data)


def seed_users(organisations: dict[str, Organization]) -> tuple[dict[str, User], int]:
    """Every demo user by username, and how many were new. An existing username is left
    as it is."""
    admin_permissions = administrator_permissions()
    users, created = {}, 0
    for username, first, last, role, organisation, title, language in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.invalid",
                role=role,
                organization=organisations[organisation],
                title=title,
                language=language,
                is_staff=role == Role.ADMINISTRATOR,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role == Role.ADMINISTRATOR:
                user.user_permissions.set(admin_permissions)
            created += 1
        users[username] = user
    return users, created
