"""When someone leaves, everything they hold goes to a colleague in one transaction, or
nothing does; and afterwards no open work points at them."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from clients.models import Consent
from clients.services import record_consent
from coaching import services as coaching_services
from coaching.models import Referral
from common.errors import InvalidTransition
from common.inbox import Kind, announced
from common.timeline import TimelineQuery, collect_for_client, collect_for_network
from coordination.models import ConsultationRequest, User
from coordination.tests.factories import ConsultationFactory, OrganizationFactory, UserFactory
from networks import services as network_services
from networks.models import ClientNetwork, MeetingDecision, NetworkMember
from networks.tests.factories import MeetingFactory, network_consent
from people import services
from people.events import KIND
from people.handover import ACTIVE_WORK, hand_over_and_deactivate, work_of
from people.models import ChangeRecord, HandedOverItem
from serviceplans import services as plan_services
from serviceplans.models import PlanAction

pytestmark = pytest.mark.django_db

# Every foreign key to a person that is not open work: who did something, when it was
# done, or the person's own things. A new foreign key to a person must be placed in
# ACTIVE_WORK (people/handover.py) or here, with its reason.
RECORD_FIELDS = {
    "admin.LogEntry.user": "Django admin's history",
    "otp_totp.TOTPDevice.user": "the person's own authenticator",
    "otp_static.StaticDevice.user": "the person's own recovery codes",
    "coordination.ConsultationRequest.requester": "who sent the request (the answer is on it)",
    "coordination.ConsultationAnswer.answered_by": "who answered",
    "coordination.Feedback.given_by": "who gave feedback",
    "coordination.SecurityEvent.user": "the security log",
    "coordination.SecurityEvent.actor": "the security log",
    "coordination.IntegrationCredential.created_by": "who made the credential",
    "coordination.UserSession.user": "the person's sessions (ended at deactivation)",
    "clients.Client.created_by": "who registered the client",
    "clients.Consent.recorded_by": "who recorded the consent",
    "clients.Consent.withdrawn_by": "who recorded the withdrawal",
    "clients.AccessLog.user": "the access log",
    "clients.WorkAbilityAssessment.assessed_by": "who assessed",
    "clients.AccessLogReview.user": "who reviewed the access log",
    "clients.ClientChange.changed_by": "who corrected the client's details",
    "coordination.ExternalIdentity.user": "the person's own sign-in link (kept: a "
    "reactivated person signs in again with it)",
    "networks.NetworkMember.added_by": "who added the member",
    "networks.NetworkMeeting.minutes_recorded_by": "who wrote the minutes",
    "networks.MeetingDecision.created_by": "who recorded the decision",
    "serviceplans.ServicePlan.agreed_by": "who recorded the agreement",
    "serviceplans.ServicePlan.created_by": "who started the plan",
    "serviceplans.ServicePlan.updated_by": "who changed it last",
    "serviceplans.PlanReview.reviewed_by": "who reviewed",
    "serviceplans.PlanDocument.requested_by": "who asked for the PDF",
    "healthchecks.HealthCheck.offered_by": "who offered the health check",
    "healthchecks.HealthCheck.done_by": "who did it",
    "coaching.Referral.referred_by": "who referred the client",
    "coaching.VocationalProfile.updated_by": "who changed it last",
    "coaching.EmployerContact.coach": "who made the contact (a past event)",
    "coaching.JobStart.recorded_by": "who recorded the job start",
    "coaching.FollowAlongNote.author": "who wrote the note",
    "coaching.FidelityReview.reviewed_by": "who reviewed",
    "people.Invitation.user": "the person's invitations",
    "people.Invitation.invited_by": "who invited",
    "people.ChangeRecord.actor": "the change records",
    "people.ChangeRecord.person": "the change records",
    "people.HandedOverItem.receiver": "who took the work over (a past event)",
    "coordination.ConsultationMessage.author": "who wrote the message",
    "serviceplans.PlanChange.changed_by": "who changed the plan",
    "serviceplans.RemovedAction.removed_by": "who removed the action",
    "voice.ClientLink.created_by": "who made the client's link",
    "voice.ClientLink.revoked_by": "who revoked the client's link",
    # The inbox's own rows are the person's own, like the notifications.
    "inbox.InboxItem.recipient": "the person's own inbox",
    "inbox.EmailPreference.user": "the person's own settings",
}


def owner_fields() -> set[str]:
    user = get_user_model()
    return {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and field.is_relation
        and field.related_model is user
        and (field.many_to_one or field.one_to_one)
    }


def test_every_foreign_key_to_a_person_is_work_or_record():
    work = {f"{kind.model._meta.label}.{kind.owner_field}" for kind in ACTIVE_WORK}
    unplaced = owner_fields() - work - set(RECORD_FIELDS)
    assert not unplaced, f"place these in ACTIVE_WORK or RECORD_FIELDS: {sorted(unplaced)}"
    assert work <= owner_fields()


# --- A world where people hold work -----------------------------------------------------------


@pytest.fixture
def hanna(hub):
    """A coordinator who is leaving."""
    return UserFactory(username="hanna", first_name="Hanna", organization=hub, role="coordinator")


@pytest.fixture
def held(hanna, kaisa, alice, health_centre, tuula, coaching_team):
    """hanna holds one of everything a coordinator holds; alice (a professional) is the
    responsible worker of hanna's network and has an action; tuula coaches its client."""
    request = ConsultationFactory(assigned_to=hanna, status=ConsultationRequest.Status.TRIAGED)
    closed = ConsultationFactory(assigned_to=hanna, status=ConsultationRequest.Status.CLOSED)
    network = network_services.form_network(by=hanna, client=request.client)
    network_consent(request.client, [health_centre], hanna)
    member = network_services.add_network_member(
        network, by=hanna, user=alice, role=NetworkMember.Role.RESPONSIBLE_WORKER
    )
    hanna_member = network_services.add_network_member(
        network, by=kaisa, user=hanna, role=NetworkMember.Role.OTHER
    )
    decision = MeetingDecision.objects.create(
        meeting=MeetingFactory(
            network=network, created_by=hanna, starts_at=timezone.now() - datetime.timedelta(days=1)
        ),
        text="Työkokeilu",
        responsible=member,
        created_by=hanna,
    )
    future = MeetingFactory(network=network, created_by=hanna)
    plan = plan_services.create_plan(network, by=hanna)
    actions = [
        plan_services.add_action(
            plan,
            by=hanna,
            description=f"Toimenpide {who}",
            service_type=PlanAction.ServiceType.WORK_TRIAL,
            responsible_user=who,
            due_date=timezone.localdate() + datetime.timedelta(days=14),
        )
        for who in (hanna, alice)
    ]
    record_consent(
        request.client,
        by=hanna,
        scope=Consent.Scope.JOB_COACHING,
        method=Consent.Method.WRITTEN,
        organizations=[coaching_team],
    )
    referral = coaching_services.refer(
        by=hanna, client=request.client, team=coaching_team, source=Referral.Source.COORDINATOR
    )
    coaching_services.take_referral(referral, by=tuula)
    return {
        "request": request,
        "closed": closed,
        "network": network,
        "member": member,
        "hanna_member": hanna_member,
        "decision": decision,
        "meeting": future,
        "actions": actions,
        "referral": referral,
    }


