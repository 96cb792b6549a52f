"""The daily digest: one e-mail per person per day listing their items not yet in a
digest (links only), exactly once even when the task runs twice – one after the other on
a REAL Celery worker over Redis, or two at the same moment against PostgreSQL's locks."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from common.inbox import Kind, announce
from coordination.tests.factories import ConsultationFactory, UserFactory
from inbox import services, tasks
from inbox.models import Delivery, InboxItem
from outbox.models import OutboxMessage
from outbox.tests.waiting import wait_for_delivery


@pytest.fixture
def digest_people(db):
    """Three people who chose the digest, two items each, and one who chose none."""
    people = [UserFactory(username=f"digest{n}") for n in range(3)]
    quiet = UserFactory(username="quiet")
    for person in people:
        services.set_preferences(person, {Kind.REQUEST_ANSWERED: Delivery.DAILY_DIGEST})
    services.set_preferences(quiet, {Kind.REQUEST_ANSWERED: Delivery.NONE})
    with transaction.atomic():
        for person in [*people, quiet]:
            for consultation in ConsultationFactory.create_batch(
                2, requester=person, client__last_name="Meikäläinen"
            ):
                announce(person, Kind.REQUEST_ANSWERED, consultation)
    return people


def _digests():
    return list(
        OutboxMessage.objects.filter(dedupe_key__startswith="digest:").values_list(
            "dedupe_key", flat=True
        )
    )


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_one_digest_per_person_when_run_twice(
    digest_people, celery_worker, mailoutbox
):
    first = tasks.send_digests.delay()
    second = tasks.send_digests.delay()
    assert first.get(timeout=60) + second.get(timeout=60) == 3
    today = timezone.localdate().isoformat()
    assert sorted(_digests()) == sorted(f"digest:{p.pk}:{today}" for p in digest_people)
    assert not OutboxMessage.objects.filter(dedupe_key__startswith="inbox:").exists()
    wait_for_delivery()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in digest_people)
    body = mailoutbox[0].body
    assert body.count("/inbox/") >= 2 and "Meikäläinen" not in body
    assert not InboxItem.objects.filter(
        delivery=Delivery.DAILY_DIGEST, digested_at__isnull=True
    ).exists()
    # The same day again, even with a new item: nothing more today…
    person = digest_people[0]
    with transaction.atomic():
        announce(person, Kind.REQUEST_ANSWERED, ConsultationFactory(requester=person))
    assert tasks.send_digests.delay().get(timeout=60) == 0
    # …and the new item comes in tomorrow's digest.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert tasks.send_digests.delay().get(timeout=60) == 1
    assert len(_digests()) == 4


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_digest_runs_at_the_same_moment_send_each_once(digest_people):
    start = threading.Barrier(2)
    results = []

    def run():
        try:
            start.wait()
            results.append(services.send_digests())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(results) == 3
    assert len(_digests()) == 3


def test_the_digest_task_is_in_the_beat_schedule():
    from config.celery import app

    assert any(e["task"] == tasks.send_digests.name for e in app.conf.beat_schedule.values())
