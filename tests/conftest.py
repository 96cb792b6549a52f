"""A real Celery worker over real Redis (DESIGN.md §9): our own app, pointed at the test
Redis database, started in a thread by celery.contrib.testing."""

import pytest
from django.conf import settings

from config.celery import app as tyokyky_app

pytest_plugins = ("celery.contrib.pytest",)


@pytest.fixture
def celery_app():
    """Our app, not a test double: its tasks, its settings, a real broker."""
    if not settings.REDIS_URL:
        from conftest import require_redis

        require_redis()
    previous = {
        "broker_url": tyokyky_app.conf.broker_url,
        "result_backend": tyokyky_app.conf.result_backend,
        "task_always_eager": tyokyky_app.conf.task_always_eager,
    }
    tyokyky_app.conf.update(
        broker_url=settings.REDIS_URL,
        result_backend=settings.REDIS_URL,
        task_always_eager=False,
    )
    yield tyokyky_app
    tyokyky_app.conf.update(previous)


@pytest.fixture
def celery_broker_only(celery_app):
    """The broker and result backend are real, but no worker consumes the queue."""
    celery_app.connection_for_write().default_channel.client.flushdb()
    yield celery_app
    celery_app.connection_for_write().default_channel.client.flushdb()


@pytest.fixture
def celery_worker_parameters():
    return {"queues": ("celery",), "perform_ping_check": False}