@pytest.fixture
def told():
    announcements = []

    def receive(sender, announcement, **kwargs):
        announcements.append(announcement)

    announced.connect(receive)
    yield announcements
    announced.disconnect(receive)


def assert_holds_nothing(user):
    """A query over every owner field of ACTIVE_WORK: no open work points at `user`."""
    for kind in ACTIVE_WORK:
        assert not kind.of(user).exists(), f"{kind.key} still points at {user}"


def test_a_leaving_coordinator_hands_everything_to_a_colleague(ylva, hanna, kaisa, held, told):
    # A request, a network, a membership, a future meeting and an action.
    assert work_of(hanna).count == 5
    hand_over_and_deactivate(hanna, by=ylva, receiver=kaisa)
    hanna.refresh_from_db()
    assert not hanna.is_active
    assert_holds_nothing(hanna)
    held["request"].refresh_from_db()
    held["closed"].refresh_from_db()
    assert held["request"].assigned_to == kaisa
    assert held["closed"].assigned_to == hanna  # closed work stays as it was
    assert ClientNetwork.objects.get(pk=held["network"].pk).coordinator == kaisa
    assert held["meeting"].__class__.objects.get(pk=held["meeting"].pk).created_by == kaisa
    assert PlanAction.objects.get(pk=held["actions"][0].pk).responsible_user == kaisa
    # hanna left the network and kaisa joined in her role: the network's timeline shows it.
    left = NetworkMember.objects.get(pk=held["hanna_member"].pk)
    assert left.left_at is not None
    joined = NetworkMember.objects.get(network=held["network"], user=kaisa, left_at=None)
    assert joined.role == NetworkMember.Role.OTHER
    # Everything handed over is in kaisa's inbox.
    assert {a.recipient_id for a in told} == {kaisa.pk}
    assert all(a.kind == Kind.WORK_HANDED_OVER for a in told)
    assert len(told) == 5
    record = ChangeRecord.objects.get(person=hanna, action=ChangeRecord.Action.WORK_HANDED_OVER)
    assert record.actor == ylva and record.after["holder"] == str(kaisa)


