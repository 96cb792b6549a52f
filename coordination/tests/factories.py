import factory

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
