"""A task enqueued on commit is run by a real worker over Redis, and only after commit."""

import pytest
from django.db import transaction

from config.celery import ping

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_runs_a_task_over_redis(celery_worker):
    result = ping.delay()
    assert result.get(timeout=10) == "pong"


def test_delay_on_commit_sends_only_after_the_commit(celery_broker_only):
    redis = celery_broker_only.connection_for_write().default_channel.client
    with transaction.atomic():
        ping.delay_on_commit()
        assert redis.llen("celery") == 0
    assert redis.llen("celery") == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(celery_broker_only):
    redis = celery_broker_only.connection_for_write().default_channel.client
    with pytest.raises(RuntimeError), transaction.atomic():
        ping.delay_on_commit()
        raise RuntimeError("the user's action failed")
    assert redis.llen("celery") == 0


def test_the_app_accepts_json_only_and_acknowledges_late(celery_app):
    conf = celery_app.conf
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
