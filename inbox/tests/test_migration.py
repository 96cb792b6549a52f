"""The data migration moves every coordination.Notification and every
serviceplans.PlanReminder into the inbox, with its read and e-mailed state, dates and
link: the database is taken back to just before it (the old tables return, empty), rows
are written with the historical models, and the migration is run forward again."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ConsentFactory
from coordination.models import ConsultationRequest
from coordination.tests.factories import ConsultationFactory, UserFactory
from inbox.models import InboxItem

BEFORE = [
    ("inbox", "0001_initial"),
    ("coordination", "0011_user_sessions_and_password_reset"),
    ("serviceplans", "0003_documents_in_the_database"),
]


def _newest() -> list[tuple[str, str]]:
    """Every app's newest migration: going back to BEFORE also takes back the apps that
    depend on those states, and the next test needs the whole schema."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_notification_and_reminder_becomes_an_inbox_item(plan, alice, kaisa, teemu):
    consultations = ConsultationFactory.create_batch(3, requester=alice)
    consent = ConsentFactory(client=plan.client, recorded_by=kaisa)
    readers = [UserFactory(username=f"reader{n}") for n in range(2)]
    now = timezone.now()
    today = timezone.localdate()
    try:
        old = _migrate(BEFORE)
        InboxItem.objects.all().delete()  # what the setup announced: not the old rows
        Notification = old.get_model("coordination", "Notification")
        PlanReminder = old.get_model("serviceplans", "PlanReminder")
        notifications = [
            Notification.objects.create(
                recipient_id=alice.pk, kind="answered", consultation_id=c.pk, created_at=now
            )
            for c in consultations
        ] + [
            Notification.objects.create(
                recipient_id=user.pk,
                kind="urgent_request",
                consultation_id=consultations[0].pk,
                read_at=now,
                emailed_at=now,
            )
            for user in readers
        ]
        reminders = [
            PlanReminder.objects.create(
                kind="action_due",
                subject="action:abc",
                due_date=today,
                recipient_id=teemu.pk,
                plan_id=plan.pk,
                url=f"/plans/{plan.uuid}/",
                emailed_at=now,
            ),
            PlanReminder.objects.create(
                kind="review_due",
                subject=f"review:{plan.network.uuid}",
                due_date=today + datetime.timedelta(days=7),
                recipient_id=alice.pk,
                plan_id=plan.pk,
                url=f"/plans/{plan.uuid}/",
                read_at=now,
            ),
            PlanReminder.objects.create(
                kind="consent_expiring",
                subject=f"consent:{consent.uuid}",
                due_date=today,
                recipient_id=kaisa.pk,
                url=f"/clients/{plan.client.uuid}/",
                text="Suostumus päättyy",
            ),
            PlanReminder.objects.create(
                kind="job_start",
                subject="job_start:00000000-0000-0000-0000-000000000000",
                due_date=today,
                recipient_id=kaisa.pk,
                url="/networks/x/meetings/new/",
            ),
        ]
        _migrate(_newest())
    finally:
        _migrate(_newest())  # the test database stays at the newest state for the next test
        ContentType.objects.clear_cache()

    items = InboxItem.objects.all()
    assert items.count() == len(notifications) + len(reminders)
    for n in notifications:
        item = InboxItem.objects.get(uuid=n.uuid)
        assert item.recipient_id == n.recipient_id
        assert item.kind == {"answered": "request_answered"}.get(n.kind, n.kind)
        assert (item.read_at, item.emailed_at) == (n.read_at, n.emailed_at)
        assert item.object_id == n.consultation_id
        target = ConsultationRequest.objects.get(pk=item.object_id)
        assert item.target == target
        assert item.url == reverse("consultation_detail", args=[target.uuid])
        assert item.key == f"coordination.consultationrequest:{n.consultation_id}"
    for r in reminders:
        item = InboxItem.objects.get(recipient_id=r.recipient_id, kind=r.kind)
        assert (item.url, item.text, item.due_date) == (r.url, r.text, r.due_date)
        assert (item.read_at, item.emailed_at, item.created_at) == (
            r.read_at,
            r.emailed_at,
            r.created_at,
        )
        assert item.key == f"{r.subject}:{r.due_date.isoformat()}"
    consent_item = InboxItem.objects.get(kind="consent_expiring")
    assert consent_item.target == consent
    assert InboxItem.objects.get(kind="review_due").target == plan
    # A thing that no longer exists: the item keeps its link, without a target.
    assert InboxItem.objects.get(kind="job_start").content_type is None
