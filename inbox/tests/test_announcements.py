"""Every assignment makes exactly one inbox item, in the transaction of the change: a
rolled-back change leaves none, a repeated one leaves one; the e-mail follows the
person's choice and carries no client data."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from coaching import services as coaching_services
from coaching import tasks as coaching_tasks
from coaching.models import Referral
from coaching.tests.factories import EmployerFactory
from common.inbox import Kind, announce
from coordination import services as coordination_services
from coordination.tests.factories import ConsultationFactory
from coordination.tests.test_services import submit
from inbox import services
from inbox.models import Delivery, InboxItem
from networks import services as network_services
from networks.models import NetworkMember
from networks.tests.factories import NetworkFactory, network_consent
from outbox.models import OutboxMessage
from serviceplans import services as plan_services
from serviceplans.models import PlanAction

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def _meeting(network, kaisa):
    return network_services.schedule_meeting(
        network,
        by=kaisa,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        location="Oulun TYP, neuvotteluhuone 2",
    )


def add_olli(ctx):
    network_consent(ctx["network"].client, [ctx["olli"].organization], ctx["kaisa"])
    network_services.add_network_member(
        ctx["network"], by=ctx["kaisa"], user=ctx["olli"], role=NetworkMember.Role.KELA
    )


def invite(ctx):
    ctx["meeting"] = _meeting(ctx["network"], ctx["kaisa"])


def move(ctx):
    meeting = ctx["meeting"]
    network_services.update_meeting(
        meeting, by=ctx["kaisa"], starts_at=meeting.starts_at + datetime.timedelta(hours=2)
    )


def cancel(ctx):
    network_services.cancel_meeting(ctx["meeting"], by=ctx["kaisa"], reason="Sairastuminen.")


def give_action(ctx):
    plan_services.add_action(
        ctx["plan"],
        by=ctx["alice"],
        description="Kuntoutuskurssi",
        service_type=PlanAction.ServiceType.OTHER,
        responsible_user=ctx["teemu"],
    )


def refer(ctx):
    coaching_services.refer(
        by=ctx["alice"],
        client=ctx["network"].client,
        team=ctx["tuula"].organization,
        source=Referral.Source.HEALTH_CARE,
    )


def answer(ctx):
    coordination_services.answer_consultation(ctx["consultation"], by=ctx["kaisa"], advice="N.")


# (kind, the change, who gets an item, what must exist first)
ASSIGNMENTS = [
    (Kind.ADDED_TO_NETWORK, add_olli, ["olli"], None),
    (Kind.MEETING_INVITED, invite, ["alice", "teemu"], None),
    (Kind.MEETING_MOVED, move, ["alice", "teemu"], invite),
    (Kind.MEETING_CANCELLED, cancel, ["alice", "teemu"], invite),
    (Kind.ACTION_ASSIGNED, give_action, ["teemu"], None),
    (Kind.REFERRAL_WAITING, refer, ["tuula"], None),
    (Kind.REQUEST_ANSWERED, answer, ["alice"], None),
]


@pytest.fixture
def ctx(plan, network, alice, olli, kaisa, teemu, tuula):
    """The plan's own setup announced things (members added, actions given): each test
    starts from an empty inbox and outbox."""
    consultation = ConsultationFactory(requester=alice)
    InboxItem.objects.all().delete()
    OutboxMessage.objects.all().delete()
    return {
        "plan": plan,
        "network": network,
        "alice": alice,
        "olli": olli,
        "kaisa": kaisa,
        "teemu": teemu,
        "tuula": tuula,
        "consultation": consultation,
    }


def _items(kind):
    return sorted(InboxItem.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.mark.parametrize(("kind", "change", "recipients", "before"), ASSIGNMENTS)
def test_each_assignment_makes_one_item_for_each_person(ctx, kind, change, recipients, before):
    if before:
        before(ctx)
        InboxItem.objects.all().delete()
    change(ctx)
    assert _items(kind) == recipients
    item = InboxItem.objects.filter(kind=kind).earliest("pk")
    assert item.url.startswith("/") and item.content_type is not None
    if kind in services.EMAILED_BY_THEIR_APP:
        # The meeting's own e-mail (with the calendar file) is the e-mail: none twice.
        assert not OutboxMessage.objects.filter(dedupe_key__startswith="inbox:").exists()
        return
    # Its immediate e-mail, once: a link through the inbox, nothing of the client.
    message = OutboxMessage.objects.get(dedupe_key=f"inbox:{item.pk}")
    assert f"/inbox/{item.uuid}/" in message.body
    assert "Meikäläinen" not in message.body + message.subject


@pytest.mark.parametrize(("kind", "change", "recipients", "before"), ASSIGNMENTS)
def test_a_rolled_back_assignment_makes_no_item(ctx, kind, change, recipients, before):
    if before:
        before(ctx)
        InboxItem.objects.all().delete()
    outbox_before = OutboxMessage.objects.count()
    with pytest.raises(Boom), transaction.atomic():
        change(ctx)
        assert _items(kind) == recipients  # there inside the transaction…
        raise Boom
    assert _items(kind) == []  # …and gone with it
    assert OutboxMessage.objects.count() == outbox_before


def test_a_repeated_announcement_is_one_item_and_one_email(ctx):
    consultation = ctx["consultation"]
    with transaction.atomic():
        for _ in range(3):
            announce(ctx["kaisa"], Kind.URGENT_REQUEST, consultation)
    with transaction.atomic():
        announce(ctx["kaisa"], Kind.URGENT_REQUEST, consultation)
    item = InboxItem.objects.get(kind=Kind.URGENT_REQUEST)
    assert OutboxMessage.objects.filter(dedupe_key=f"inbox:{item.pk}").count() == 1


def test_an_urgent_request_reaches_each_hub_coordinator(alice, kaisa, eero):
    submit(alice, urgency="urgent")
    assert _items(Kind.URGENT_REQUEST) == ["kaisa"]


def test_a_job_start_reaches_the_networks_coordinator(kaisa, tuula, alice):
    network = NetworkFactory(coordinator=kaisa)
    waiting = coaching_services.refer(
        by=alice,
        client=network.client,
        team=tuula.organization,
        source=Referral.Source.HEALTH_CARE,
    )
    referral = coaching_services.take_referral(waiting, by=tuula)
    job = coaching_services.record_job_start(
        referral, by=tuula, employer=EmployerFactory(), started_on=timezone.localdate(),
        hours_per_week=20,
    )  # fmt: skip
    item = InboxItem.objects.get(kind=Kind.JOB_START)
    assert item.recipient == kaisa and item.due_date == job.started_on
    assert item.url == f"/networks/{network.uuid}/meetings/new/"


def test_the_no_contact_sweep_warns_the_coach_once(ctx, tuula):
    refer(ctx)
    referral = coaching_services.take_referral(Referral.objects.get(), by=tuula)
    today = timezone.localdate()
    Referral.objects.filter(pk=referral.pk).update(
        referred_on=today - datetime.timedelta(days=40),
        taken_on=today - datetime.timedelta(days=20),
    )
    assert coaching_tasks.collect_no_contact(today) == 0  # 10 days left: not yet
    Referral.objects.filter(pk=referral.pk).update(taken_on=today - datetime.timedelta(days=24))
    coaching_tasks.announce_due()
    coaching_tasks.announce_due()
    item = InboxItem.objects.get(kind=Kind.COACHING_NO_CONTACT)
    assert item.recipient == tuula
    assert item.due_date == today + datetime.timedelta(days=6)
    assert item.url == f"/coaching/{referral.uuid}/"


def test_a_digest_preference_sends_no_immediate_email(ctx, teemu):
    services.set_preferences(teemu, {Kind.ACTION_ASSIGNED: Delivery.DAILY_DIGEST})
    give_action(ctx)
    item = InboxItem.objects.get(kind=Kind.ACTION_ASSIGNED)
    assert item.delivery == Delivery.DAILY_DIGEST
    assert not OutboxMessage.objects.filter(dedupe_key=f"inbox:{item.pk}").exists()


def test_not_by_email_sends_nothing_ever(ctx, teemu):
    services.set_preferences(teemu, {Kind.ACTION_ASSIGNED: Delivery.NONE})
    give_action(ctx)
    assert services.send_digests() == 0
    assert not OutboxMessage.objects.filter(recipient=teemu.email).exists()
