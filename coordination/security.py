"""The security log: one function that every change to sign-in or rights calls."""

from coordination.models import SecurityEvent
from coordination.ratelimit import client_address


def record_security_event(kind: str, *, user, actor=None, request=None, details=None):
    """Add a row to the security log. `request` gives the address (and the actor, when
    none is named and someone is logged in)."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        actor=actor,
        ip_address=(client_address(request) or None) if request is not None else None,
        details=details or {},
    )
