"""/healthz, /readyz and /workerz against the real database, Redis and a real Celery
worker. /readyz is the web tier's: only the database fails it; Redis down is "degraded",
and a worker's backlog is none of its business. /workerz asks whether a worker lives."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from config import health
from conftest import require_redis

# Nothing listens on port 1: the connection is refused at once.
REDIS_DOWN = "redis://127.0.0.1:1/0"


@pytest.mark.django_db
def test_healthz_answers_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_without_a_broker_checks_the_database_only(client, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


@pytest.mark.django_db
def test_readyz_reports_redis_down_as_degraded_and_stays_ready(client, settings):
    settings.REDIS_URL = REDIS_DOWN
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "degraded"},
        "degraded": ["redis"],
    }


@pytest.mark.django_db
def test_readyz_fails_when_the_database_does_not_answer(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def refused():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "_check_database", refused)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_readyz_with_redis_and_no_worker_is_ready(client, settings, celery_broker_only):
    # A backlog (here: no worker at all) must not take the web tier out of the balancer.
    require_redis()
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


@pytest.mark.django_db
def test_workerz_without_a_broker_has_nothing_to_miss(client, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("workerz"))
    assert response.status_code == 200
    assert response.json()["tasks"] == "in-process"


@pytest.mark.django_db
def test_workerz_fails_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = REDIS_DOWN
    response = client.get(reverse("workerz"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["redis"]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_workerz_fails_when_no_worker_answers(client, settings, celery_broker_only):
    require_redis()
    response = client.get(reverse("workerz"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_workerz_names_the_worker_that_answers(client, settings, celery_worker):
    require_redis()
    response = client.get(reverse("workerz"))
    assert response.status_code == 200
    assert len(response.json()["workers"]) == 1
    # /readyz is the same with or without the worker.
    assert client.get(reverse("readyz")).json()["checks"] == {"database": "ok", "redis": "ok"}
