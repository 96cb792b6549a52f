"""The daily reminders go out once each, even when the sweep runs twice: run by a REAL
Celery worker over Redis (tests/conftest.py), and by two threads at once against
PostgreSQL's row locks. The clock is moved with time_machine."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from clients.models import Consent
from clients.tests.factories import ConsentFactory
from coordination.models import ConsultationRequest
from coordination.tests.factories import ConsultationFactory
from outbox.delivery import deliver_due
from outbox.tests.waiting import wait_for_delivery
from serviceplans import services, tasks
from serviceplans.models import PlanAction, PlanReminder
from serviceplans.tests.conftest import agree

Kind = PlanReminder.Kind


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
    return plan


EXPECTED = {
    ("action_due", "teemu"),
    ("action_overdue", "alice"),
    ("review_due", "alice"),  # the responsible worker
    ("consent_expiring", "kaisa"),  # the hub's coordinators
    ("consultation_waiting", "kaisa"),
}


def _sent():
    return {
        (r.kind, r.recipient.username) for r in PlanReminder.objects.select_related("recipient")
    }


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_reminder_once_when_the_sweep_runs_twice(
    due_things, celery_worker, mailoutbox
):
    first = tasks.send_plan_reminders.delay()
    second = tasks.send_plan_reminders.delay()
    assert first.get(timeout=60) + second.get(timeout=60) == len(EXPECTED)
    assert _sent() == EXPECTED
    wait_for_delivery()
    assert len(mailoutbox) == len(EXPECTED)
    assert not PlanReminder.objects.filter(emailed_at__isnull=True).exists()
    # No client names in e-mail.
    assert not any("Meikäläinen" in m.body or "Meikäläinen" in m.subject for m in mailoutbox)
    # The next day the same things are still due: nothing is sent again.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert tasks.send_plan_reminders.delay().get(timeout=60) == 0
    wait_for_delivery()
    assert len(mailoutbox) == len(EXPECTED)


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
    assert sum(results) == len(EXPECTED)
    assert len(mailoutbox) == len(EXPECTED)


@pytest.mark.django_db
def test_a_changed_due_date_is_reminded_again(due_things, teemu, mailoutbox, today):
    tasks.send_plan_reminders()
    assert deliver_due() == len(EXPECTED)
    PlanAction.objects.filter(responsible_user=teemu).update(
        due_date=today + datetime.timedelta(days=1)
    )
    assert tasks.send_plan_reminders() == 1
    assert deliver_due() == 1
    assert mailoutbox[-1].to == [teemu.email]


@pytest.mark.django_db
def test_reminders_show_in_the_inbox_of_my_actions(client, due_things, teemu):
    tasks.send_plan_reminders()
    client.force_login(teemu)
    response = client.get("/plans/actions/")
    assert [r.kind for r in response.context["reminders"]] == [Kind.ACTION_DUE]


@pytest.mark.django_db
def test_reminders_show_in_the_notifications_inbox_until_read(client, due_things, kaisa):
    tasks.send_plan_reminders()
    client.force_login(kaisa)
    page = client.get("/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="list-group plan-reminders"' in html
    for reminder in PlanReminder.objects.filter(recipient=kaisa):
        client.post(f"/plans/reminders/{reminder.pk}/read/")
    assert 'class="list-group plan-reminders"' not in client.get("/notifications/").content.decode()


@pytest.mark.django_db
def test_a_member_who_left_gets_no_reminders(due_things, network, kaisa, teemu, mailoutbox):
    from networks import services as network_services

    network_services.remove_network_member(
        network.members.get(user=teemu), by=kaisa, reason="Ei enää tarpeen."
    )
    tasks.send_plan_reminders()
    deliver_due()
    assert not PlanReminder.objects.filter(recipient=teemu).exists()
    assert teemu.email not in [m.to[0] for m in mailoutbox]


@pytest.mark.django_db
def test_marking_someone_elses_reminder_read_is_404(client, alice, olli, today):
    """Found by the IDOR matrix: the read button answered every id with a redirect. Now a
    reminder that is not the user's own – or does not exist – is 404, and stays unread."""
    reminder = PlanReminder.objects.create(
        kind=PlanReminder.Kind.REVIEW_DUE, subject="review:x", due_date=today, recipient=alice
    )
    client.force_login(olli)
    assert client.post(f"/plans/reminders/{reminder.pk}/read/").status_code == 404
    assert client.post(f"/plans/reminders/{reminder.pk + 1000}/read/").status_code == 404
    reminder.refresh_from_db()
    assert reminder.read_at is None
    client.force_login(alice)
    assert client.post(f"/plans/reminders/{reminder.pk}/read/").status_code == 302
    reminder.refresh_from_db()
    assert reminder.read_at is not None
