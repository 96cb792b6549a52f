import datetime

import factory
from django.utils import timezone

from clients.models import Consent
from clients.tests.factories import ClientFactory, ConsentFactory
from coordination.models import User
from coordination.tests.factories import UserFactory
from networks.models import ClientNetwork, NetworkMeeting, NetworkMember


class CoordinatorFactory(UserFactory):
    role = User.Role.COORDINATOR


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientNetwork

    client = factory.SubFactory(ClientFactory)
    coordinator = factory.SubFactory(CoordinatorFactory)
    status = ClientNetwork.Status.ACTIVE


class MemberFactory(factory.django.DjangoModelFactory):
    """A professional member; pass `user=None, name=...` for an outside person."""

    class Meta:
        model = NetworkMember

    network = factory.SubFactory(NetworkFactory)
    user = factory.SubFactory(UserFactory)
    organization = factory.LazyAttribute(lambda o: o.user.organization if o.user else None)
    role = NetworkMember.Role.OTHER
    added_by = factory.LazyAttribute(lambda o: o.network.coordinator)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMeeting

    network = factory.SubFactory(NetworkFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
    duration_minutes = 60
    location = "Tuiran sote-keskus, neuvotteluhuone 2"
    agenda = "Tilanne, tavoitteet, seuraavat askeleet"
    created_by = factory.LazyAttribute(lambda o: o.network.coordinator)


def network_consent(client, organizations, recorded_by):
    """A valid network consent covering `organizations`."""
    consent = ConsentFactory(client=client, scope=Consent.Scope.NETWORK, recorded_by=recorded_by)
    consent.organizations.set(organizations)
    return consent
