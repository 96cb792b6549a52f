"""The client's address behind the TLS proxy: X-Forwarded-For counts only when the
request comes from a proxy named in TRUSTED_PROXIES, and only its right-most part that
no trusted proxy wrote."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from clients.models import AccessLog
from common import ratelimit
from common.ratelimit import client_address
from coordination.tests.factories import ConsultationFactory

PROXY = "10.0.0.2"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "172.16.0.0/12"]


def address(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


def test_no_proxy_is_trusted_by_default(settings):
    assert settings.TRUSTED_PROXIES == []
    assert address("203.0.113.5", "198.51.100.1") == "203.0.113.5"


def test_forwarded_address_from_an_untrusted_peer_is_ignored(behind_proxy):
    assert address("203.0.113.5", "198.51.100.1") == "203.0.113.5"


def test_forwarded_address_from_a_trusted_proxy_is_used(behind_proxy):
    assert address(PROXY, "198.51.100.1") == "198.51.100.1"
    assert address("172.20.1.1", "198.51.100.1") == "198.51.100.1"
    assert address("::ffff:10.0.0.2", "198.51.100.1") == "198.51.100.1"


def test_a_spoofed_left_part_of_the_chain_is_skipped(behind_proxy):
    # The client sent "1.2.3.4" itself; our proxies appended the rest.
    assert address(PROXY, "1.2.3.4, 198.51.100.1, 172.16.5.5") == "198.51.100.1"


def test_garbage_or_missing_forwarded_address_falls_back_to_the_peer(behind_proxy):
    assert address(PROXY) == PROXY
    assert address(PROXY, "") == PROXY
    assert address(PROXY, "not-an-address") == PROXY
    assert address(PROXY, "<script>, 198.51.100.1") == "198.51.100.1"


@pytest.mark.django_db
def test_access_log_ignores_a_spoofed_forwarded_address(client, alice, kaisa, behind_proxy):
    request = ConsultationFactory(requester=alice)
    client.force_login(kaisa)
    url = reverse("clients:client_detail", args=[request.client.uuid])
    client.get(url, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.2")
    assert list(AccessLog.objects.order_by("id").values_list("ip_address", flat=True)) == [
        "203.0.113.5",
        "198.51.100.2",
    ]


def log_in(client, password, remote, forwarded):
    return client.post(
        reverse("login"),
        {"username": "alice", "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_lockout_ignores_a_spoofed_forwarded_address(client, alice, password, behind_proxy):
    # Changing X-Forwarded-For on each try does not dodge the lock from an untrusted peer.
    for number in range(5):
        log_in(client, "wrong", "203.0.113.5", f"198.51.100.{number}")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    assert log_in(client, password, "203.0.113.5", "198.51.100.99").status_code == 429


@pytest.mark.django_db
def test_lockout_behind_the_proxy_locks_the_client_not_the_proxy(
    client, alice, password, behind_proxy
):
    for _ in range(5):
        log_in(client, "wrong", PROXY, "198.51.100.1")
    assert AccessAttempt.objects.get().ip_address == "198.51.100.1"
    assert log_in(client, password, PROXY, "198.51.100.1").status_code == 429
    # Another worker behind the same proxy still logs in.
    assert log_in(client, password, PROXY, "198.51.100.2").status_code == 302


@pytest.mark.django_db
def test_login_address_limit_counts_the_client_behind_the_proxy(client, settings, behind_proxy):
    settings.LOGIN_RATE_LIMIT_PER_ADDRESS = 2
    for _ in range(2):
        log_in(client, "x", PROXY, "198.51.100.1")
    assert log_in(client, "x", PROXY, "198.51.100.1").status_code == 429
    assert log_in(client, "x", PROXY, "198.51.100.2").status_code == 200


@pytest.mark.django_db
def test_api_address_throttle_counts_the_client_behind_the_proxy(
    client, alice, behind_proxy, monkeypatch
):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "address", "2/min")
    client.force_login(alice)
    for _ in range(2):
        response = client.get(
            "/api/v1/organizations/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1"
        )
        assert response.status_code == 200
    response = client.get(
        "/api/v1/organizations/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert response.status_code == 429
    response = client.get(
        "/api/v1/organizations/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "throttle",
    [ratelimit.AnonRateThrottle, ratelimit.UserRateThrottle, ratelimit.AddressRateThrottle],
)
def test_every_api_throttle_counts_by_the_client_address(settings, throttle):
    """DRF's own get_ident believes X-Forwarded-For from anyone."""
    spoofed = Request(
        RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    )
    assert throttle().get_ident(spoofed) == "203.0.113.5"
    settings.TRUSTED_PROXIES = [PROXY]
    forwarded = Request(
        RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1")
    )
    assert throttle().get_ident(forwarded) == "198.51.100.1"


def test_the_api_uses_these_throttles(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "common.ratelimit.AnonRateThrottle",
        "common.ratelimit.UserRateThrottle",
        "common.ratelimit.AddressRateThrottle",
    ]
