"""Two client networks with members from three organisations or more: meetings held with
minutes and decisions, one coming up, and in the first an agreed service plan whose
review is due, with its actions, a health check and work-ability assessments."""

import datetime

from django.utils import timezone

from clients import services as client_services
from clients.models import Client, Consent, WorkAbilityAssessment
from coordination.models import ConsultationRequest, User
from demo.world.clock import moment
from demo.world.requests import Spec, make_request
from healthchecks import services as healthchecks
from healthchecks.models import HealthCheck
from networks import services as networks
from networks.models import ClientNetwork, NetworkMeeting, NetworkMember
from serviceplans import services as plans
from serviceplans.models import PlanAction, PlanGoal, ServicePlan

Role = NetworkMember.Role
Reason = ConsultationRequest.Reason
Asked = ConsultationRequest.Asked

FIRST = Spec(
    "ammattilainen", 45, "network_needed",
    "Pitkä sairausloma, Kelan päiväraha päättymässä, työtön. Useampi taho mukana, "
    "tarvitaan yhteinen suunnitelma.",
    (Reason.WORK_ABILITY_UNCLEAR, Reason.PHYSICAL_HEALTH), (Asked.NETWORK,),
    client="network_one",
)  # fmt: skip
SECOND = Spec(
    "tyollisyys", 70, "network_needed",
    "Nuori aikuinen, joka on ollut työttömänä kaksi vuotta. Järjestön ryhmä on ollut "
    "tärkeä tuki; toivoo polkua koulutukseen.",
    (Reason.LONG_UNEMPLOYMENT, Reason.EDUCATION), (Asked.NETWORK,), client="network_two",
)  # fmt: skip

MINUTES = (
    "Käytiin läpi asiakkaan tilanne ja toiveet. Asiakas haluaa palata työelämään osa-"
    "aikaisesti. Sovittiin työkyvyn arvioinnista ja ammatillisen kuntoutuksen hakemisesta."
)


def form(spec: Spec, users: dict[str, User], members: list[tuple[str, str]]) -> ClientNetwork:
    """The request, the network formed from it with the client's consent for the members'
    organisations, and the members with their roles."""
    hub = users["koordinaattori"]
    request = make_request(spec, users)
    network = networks.form_network(
        by=hub,
        consultation=request,
        consent={
            "method": Consent.Method.WRITTEN,
            "organizations": [users[name].organization for name, _role in members],
            "valid_until": timezone.localdate() + datetime.timedelta(days=365),
        },
    )
    for name, role in members:
        networks.add_network_member(network, by=hub, role=role, user=users[name])
    opened = moment(spec.days_ago - 2, 13)
    ClientNetwork.objects.filter(pk=network.pk).update(opened_at=opened)
    NetworkMember.objects.filter(network=network).update(joined_at=opened)
    ConsultationRequest.objects.filter(pk=request.pk).update(first_response_at=opened)
    return network


def hold_meeting(network: ClientNetwork, hub: User, days_ago: int, decisions: list) -> None:
    """A meeting that was held `days_ago` days back, with minutes: scheduled as the
    service allows (in the future), then moved to its real date and recorded."""
    meeting = networks.schedule_meeting(
        network,
        by=hub,
        starts_at=timezone.now() + datetime.timedelta(hours=1, minutes=days_ago),
        location="Tuiran sote-keskus, neuvotteluhuone 2",
        agenda="Tilannekatsaus, tavoitteet, vastuut ja seuraavat askeleet.",
    )
    NetworkMeeting.objects.filter(pk=meeting.pk).update(starts_at=moment(days_ago, 10))
    meeting.refresh_from_db()
    members = list(network.members.filter(user__isnull=False))
    by_role = {member.role: member for member in members}
    networks.record_meeting_minutes(
        meeting,
        by=hub,
        attendees=members,
        client_present=True,
        minutes=MINUTES,
        decisions=[
            {"text": text, "responsible": by_role.get(role), "due_date": due}
            for text, role, due in decisions
        ],
    )
    NetworkMeeting.objects.filter(pk=meeting.pk).update(minutes_recorded_at=moment(days_ago, 15))


def upcoming_meeting(network: ClientNetwork, hub: User) -> None:
    day = timezone.localdate() + datetime.timedelta(days=3)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    networks.schedule_meeting(
        network,
        by=hub,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(13))),
        video_link="https://meet.demo.invalid/verkosto",
        agenda="Palvelusuunnitelman arviointi: miten tavoitteet ovat edenneet.",
    )


