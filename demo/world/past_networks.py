"""Networks that have done their work: formed in the spring and summer, a meeting held,
a plan agreed whose health check for the unemployed was done, closed when the client
found work. Five of them, so that the dashboard's networks, closures and health checks
are counts, not "<5"."""

import datetime

from django.utils import timezone

from clients.models import Consent
from coordination import services as consultations
from coordination.models import ConsultationRequest, User
from demo.world.clock import backdate_request, moment
from demo.world.networks import hold_meeting
from demo.world.people import REQUESTERS
from demo.world.requests import Spec, make_request
from networks import services as networks
from networks.models import ClientNetwork, NetworkMember
from serviceplans import services as plans
from serviceplans.models import PlanAction, PlanGoal, ServicePlan

Reason = ConsultationRequest.Reason


def _plan_with_health_check(network: ClientNetwork, hub: User, responsible: User) -> None:
    plan = plans.create_plan(network, by=hub, client_goals="Haluan takaisin työelämään.")
    goal = plans.add_goal(plan, by=hub, text="Työkyvyn selvitys", domain=PlanGoal.Domain.HEALTH)
    action = plans.add_action(
        plan,
        by=hub,
        description="Työttömän terveystarkastus",
        service_type=PlanAction.ServiceType.UNEMPLOYED_HEALTH_CHECK,
        responsible_user=responsible,
        goal=goal,
    )
    plan.refresh_from_db()
    plans.agree_plan(
        plan, by=hub, lock_version=plan.lock_version, method=ServicePlan.AgreementMethod.VERBAL
    )
    plans.set_action_status(action, by=hub, status=PlanAction.Status.DONE)


def _past_network(number: int, requester: str, users: dict[str, User]) -> None:
    hub = users["koordinaattori"]
    days_ago = 120 + number * 35
    spec = Spec(
        requester,
        days_ago,
        "network_needed",
        "Useampi palvelu mukana, asiakas toivoo yhteistä suunnitelmaa.",
        (Reason.WORK_ABILITY_UNCLEAR, Reason.LONG_UNEMPLOYMENT),
        (ConsultationRequest.Asked.NETWORK,),
        client=f"past_{number + 1}",
    )
    request = make_request(spec, users)
    network = networks.form_network(
        by=hub,
        consultation=request,
        consent={
            "method": Consent.Method.VERBAL,
            "organizations": [users[requester].organization],
            "valid_until": timezone.localdate() + datetime.timedelta(days=30),
        },
    )
    networks.add_network_member(
        network, by=hub, role=NetworkMember.Role.RESPONSIBLE_WORKER, user=users[requester]
    )
    hold_meeting(network, hub, days_ago - 10, [])
    _plan_with_health_check(network, hub, users[requester])
    networks.close_network(network, by=hub, reason=ClientNetwork.ClosureReason.EMPLOYED)
    consultations.close_consultation(
        request, by=hub, outcome=ConsultationRequest.Outcome.NETWORK_FORMED
    )
    backdate_request(request, moment(days_ago, 10))
    opened = moment(days_ago - 3, 13)
    ClientNetwork.objects.filter(pk=network.pk).update(
        opened_at=opened, closed_at=moment(days_ago - 70, 14)
    )
    NetworkMember.objects.filter(network=network).update(joined_at=opened)
    ServicePlan.objects.filter(network=network).update(
        created_at=moment(days_ago - 10, 11), agreed_at=moment(days_ago - 10, 12)
    )
    PlanAction.objects.filter(plan__network=network).update(done_at=moment(days_ago - 30, 12))


def seed_past_networks(users: dict[str, User]) -> int:
    for number, requester in enumerate(REQUESTERS):
        _past_network(number, requester, users)
    return len(REQUESTERS)
