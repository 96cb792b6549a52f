"""The security log: one function that every change to sign-in or rights calls."""

from common.ratelimit import client_address
from coordination.models import SecurityEvent, User


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


# What decides what a person may do: who they are in the service (role, organisation),
# what they may do in the admin (staff, superuser, groups, permissions), and whether they
# may log in at all.
WATCHED_USER_FIELDS = ("role", "organization", "is_staff", "is_superuser", "is_active")


def user_rights(user) -> dict:
    """The user's rights as they are in the database now, in the form the log keeps."""
    saved = User.objects.select_related("organization").get(pk=user.pk)
    rights = {field: getattr(saved, field) for field in WATCHED_USER_FIELDS}
    rights["organization"] = str(saved.organization) if saved.organization else None
    rights["groups"] = sorted(saved.groups.values_list("name", flat=True))
    rights["user_permissions"] = sorted(
        f"{app_label}.{codename}"
        for app_label, codename in saved.user_permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    return rights


def record_user_rights_change(user, before: dict | None, *, request=None, actor=None):
    """Log a new user (before=None), or what changed since `before` (`user_rights` taken
    before the change); nothing when nothing did."""
    after = user_rights(user)
    if before is None:
        details = {field: [None, value] for field, value in after.items()}
        kind = SecurityEvent.Kind.USER_CREATED
    else:
        details = {
            field: [before[field], value]
            for field, value in after.items()
            if before.get(field) != value
        }
        kind = SecurityEvent.Kind.USER_CHANGED
        if not details:
            return None
    return record_security_event(kind, user=user, actor=actor, request=request, details=details)