def assess(client: Client, users: dict[str, User]) -> None:
    """Two work-ability assessments and a health check done, months apart."""
    for days_ago, score, kind, who in (
        (60, 4, WorkAbilityAssessment.Kind.SELF, "ammattilainen"),
        (30, 5, WorkAbilityAssessment.Kind.MULTI_PROFESSIONAL, "koordinaattori"),
    ):
        client_services.record_assessment(
            client,
            by=users[who],
            kind=kind,
            score=score,
            assessed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
            narrative="Jaksaminen parantunut, selkäkipu rajoittaa edelleen.",
        )
    healthchecks.record_health_check(
        client,
        by=users["ammattilainen"],
        status=HealthCheck.Status.DONE,
        offered_on=timezone.localdate() - datetime.timedelta(days=40),
        done_on=timezone.localdate() - datetime.timedelta(days=33),
        done_by=users["ammattilainen"],
        led_to_further_assessment=True,
        further_assessment=HealthCheck.FurtherAssessment.WORK_ABILITY_ASSESSMENT,
    )


OVERDUE_ACTION = "Velkaneuvonnan ajanvaraus"


def agreed_plan(network: ClientNetwork, users: dict[str, User]) -> ServicePlan:
    """The plan agreed in the first meeting; its review is due this week."""
    hub = users["koordinaattori"]
    today = timezone.localdate()
    plan = plans.create_plan(
        network,
        by=hub,
        client_goals="Haluan palata työhön osa-aikaisesti ja saada selkäkivun hallintaan.",
        next_review_date=today + datetime.timedelta(days=4),
    )
    work = plans.add_goal(
        plan,
        by=hub,
        text="Osa-aikatyö kevääseen mennessä",
        domain=PlanGoal.Domain.WORK,
        target_date=today + datetime.timedelta(days=150),
    )
    health = plans.add_goal(
        plan, by=hub, text="Kivunhoidon suunnitelma", domain=PlanGoal.Domain.HEALTH
    )
    for description, service, who, goal, due in (
        ("Työkyvyn arviointi lääkärillä", PlanAction.ServiceType.MEDICAL_ASSESSMENT,
         "ammattilainen", health, 10),
        ("Ammatillisen kuntoutuksen hakemus Kelaan",
         PlanAction.ServiceType.VOCATIONAL_REHABILITATION, "kela", work, 20),
        ("Työkokeilupaikan etsiminen", PlanAction.ServiceType.WORK_TRIAL, "tyollisyys", work, 45),
        (OVERDUE_ACTION, PlanAction.ServiceType.DEBT_COUNSELLING, "sosiaalityo", None, 1),
    ):  # fmt: skip
        plans.add_action(
            plan,
            by=hub,
            description=description,
            service_type=service,
            responsible_user=users[who],
            goal=goal,
            due_date=today + datetime.timedelta(days=due),
        )
    plan.refresh_from_db()
    plans.agree_plan(
        plan, by=hub, lock_version=plan.lock_version, method=ServicePlan.AgreementMethod.IN_MEETING
    )
    ServicePlan.objects.filter(pk=plan.pk).update(
        created_at=moment(36, 11), agreed_at=moment(35, 11)
    )
    # One action has slipped past its date: the coordinator's and the responsible
    # worker's worklists show it as overdue.
    PlanAction.objects.filter(plan=plan, description=OVERDUE_ACTION).update(
        due_date=today - datetime.timedelta(days=4)
    )
    return plan


def seed_networks(users: dict[str, User]) -> int:
    hub = users["koordinaattori"]
    first = form(
        FIRST,
        users,
        [
            ("ammattilainen", Role.RESPONSIBLE_WORKER),
            ("kela", Role.KELA),
            ("tyollisyys", Role.TE_EXPERT),
            ("sosiaalityo", Role.SOCIAL_WORKER),
        ],
    )
    assess(first.client, users)
    hold_meeting(
        first,
        hub,
        35,
        [
            ("Haetaan ammatillista kuntoutusta", Role.KELA, None),
            ("Varataan lääkärin vastaanotto", Role.RESPONSIBLE_WORKER, None),
        ],
    )
    agreed_plan(first, users)
    upcoming_meeting(first, hub)
    second = form(
        SECOND,
        users,
        [
            ("tyollisyys", Role.RESPONSIBLE_WORKER),
            ("jarjesto", Role.PEER),
            ("ammattilainen", Role.NURSE),
        ],
    )
    hold_meeting(second, hub, 60, [("Selvitetään aikuiskoulutuksen vaihtoehdot", Role.PEER, None)])
    hold_meeting(second, hub, 21, [("Haetaan syksyn koulutukseen", Role.RESPONSIBLE_WORKER, None)])
    return 2
