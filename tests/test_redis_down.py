"""With Redis unreachable, login, pages and the API answer normally and quickly; the rate
limits keep counting in the process's memory (common/cache.py says why).

The cache is pointed at a port where nothing listens, or at a socket that accepts and
never answers (a hung Redis); the shared Redis is never stopped."""

import logging
import socket
import time

import pytest
from django.core.cache.backends.redis import RedisCache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from common import cache as resilient_cache
from common import ratelimit
from coordination import twofactor
from coordination.tests.test_twofactor import current_code

pytestmark = pytest.mark.django_db

QUICK_SECONDS = 1.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _point_cache_at(settings, url: str) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.RedisCacheWithLocalFallback",
            "LOCATION": url,
            "OPTIONS": settings.CACHES["default"].get("OPTIONS")
            or {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }


@pytest.fixture(autouse=True)
def _redis_state_forgotten():
    resilient_cache._down_until.clear()
    yield
    resilient_cache._down_until.clear()


@pytest.fixture
def redis_refused(settings):
    """Nothing listens: every connection is refused at once."""
    _point_cache_at(settings, f"redis://127.0.0.1:{_free_port()}/0")


@pytest.fixture
def redis_hung(settings):
    """A listener that never accepts or answers: connecting works, every reply times out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    _point_cache_at(settings, f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
    yield
    listener.close()


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.mark.parametrize("outage", ["redis_refused", "redis_hung"])
def test_login_page_and_api_answer_quickly_without_redis(client, alice, password, outage, request):
    request.getfixturevalue(outage)
    response, seconds = timed(
        lambda: client.post(reverse("login"), {"username": "alice", "password": password})
    )
    assert response.status_code == 302
    assert seconds < QUICK_SECONDS

    response, seconds = timed(lambda: client.get(reverse("home")))
    assert response.status_code == 200
    assert seconds < QUICK_SECONDS

    response, seconds = timed(lambda: client.get("/api/v1/organizations/"))
    assert response.status_code == 200
    assert seconds < QUICK_SECONDS


@pytest.mark.parametrize("outage", ["redis_refused", "redis_hung"])
def test_login_with_a_second_factor_works_without_redis(
    client, kaisa, password, settings, outage, request
):
    settings.TWO_FACTOR_REQUIRED = True
    device = TOTPDevice.objects.create(
        user=kaisa, name=twofactor.AUTHENTICATOR_NAME, confirmed=True
    )
    request.getfixturevalue(outage)

    response, seconds = timed(
        lambda: client.post(reverse("login"), {"username": "kaisa", "password": password})
    )
    assert response.status_code == 302
    assert seconds < QUICK_SECONDS
    response = client.get(response.url)
    assert response.url.startswith(reverse("two_factor_verify"))

    response, seconds = timed(
        lambda: client.post(reverse("two_factor_verify"), {"token": current_code(device)})
    )
    assert response.status_code == 302
    assert seconds < QUICK_SECONDS

    response, seconds = timed(lambda: client.get(reverse("consultation_queue")))
    assert response.status_code == 200
    assert seconds < QUICK_SECONDS
    response, seconds = timed(lambda: client.get("/api/v1/consultations/"))
    assert response.status_code == 200
    assert seconds < QUICK_SECONDS


def test_a_wrong_password_is_still_refused_and_counted_without_redis(
    client, alice, settings, redis_refused
):
    settings.LOGIN_RATE_LIMIT_PER_ADDRESS = 2
    for _ in range(2):
        response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
        assert response.status_code == 200
    # The limit still bites: the failures were counted in this process's memory.
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 429


def test_the_api_throttle_still_counts_without_redis(client, alice, monkeypatch, redis_refused):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "2/min")
    client.force_login(alice)
    assert [client.get("/api/v1/organizations/").status_code for _ in range(3)] == [200, 200, 429]


def test_one_warning_per_outage_and_redis_rests_between_tries(redis_refused, caplog, monkeypatch):
    with caplog.at_level(logging.WARNING, logger="common.cache"):
        for _ in range(5):
            ratelimit.count_hit("someone", 60)
    warnings = [r for r in caplog.records if r.name == "common.cache"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    assert ratelimit.count_hit("someone", 60) == 6

    # While resting, Redis is not even tried.
    tried = []
    monkeypatch.setattr(RedisCache, "get", lambda *args, **kwargs: tried.append(1))
    from django.core.cache import cache

    cache.get("anything")
    assert tried == []


def test_the_url_password_is_not_logged():
    where = resilient_cache._where("redis://:s3cret@redis.example:6380/2")
    assert where == "redis.example:6380/2"


@pytest.mark.parametrize(
    ("language", "says"),
    [("fi", "voinut tallentua"), ("sv", "kan ha sparats"), ("en", "may have been saved")],
)
def test_the_error_page_never_claims_that_nothing_was_saved(language, says):
    # A 500 can come after the change was committed (a slow broker, a failing e-mail):
    # the page cannot know, so it tells the person to look before sending again.
    with translation.override(language):
        html = render_to_string("500.html")
    assert says in html
    for claim in ("Nothing was saved", "Mitään ei tallennettu", "Ingenting sparades"):
        assert claim not in html
