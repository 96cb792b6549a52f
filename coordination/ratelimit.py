"""Rate limits for the login form and the API, kept in the shared cache (Redis in
production, so that every web process counts together)."""

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle


def client_address(request) -> str:
    # Behind a proxy, the proxy sets REMOTE_ADDR correctly (gunicorn --forwarded-allow-ips);
    # a client-supplied X-Forwarded-For is never trusted here.
    return request.META.get("REMOTE_ADDR", "")


def over_limit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit on `key`; True when more than `limit` hits fell in the window."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=window_seconds)
        hits = 1
    return hits > limit


def login_over_limit(request) -> bool:
    """Login attempts from one address, whatever the usernames: a wider net than
    django-axes' username-and-address lock, against guessing across many accounts."""
    return over_limit(
        f"login:{client_address(request)}",
        settings.LOGIN_RATE_LIMIT_PER_ADDRESS,
        settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS,
    )


class AddressRateThrottle(SimpleRateThrottle):
    """API requests per address, logged in or not (UserRateThrottle counts per user)."""

    scope = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
