import factory

from coordination.access import administrator_permissions
from coordination.models import Organization, User

TEST_PASSWORD = "correct-horse-battery-staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisaatio {n}")
    kind = Organization.Kind.HEALTH_CENTRE
    municipality = "564"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.invalid")
    organization = factory.SubFactory(OrganizationFactory)
    role = User.Role.PROFESSIONAL
    password = factory.django.Password(TEST_PASSWORD)


def _consent_for(client, requester):
    # Imported here: clients' factories import this module for UserFactory.
    from clients.tests.factories import ConsentFactory

    return ConsentFactory(client=client, recorded_by=requester)


class ConsultationFactory(factory.django.DjangoModelFactory):
    """An identified request with its client and consent, as `submit_consultation` makes
    them (use the service itself where the behaviour matters)."""

    class Meta:
        model = "coordination.ConsultationRequest"

    requester = factory.SubFactory(UserFactory)
    requesting_organization = factory.LazyAttribute(lambda o: o.requester.organization)
    anonymous = False
    client = factory.SubFactory("clients.tests.factories.ClientFactory")
    consent = factory.LazyAttribute(
        lambda o: __import__("clients.tests.factories", fromlist=["ConsentFactory"]).ConsentFactory(
            client=o.client, recorded_by=o.requester
        )
    )
    # What the requester sent: the client as the factory made them.
    client_snapshot = factory.LazyAttribute(
        lambda o: (
            __import__("coordination.models", fromlist=["x"]).client_snapshot(o.client)
            if o.client is not None
            else {}
        )
    )
    consent_method = factory.LazyAttribute(lambda o: o.consent.method if o.consent else "")
    reasons = factory.LazyFunction(lambda: ["work_ability_unclear"])
    asked = factory.LazyFunction(lambda: ["consultation"])
    description = "Asiakas tarvitsee tukea työkyvyn arviointiin."
    reference = factory.Sequence(lambda n: f"K-2026-{n + 1:06d}")


class AnonymousConsultationFactory(ConsultationFactory):
    anonymous = True
    client = None
    consent = None
    age_band = "30_39"
    municipality = "564"


# --- The personas of the tests (see the root conftest.py), built in one place: the
# conftest's fixtures call these, and so does the access matrix's module-wide world.


def make_hub() -> Organization:
    return OrganizationFactory(
        name="Työikäisten koordinaatio", kind=Organization.Kind.SOCIAL_SERVICES, is_hub=True
    )


def make_health_centre() -> Organization:
    return OrganizationFactory(name="Oulun sote-keskus Tuira", kind=Organization.Kind.HEALTH_CENTRE)


def make_kela() -> Organization:
    return OrganizationFactory(name="Kela, Oulun palvelupiste", kind=Organization.Kind.KELA)


def make_coaching_team() -> Organization:
    """The IPS job coaching team (an organisation of social services)."""
    return OrganizationFactory(name="IPS-työhönvalmennus", kind=Organization.Kind.SOCIAL_SERVICES)


def make_alice(health_centre: Organization) -> User:
    return UserFactory(
        username="alice", first_name="Alice", organization=health_centre, title="sairaanhoitaja"
    )


def make_olli(kela: Organization) -> User:
    return UserFactory(username="olli", first_name="Olli", organization=kela)


def make_kaisa(hub: Organization) -> User:
    return UserFactory(
        username="kaisa", first_name="Kaisa", organization=hub, role=User.Role.COORDINATOR
    )


def make_eero(hub: Organization) -> User:
    return UserFactory(username="eero", first_name="Eero", organization=hub, role=User.Role.MANAGER)


def make_tuula(coaching_team: Organization) -> User:
    return UserFactory(
        username="tuula",
        first_name="Tuula",
        organization=coaching_team,
        role=User.Role.JOB_COACH,
        title="työhönvalmentaja",
    )


def make_ylva(hub: Organization) -> User:
    """The administrator, with the permissions the demo gives the role."""
    user = UserFactory(
        username="ylva",
        first_name="Ylva",
        organization=hub,
        role=User.Role.ADMINISTRATOR,
        is_staff=True,
    )
    user.user_permissions.set(administrator_permissions())
    return user


def make_personas() -> dict[str, User]:
    """alice, olli, kaisa, eero and ylva with their organisations, at once."""
    hub, health_centre, kela = make_hub(), make_health_centre(), make_kela()
    return {
        "alice": make_alice(health_centre),
        "olli": make_olli(kela),
        "kaisa": make_kaisa(hub),
        "eero": make_eero(hub),
        "ylva": make_ylva(hub),
    }
