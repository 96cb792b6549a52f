"""Liveness and readiness probes for load balancers and container orchestration."""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import ping

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 3


@require_GET
@never_cache
def healthz(request):
    """The process is alive and answers; nothing else is checked."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_redis() -> None:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
        socket_timeout=CHECK_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


def _check_celery() -> None:
    result = ping.apply_async(expires=CHECK_TIMEOUT_SECONDS * 2)
    try:
        answer = result.get(timeout=CHECK_TIMEOUT_SECONDS)
    finally:
        result.forget()
    if answer != "pong":
        raise RuntimeError(f"unexpected answer {answer!r}")


@require_GET
@never_cache
def readyz(request):
    """Ready to serve: the database answers and, with a broker configured, Redis answers
    and a Celery worker runs a task and gives its result back. 503 names what failed."""
    checks = {"database": _check_database}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis
        checks["celery"] = _check_celery
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception:
            # Readiness must answer, whatever broke; the log keeps the details.
            logger.warning("readiness check %s failed", name, exc_info=True)
            results[name] = "failing"
            # Without Redis there is no point waiting for a Celery round trip.
            if name == "redis":
                results["celery"] = "failing"
                break
        else:
            results[name] = "ok"
    failing = [name for name, state in results.items() if state != "ok"]
    status = 503 if failing else 200
    body: dict[str, object] = {"status": "failing" if failing else "ok", "checks": results}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=status)