def test_a_responsible_worker_hands_her_place_and_decisions_over(ylva, alice, held, health_centre):
    colleague = UserFactory(organization=health_centre, first_name="Riikka")
    hand_over_and_deactivate(alice, by=ylva, receiver=colleague)
    assert_holds_nothing(alice)
    member = NetworkMember.objects.get(network=held["network"], user=colleague, left_at=None)
    assert member.role == NetworkMember.Role.RESPONSIBLE_WORKER
    assert MeetingDecision.objects.get(pk=held["decision"].pk).responsible == member
    assert PlanAction.objects.get(pk=held["actions"][1].pk).responsible_user == colleague


def test_a_leaving_coach_hands_her_caseload_to_a_coach_of_the_team(
    ylva, tuula, held, coaching_team
):
    sami = UserFactory(organization=coaching_team, role=User.Role.JOB_COACH)
    hand_over_and_deactivate(tuula, by=ylva, receiver=sami)
    assert Referral.objects.get(pk=held["referral"].pk).coach == sami
    assert_holds_nothing(tuula)


def _nothing_changed(hanna, held):
    hanna.refresh_from_db()
    assert hanna.is_active
    assert ConsultationRequest.objects.get(pk=held["request"].pk).assigned_to == hanna
    assert ClientNetwork.objects.get(pk=held["network"].pk).coordinator == hanna
    assert NetworkMember.objects.get(pk=held["hanna_member"].pk).left_at is None
    assert not ChangeRecord.objects.filter(person=hanna).exists()


def test_handing_over_to_an_inactive_person_changes_nothing(ylva, hanna, held, hub, told):
    gone = UserFactory(organization=hub, role=User.Role.COORDINATOR, is_active=False)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        hand_over_and_deactivate(hanna, by=ylva, receiver=gone)
    assert "not active" in str(refused.value.message_dict["receiver"])
    _nothing_changed(hanna, held)
    assert not told


def test_handing_over_outside_the_clients_consent_changes_nothing(ylva, hanna, held, kela):
    # A coordinator-role person in Kela: not the hub, and the consent names no Kela.
    outsider = UserFactory(organization=kela, role=User.Role.COORDINATOR)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        hand_over_and_deactivate(hanna, by=ylva, receiver=outsider)
    assert "consent" in str(refused.value.message_dict["receiver"])
    _nothing_changed(hanna, held)


def test_coaching_clients_go_only_to_a_coach_of_the_same_team(ylva, tuula, held):
    other_team = OrganizationFactory(name="Toinen valmennustiimi")
    stranger = UserFactory(organization=other_team, role=User.Role.JOB_COACH)
    with pytest.raises(ValidationError):
        hand_over_and_deactivate(tuula, by=ylva, receiver=stranger)
    assert Referral.objects.get(pk=held["referral"].pk).coach == tuula


def test_work_without_a_receiver_blocks_the_deactivation(ylva, hanna, held):
    with pytest.raises(InvalidTransition):
        services.deactivate_person(hanna, by=ylva)
    with pytest.raises(ValidationError):
        hand_over_and_deactivate(hanna, by=ylva, receiver=None)
    _nothing_changed(hanna, held)


def test_the_page_lists_the_work_by_reference_and_hands_it_over(client, ylva, hanna, kaisa, held):
    client.force_login(ylva)
    url = reverse("people:person_deactivate", args=[hanna.uuid])
    page = client.get(url).content.decode()
    assert held["request"].reference in page
    # No client's name reaches the administrator.
    assert held["request"].client.last_name not in page
    response = client.post(url, {"receiver": kaisa.pk, "confirm": "on"})
    assert response.status_code == 302
    assert_holds_nothing(hanna)
    assert "Work handed over" in client.get(response["Location"]).content.decode()


