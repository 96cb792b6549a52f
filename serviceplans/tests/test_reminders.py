"""The daily sweep announces what is due to the inbox, and each item (and its e-mail)
comes once, even when the sweep runs twice: run by a REAL Celery worker over Redis
(tests/conftest.py), and by two threads at once against PostgreSQL's row locks. The clock
is moved with time_machine."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from clients.models import Consent
from clients.tests.factories import ConsentFactory
from common.inbox import Kind
from coordination.models import ConsultationRequest
from coordination.tests.factories import ConsultationFactory
from inbox.models import InboxItem
from outbox.delivery import deliver_due
from outbox.models import OutboxMessage
from outbox.tests.waiting import wait_for_delivery
from serviceplans import services, tasks
from serviceplans.models import PlanAction
from serviceplans.tests.conftest import agree

SWEPT = [Kind.ACTION_DUE, Kind.ACTION_OVERDUE, Kind.REVIEW_DUE, Kind.CONSENT_EXPIRING]
SWEPT += [Kind.CONSULTATION_WAITING]


@pytest.fixture
def due_things(plan, alice, teemu, kaisa, today):
    """In an agreed plan with a draft version 2 (the same actions twice): one action of
    teemu due in two days, one of alice overdue, one far ahead, one done; the review due
    in five days; a consent expiring in ten days; a request waiting for two weeks."""
    plan.actions.update(due_date=today + datetime.timedelta(days=40))
    teemu_action = plan.actions.get(responsible_user=teemu)
    services.add_action(
        plan,
        by=alice,
        description="Kela-hakemus",
        service_type="benefits_guidance",
        responsible_user=alice,
        due_date=today,
    )
    done = services.add_action(
        plan,
        by=alice,
        description="Valmis jo",
        service_type="other",
        responsible_user=alice,
        due_date=today,
    )
    services.update_plan(
        plan,
        by=alice,
        lock_version=plan.lock_version,
        next_review_date=today + datetime.timedelta(days=5),
    )
    agree(plan, alice)
    services.set_action_status(done, by=alice, status="done")
    # The due dates move after agreeing (follow-up), as on a real plan:
    PlanAction.objects.filter(lineage=teemu_action.lineage).update(
        due_date=today + datetime.timedelta(days=2)
    )
    PlanAction.objects.filter(plan=plan, description="Kela-hakemus").update(
        due_date=today - datetime.timedelta(days=1)
    )
    services.start_plan_revision(plan, by=alice)  # version 2: copies of the same actions
    ConsentFactory(
        client=plan.client,
        scope=Consent.Scope.NETWORK,
        recorded_by=kaisa,
        valid_until=today + datetime.timedelta(days=10),
    )
    ConsultationFactory(
        requester=alice,
        status=ConsultationRequest.Status.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(days=14),
    )
    # Building the plan announced its assignments (members added, actions given): this
    # test is about the sweep, so it starts from an empty inbox and outbox.
    InboxItem.objects.all().delete()
    OutboxMessage.objects.all().delete()
    return plan


EXPECTED = {
    ("action_due", "teemu"),
    ("action_overdue", "alice"),
    ("review_due", "alice"),  # the responsible worker
    ("consent_expiring", "kaisa"),  # the hub's coordinators
    ("consultation_waiting", "kaisa"),
}


def _delivered():
    # The outbox rows of the sweep (the setup's own were deleted with its items; a real
    # worker may have delivered some of them to mailoutbox already).
    return OutboxMessage.objects.filter(
        dedupe_key__startswith="inbox:", state=OutboxMessage.State.SENT
    ).count()


def _sent():
    items = InboxItem.objects.filter(kind__in=SWEPT).select_related("recipient")
    assert len(items) == len({(i.kind, i.recipient_id, i.key) for i in items})
    return {(i.kind, i.recipient.username) for i in items}


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_reminder_once_when_the_sweep_runs_twice(
    due_things, celery_worker, mailoutbox
):
    first = tasks.send_plan_reminders.delay()
    second = tasks.send_plan_reminders.delay()
    assert first.get(timeout=60) == second.get(timeout=60)
    assert _sent() == EXPECTED
    assert InboxItem.objects.count() == len(EXPECTED)
    wait_for_delivery()
    assert _delivered() == len(EXPECTED)
    assert not InboxItem.objects.filter(emailed_at__isnull=True).exists()
    # No client names in e-mail.
    assert not any("Meikäläinen" in m.body or "Meikäläinen" in m.subject for m in mailoutbox)
    # The next day the same things are still due: nothing is sent again.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        tasks.send_plan_reminders.delay().get(timeout=60)
    wait_for_delivery()
    assert _delivered() == len(EXPECTED)
    assert InboxItem.objects.count() == len(EXPECTED)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_send_each_reminder_once(due_things, mailoutbox):
    start = threading.Barrier(2)
    results = []

    def run():
        try:
            start.wait()
            results.append(tasks.send_plan_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results[0] == results[1]
    assert _sent() == EXPECTED
    assert InboxItem.objects.count() == len(EXPECTED)
    assert OutboxMessage.objects.count() == len(EXPECTED)


@pytest.mark.django_db
def test_a_changed_due_date_is_reminded_again(due_things, teemu, mailoutbox, today):
    tasks.send_plan_reminders()
    assert deliver_due() == len(EXPECTED)
    PlanAction.objects.filter(responsible_user=teemu).update(
        due_date=today + datetime.timedelta(days=1)
    )
    tasks.send_plan_reminders()
    assert deliver_due() == 1
    assert mailoutbox[-1].to == [teemu.email]


@pytest.mark.django_db
def test_what_is_due_shows_on_my_actions_and_in_the_inbox_until_read(client, due_things, teemu):
    tasks.send_plan_reminders()
    client.force_login(teemu)
    html = client.get("/plans/actions/").content.decode()
    assert str(Kind.ACTION_DUE.label) in html
    item = InboxItem.objects.get(recipient=teemu)
    assert item.kind == Kind.ACTION_DUE
    assert item.url == f"/plans/{due_things.uuid}/"
    page = client.get("/inbox/?show=unread")
    assert [i.kind for i in page.context["page"]] == [Kind.ACTION_DUE]
    opened = client.get(f"/inbox/{item.uuid}/")
    assert opened.status_code == 302 and opened["Location"] == item.url
    assert list(client.get("/inbox/?show=unread").context["page"]) == []


@pytest.mark.django_db
def test_a_member_who_left_gets_no_reminders(due_things, network, kaisa, teemu, mailoutbox):
    from networks import services as network_services

    network_services.remove_network_member(
        network.members.get(user=teemu), by=kaisa, reason="Ei enää tarpeen."
    )
    tasks.send_plan_reminders()
    deliver_due()
    assert not InboxItem.objects.filter(recipient=teemu).exists()
    assert teemu.email not in [m.to[0] for m in mailoutbox]
