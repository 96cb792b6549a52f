"""Rate limits for the login form and the API, kept in the shared cache (Redis in
production, so that every web process counts together), and the client's address that
they, django-axes and the access log count by."""

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework import throttling

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    # A dual-stack socket reports an IPv4 proxy as ::ffff:10.0.0.2.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request: HttpRequest) -> str:
    """The address of whoever sent the request. X-Forwarded-For is anyone's to write, so
    it counts only when the request came from one of our TRUSTED_PROXIES, and then only
    its right-most address that no trusted proxy wrote: everything to the left of that
    came from the client and may be made up."""
    remote: str = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted_proxy(remote):
        return remote
    address = remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed([hop.strip() for hop in hops]):
        if not _valid(hop):
            # Not written by a proxy of ours; the last address we could vouch for stands.
            break
        address = hop
        if not _is_trusted_proxy(hop):
            break
    return address


def count_hit(key: str, window_seconds: int) -> int:
    """Count one hit on `key`; the number of hits in the window that the first one began."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        hits: int = cache.incr(cache_key)
        return hits
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=window_seconds)
        return 1


def over_limit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit on `key`; True when more than `limit` hits fell in the window."""
    return count_hit(key, window_seconds) > limit


def _login_failures_key(request: HttpRequest) -> str:
    return f"login-failures:{client_address(request)}"


def login_over_limit(request: HttpRequest) -> bool:
    """Failed logins from one address, whatever the usernames: a wider net than
    django-axes' username-and-address lock, against guessing across many accounts. Only
    failures count, so that a shared office logs in freely at shift change."""
    failures: int = cache.get(f"ratelimit:{_login_failures_key(request)}", 0)
    return failures >= settings.LOGIN_RATE_LIMIT_PER_ADDRESS


def count_failed_login(request: HttpRequest) -> None:
    count_hit(_login_failures_key(request), settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS)


class ClientAddressMixin:
    """DRF's own get_ident trusts X-Forwarded-For from anyone (or counts proxies by
    NUM_PROXIES); ours asks the one function that knows which proxies are ours."""

    def get_ident(self, request: HttpRequest) -> str:
        return client_address(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass


class AddressRateThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    """API requests per address, logged in or not (UserRateThrottle counts per user)."""

    scope = "address"

    def get_cache_key(self, request: HttpRequest, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