def test_the_page_refuses_an_inactive_receiver_next_to_the_field(client, ylva, hanna, held, hub):
    gone = UserFactory(organization=hub, role=User.Role.COORDINATOR, is_active=False)
    client.force_login(ylva)
    url = reverse("people:person_deactivate", args=[hanna.uuid])
    response = client.post(url, {"receiver": gone.pk, "confirm": "on"})
    assert response.status_code == 400
    assert response.context["form"].errors["receiver"]
    _nothing_changed(hanna, held)


# --- The handover on the timelines ---------------------------------------------------------


def _handovers(timeline):
    return [event for event in timeline.events if event.kind == KIND]


@pytest.fixture
def handed(ylva, hanna, kaisa, held):
    hand_over_and_deactivate(hanna, by=ylva, receiver=kaisa)
    return held


def test_the_network_timeline_names_the_leaver_the_receiver_and_the_work(handed, kaisa):
    with translation.override("en"):
        events = _handovers(collect_for_network(handed["network"], kaisa, TimelineQuery()))
        details = sorted(str(event.detail) for event in events)
        titles = {str(event.title) for event in events}
    assert titles == {f"Work handed over: {handed['hanna_member'].user} → {kaisa}"}
    action = handed["actions"][0]
    assert details == [
        "Network coordinator",
        "Network meeting",
        "Network membership",
        f"Plan action: {action.description}",
    ]
    assert all(event.url.startswith("/") for event in events)


def test_the_clients_record_holds_every_item_with_its_link(handed, kaisa):
    client = handed["request"].client
    with translation.override("en"):
        events = _handovers(collect_for_client(client, kaisa, TimelineQuery()))
        details = {str(event.detail) for event in events}
    assert f"Consultation request: {handed['request'].reference}" in details
    assert "Network coordinator" in details
    assert len(events) == HandedOverItem.objects.filter(client=client).count() == 5
    request = next(event for event in events if "Consultation request" in str(event.detail))
    assert request.url.endswith(f"{handed['request'].uuid}/")


def test_a_coachs_handover_shows_the_coaching(ylva, tuula, held, coaching_team, kaisa):
    sami = UserFactory(organization=coaching_team, role="job_coach", first_name="Sami")
    hand_over_and_deactivate(tuula, by=ylva, receiver=sami)
    with translation.override("en"):
        events = _handovers(collect_for_client(held["referral"].client, kaisa, TimelineQuery()))
        assert [str(event.detail) for event in events] == ["Job coaching"]
        assert str(events[0].title) == f"Work handed over: {tuula} → {sami}"


def test_a_member_sees_the_network_items_but_not_a_request_that_is_not_hers(handed, alice):
    with translation.override("en"):
        events = _handovers(collect_for_client(handed["request"].client, alice, TimelineQuery()))
        details = {str(event.detail) for event in events}
    assert "Network coordinator" in details
    assert not any(detail.startswith("Consultation request") for detail in details)


def test_an_outsider_sees_no_handover(handed, kela):
    outsider = UserFactory(organization=kela)
    client = handed["request"].client
    assert _handovers(collect_for_client(client, outsider, TimelineQuery())) == []
    assert _handovers(collect_for_network(handed["network"], outsider, TimelineQuery())) == []


def test_the_source_reads_the_same_queries_for_few_and_many_items(handed, kaisa):
    client = handed["request"].client
    query = TimelineQuery(kinds=frozenset({KIND}))
    with CaptureQueriesContext(connection) as few:
        collect_for_client(client, kaisa, query)
    items = list(HandedOverItem.objects.filter(client=client))
    for item in items * 4:
        item.pk = None
        item.save()
    with CaptureQueriesContext(connection) as many:
        events = collect_for_client(client, kaisa, query).events
    assert len(events) == 25
    assert len(many) == len(few)


def test_the_network_page_and_the_record_page_show_it_in_finnish(client, settings, handed, kaisa):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    client.force_login(kaisa)
    expected = f"Työt siirretty: {handed['hanna_member'].user} → {kaisa}"
    network = client.get(reverse("networks:network_detail", args=[handed["network"].uuid]))
    assert expected in network.content.decode()
    assert "Verkoston koordinaattori" in network.content.decode()
    record = client.get(reverse("clients:client_record", args=[handed["request"].client.uuid]))
    assert expected in record.content.decode()
    assert f"Konsultaatiopyyntö: {handed['request'].reference}" in record.content.decode()
