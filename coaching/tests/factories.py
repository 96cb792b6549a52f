import datetime

import factory
from django.utils import timezone

from clients.tests.factories import ClientFactory
from coaching.models import EmployerContact, JobStart, Referral
from coordination.models import Organization, User
from coordination.tests.factories import OrganizationFactory, UserFactory


class TeamFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Työhönvalmennustiimi {n}")
    kind = Organization.Kind.SOCIAL_SERVICES


class EmployerFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Työnantaja {n} Oy")
    kind = Organization.Kind.EMPLOYER


class CoachFactory(UserFactory):
    role = User.Role.JOB_COACH
    organization = factory.SubFactory(TeamFactory)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral in a coach's caseload (active); pass `status="waiting", coach=None,
    taken_on=None` for a waiting one."""

    class Meta:
        model = Referral

    client = factory.SubFactory(ClientFactory)
    coach = factory.SubFactory(CoachFactory)
    team = factory.LazyAttribute(lambda o: o.coach.organization if o.coach else None)
    source = Referral.Source.COORDINATOR
    status = Referral.Status.ACTIVE
    referred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    taken_on = factory.LazyAttribute(lambda o: o.referred_on if o.coach else None)


class EmployerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerContact

    referral = factory.SubFactory(ReferralFactory)
    employer = factory.SubFactory(EmployerFactory)
    coach = factory.LazyAttribute(lambda o: o.referral.coach)
    contacted_on = factory.LazyFunction(timezone.localdate)
    kind = EmployerContact.Kind.PHONE
    outcome = EmployerContact.Outcome.FOLLOW_UP_AGREED


class JobStartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobStart

    referral = factory.SubFactory(ReferralFactory)
    employer = factory.SubFactory(EmployerFactory)
    started_on = factory.LazyFunction(timezone.localdate)
    hours_per_week = 20
