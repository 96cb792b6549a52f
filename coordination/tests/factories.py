import factory

from coordination.models import Organization, User

TEST_PASSWORD = "correct-horse-battery-staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisaatio {n}")
    kind = Organization.Kind.HEALTH_CENTRE
    municipality = "Oulu"


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
