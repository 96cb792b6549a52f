"""Personas of job coaching, next to the project's (alice, olli, kaisa, eero, ylva and
tuula, the job coach of the client, all in /conftest.py): ville is another job coach of
the same team; nina is a professional who is an active member of the client's network.
alice referred the client."""

import pytest

from clients.models import Consent
from clients.tests.factories import ClientFactory, ConsentFactory
from coaching import services
from coaching.models import Referral
from coaching.tests.factories import CoachFactory, EmployerFactory
from coordination.models import Organization
from coordination.tests.factories import OrganizationFactory, UserFactory
from networks import services as network_services
from networks.models import NetworkMember
from networks.tests.factories import network_consent


@pytest.fixture
def team(coaching_team):
    """The team of tuula (the project's job-coach persona, /conftest.py)."""
    return coaching_team


@pytest.fixture
def ville(team):
    return CoachFactory(username="ville", first_name="Ville", organization=team)


@pytest.fixture
def employer(db):
    return EmployerFactory(name="Oulun Kauppahalli Oy")


@pytest.fixture
def client_(db):
    return ClientFactory(first_name="Milla", last_name="Esimerkki")


@pytest.fixture
def waiting(alice, client_, team):
    """alice's referral of the client to the team, waiting for a coach."""
    return services.refer(by=alice, client=client_, team=team, source=Referral.Source.HEALTH_CARE)


@pytest.fixture
def referral(waiting, tuula):
    """The client in tuula's caseload."""
    return services.take_referral(waiting, by=tuula)


@pytest.fixture
def social_services(db):
    return OrganizationFactory(
        name="Oulun aikuissosiaalityö", kind=Organization.Kind.SOCIAL_SERVICES
    )


@pytest.fixture
def nina(social_services):
    return UserFactory(username="nina", first_name="Nina", organization=social_services)


@pytest.fixture
def network(kaisa, nina, client_, social_services, team):
    """kaisa's network around the client with nina as an active member: the network
    consent covers nina's organisation, and so does the client's consent for job coaching
    (with the IPS team), which is what opens the coaching record to her."""
    network = network_services.form_network(by=kaisa, client=client_)
    network_consent(client_, [social_services], kaisa)
    coaching = ConsentFactory(client=client_, scope=Consent.Scope.JOB_COACHING, recorded_by=kaisa)
    coaching.organizations.set([social_services, team])
    network_services.add_network_member(
        network, by=kaisa, user=nina, role=NetworkMember.Role.RESPONSIBLE_WORKER
    )
    return network
