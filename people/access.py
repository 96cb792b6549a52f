"""Who manages whom. The service's administrators manage every person and organisation;
an organisation's own administrator (`User.is_org_admin`) the people of their own
organisation, and nobody can grant a role above their own. Everything else is 404."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from coordination.models import Organization, User

# How far a role reaches: a role may be given by someone whose rank is at least as high.
ROLE_RANK: dict[str, int] = {
    User.Role.PROFESSIONAL: 1,
    User.Role.JOB_COACH: 1,
    User.Role.COORDINATOR: 2,
    User.Role.MANAGER: 2,
    User.Role.ADMINISTRATOR: 3,
}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_administrator(user) -> bool:
    return _active(user) and user.role == User.Role.ADMINISTRATOR


def is_org_administrator(user) -> bool:
    return _active(user) and user.is_org_admin and user.organization_id is not None


def can_manage_people(user) -> bool:
    return is_administrator(user) or is_org_administrator(user)


def people_managed_by(user) -> QuerySet[User]:
    """The people `user` may see and change on the people pages. A superuser's account
    is the superusers' own business (changing it would be taking it over)."""
    if is_administrator(user):
        queryset = User.objects.all()
    elif is_org_administrator(user):
        queryset = User.objects.filter(organization_id=user.organization_id)
    else:
        return User.objects.none()
    if not user.is_superuser:
        queryset = queryset.filter(is_superuser=False)
    return queryset


def access_person(user, person_id) -> User:
    try:
        return people_managed_by(user).select_related("organization").get(uuid=person_id)
    except (User.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def organizations_managed_by(user) -> QuerySet[Organization]:
    """An administrator manages every organisation; an organisation's administrator sees
    their own (its details stay the administrators' to change)."""
    if is_administrator(user):
        return Organization.objects.all()
    if is_org_administrator(user):
        return Organization.objects.filter(pk=user.organization_id)
    return Organization.objects.none()


def access_managed_organization(user, organization_id) -> Organization:
    try:
        return organizations_managed_by(user).select_related("parent").get(uuid=organization_id)
    except (Organization.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def can_edit_organizations(user) -> bool:
    return is_administrator(user)


def grantable_roles(user) -> list[str]:
    """The roles `user` may give: none above their own."""
    if not can_manage_people(user):
        return []
    rank = ROLE_RANK.get(user.role, 0)
    return [role for role in User.Role.values if ROLE_RANK[role] <= rank]


def may_grant(user, role: str) -> bool:
    return role in grantable_roles(user)
