import datetime

import pytest

# A real Celery worker (tests/conftest.py): our app pointed at the test Redis db.
from celery.contrib.pytest import (  # noqa: F401
    celery_includes,
    celery_worker,
    celery_worker_pool,
)
from django.utils import timezone

from clients.tests.factories import ClientFactory
from networks import services as network_services
from networks.models import NetworkMember
from networks.tests.conftest import te_office, teemu  # noqa: F401
from networks.tests.factories import network_consent
from serviceplans import services
from serviceplans.models import PlanAction, PlanGoal
from tests.conftest import celery_app, celery_worker_parameters  # noqa: F401


@pytest.fixture
def client_(db):
    return ClientFactory(first_name="Matti", last_name="Meikäläinen")


@pytest.fixture
def network(kaisa, alice, teemu, health_centre, te_office, client_):  # noqa: F811
    """kaisa's network around Matti: alice (health centre) is the responsible worker,
    teemu (employment services) a member; olli (Kela) is not in it."""
    network = network_services.form_network(by=kaisa, client=client_)
    network_consent(client_, [health_centre, te_office], kaisa)
    network_services.add_network_member(
        network, by=kaisa, user=alice, role=NetworkMember.Role.RESPONSIBLE_WORKER
    )
    network_services.add_network_member(
        network, by=kaisa, user=teemu, role=NetworkMember.Role.TE_EXPERT
    )
    return network


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def plan(network, alice, teemu, today):  # noqa: F811
    """A draft with the client's goals, two goals and two actions."""
    plan = services.create_plan(network, by=alice)
    services.update_plan(
        plan,
        by=alice,
        lock_version=plan.lock_version,
        client_goals="Haluan päästä töihin kahvilaan.",
        strengths="Sosiaalinen, hyvä asiakaspalvelija.",
        next_review_date=today + datetime.timedelta(days=60),
    )
    work = services.add_goal(
        plan, by=alice, text="Työkokeilu kahvilassa", domain=PlanGoal.Domain.WORK
    )
    services.add_goal(plan, by=alice, text="Uni kuntoon", domain=PlanGoal.Domain.HEALTH)
    services.add_action(
        plan,
        by=alice,
        goal=work,
        description="Työkokeilupaikan etsiminen",
        service_type=PlanAction.ServiceType.WORK_TRIAL,
        responsible_user=teemu,
        due_date=today + datetime.timedelta(days=14),
    )
    services.add_action(
        plan,
        by=alice,
        description="Työttömien terveystarkastus",
        service_type=PlanAction.ServiceType.UNEMPLOYED_HEALTH_CHECK,
        responsible_user=alice,
        due_date=today + datetime.timedelta(days=30),
    )
    plan.refresh_from_db()
    return plan


def agree(plan, by):
    plan.refresh_from_db()
    return services.agree_plan(
        plan, by=by, lock_version=plan.lock_version, method="in_meeting", note=""
    )
