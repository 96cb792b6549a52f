import datetime

import pytest

# A real Celery worker for networks/tests/test_reminders.py: our app pointed at the test
# Redis db (tests/conftest.py), started in a thread (solo pool) by celery.contrib.pytest.
from celery.contrib.pytest import (  # noqa: F401
    celery_includes,
    celery_worker,
    celery_worker_pool,
)
from django.utils import timezone

from clients.tests.factories import ClientFactory
from common.inbox import announced, announced_many
from coordination.models import ConsultationRequest
from coordination.tests.factories import ConsultationFactory, OrganizationFactory, UserFactory
from inbox import services as inbox_services
from networks import services
from networks.models import NetworkMember
from networks.tests.factories import network_consent
from tests.conftest import celery_app, celery_worker_parameters  # noqa: F401


@pytest.fixture
def te_office(db):
    return OrganizationFactory(name="Oulun työllisyysalue", kind="te_office")


@pytest.fixture
def teemu(te_office):
    """An employment services expert."""
    return UserFactory(username="teemu", first_name="Teemu", organization=te_office)


@pytest.fixture(autouse=True)
def _inbox_not_listening():
    """The networks app alone: its tests count the meeting e-mails, so the inbox (whose
    items and e-mails inbox/tests test) does not hear the announcements here."""
    announced.disconnect(dispatch_uid="inbox_one")
    announced_many.disconnect(dispatch_uid="inbox_many")
    yield
    announced.connect(inbox_services.receive_one, dispatch_uid="inbox_one")
    announced_many.connect(inbox_services.receive_many, dispatch_uid="inbox_many")


@pytest.fixture
def consultation(alice, hub):
    """alice's request, marked as needing a network."""
    return ConsultationFactory(
        requester=alice,
        status=ConsultationRequest.Status.NETWORK_NEEDED,
        asked=["network"],
    )


@pytest.fixture
def client_(db):
    return ClientFactory(first_name="Matti", last_name="Meikäläinen")


@pytest.fixture
def network(kaisa, alice, health_centre, te_office, client_):
    """kaisa's network around the client, with a consent covering the health centre and
    the employment services (not Kela), and alice as the responsible worker."""
    network = services.form_network(by=kaisa, client=client_)
    network_consent(client_, [health_centre, te_office], kaisa)
    services.add_network_member(
        network, by=kaisa, user=alice, role=NetworkMember.Role.RESPONSIBLE_WORKER
    )
    return network


@pytest.fixture
def future():
    return timezone.now() + datetime.timedelta(days=7)
