"""Who may do what in the hub. Views and the API ask here; they never filter by hand.

Refusals are 404, never 403, so that a page's existence does not leak (DESIGN.md §5).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404

from coordination.models import Organization, User


def has_role(user, *roles: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def role_required(*roles: str) -> Callable:
    """Let in logged-in users with one of `roles`; everybody else logged in gets 404."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def organizations_visible_to(user) -> QuerySet[Organization]:
    """Organisations are not client data: every logged-in user sees the active ones
    (to find a colleague or a contact source); administrators see all."""
    if not (user.is_authenticated and user.is_active):
        return Organization.objects.none()
    if user.role == User.Role.ADMINISTRATOR:
        return Organization.objects.all()
    return Organization.objects.filter(active=True)
