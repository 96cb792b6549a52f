"""Liveness and readiness probes for load balancers and container orchestration.

- /healthz: the web process is alive.
- /readyz: the web tier can serve: the database answers. Redis is reported but never
  fails it: without Redis the pages and the API still work (the rate limits count in
  memory, see common/cache.py, and the outbox sweeps catch up with what was not queued),
  so taking the web tier out of the load balancer would turn a degraded service into none.
  Nor does a busy worker: a backlog of e-mail is no reason to stop serving pages.
- /workerz: a Celery worker is alive: it answers a remote-control ping through Redis. The
  worker's main process answers control messages while its pool is busy, so this asks
  "is a worker there", not "is its queue short". For monitoring; the worker container's
  own healthcheck pings itself by node name (docker-compose.yml).
"""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

logger = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 0.5
WORKER_PING_TIMEOUT_SECONDS = 2.0


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
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


def _passes(name: str, check) -> bool:
    try:
        check()
    except Exception:
        # A probe must answer, whatever broke; the log keeps the details.
        logger.warning("health check %s failed", name, exc_info=True)
        return False
    return True


@require_GET
@never_cache
def readyz(request):
    """200 while the database answers, with Redis named "degraded" in the body when it
    does not; 503 only when the database fails."""
    checks = {"database": "ok" if _passes("database", _check_database) else "failing"}
    if settings.REDIS_URL:
        checks["redis"] = "ok" if _passes("redis", _check_redis) else "degraded"
    if checks["database"] != "ok":
        return JsonResponse(
            {"status": "failing", "checks": checks, "failing": ["database"]}, status=503
        )
    degraded = [name for name, state in checks.items() if state == "degraded"]
    body: dict[str, object] = {"status": "degraded" if degraded else "ok", "checks": checks}
    if degraded:
        body["degraded"] = degraded
    return JsonResponse(body)


def _workers_answering() -> list[str]:
    replies = celery_app.control.ping(timeout=WORKER_PING_TIMEOUT_SECONDS) or []
    return sorted(name for reply in replies for name in reply)


@require_GET
@never_cache
def workerz(request):
    """200 with the names of the Celery workers that answered a ping, 503 when none did
    (or Redis, which carries the ping, does not answer). Without REDIS_URL tasks run in
    the web process itself, so there is no worker to miss."""
    if not settings.REDIS_URL:
        return JsonResponse({"status": "ok", "workers": [], "tasks": "in-process"})
    if not _passes("redis", _check_redis):
        return JsonResponse({"status": "failing", "failing": ["redis"]}, status=503)
    try:
        workers = _workers_answering()
    except Exception:
        logger.warning("worker ping failed", exc_info=True)
        workers = []
    if not workers:
        return JsonResponse({"status": "failing", "failing": ["worker"]}, status=503)
    return JsonResponse({"status": "ok", "workers": workers})
