"""/healthz and /readyz against the real database, Redis and a real Celery worker."""

import pytest
from django.urls import reverse

from conftest import require_redis


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
    assert response.json()["checks"] == {"database": "ok"}


@pytest.mark.django_db
def test_readyz_names_redis_when_it_does_not_answer(client, settings):
    # Nothing listens on port 1: the connection is refused at once.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["redis", "celery"]
    assert body["checks"]["database"] == "ok"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_readyz_with_real_redis_and_worker(client, settings, celery_worker):
    require_redis()
    response = client.get(reverse("readyz"))
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "celery": "ok"},
    }
    assert response.status_code == 200


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_readyz_names_celery_when_no_worker_runs(client, settings, celery_broker_only):
    require_redis()
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["celery"]
    assert response.json()["checks"]["redis"] == "ok"
