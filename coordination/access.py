"""Who may do what in the hub. Views and the API ask here; they never filter by hand.

Refusals are 404, never 403, so that a page's existence does not leak (DESIGN.md §5).
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.views.decorators.debug import sensitive_variables

from clients.services import find_client_by_identity_code
from coordination.models import ConsultationRequest, Organization, User

# Administrators manage people and organisations on the service's own pages (people/),
# and the Django admin is for superusers only (coordination/admin.py): an administrator's
# account is given no model permissions.
ADMINISTRATOR_PERMISSIONS: list[tuple[str, str]] = []


def administrator_permissions() -> QuerySet[Permission]:
    """The Permission rows of ADMINISTRATOR_PERMISSIONS."""
    if not ADMINISTRATOR_PERMISSIONS:
        return Permission.objects.none()
    wanted = Q()
    for app_label, codename in ADMINISTRATOR_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(wanted)


def organizations_visible_to_programs() -> QuerySet[Organization]:
    """What a program with a metrics credential sees: the active organisations."""
    return Organization.objects.filter(active=True)


def organizations_visible_to(user) -> QuerySet[Organization]:
    """Organisations are not client data: every logged-in user sees the active ones
    (to find a colleague or a contact source); administrators see all."""
    if not (user.is_authenticated and user.is_active):
        return Organization.objects.none()
    if user.role == User.Role.ADMINISTRATOR:
        return Organization.objects.all()
    return Organization.objects.filter(active=True)


def consultations_visible_to(user) -> QuerySet[ConsultationRequest]:
    """A professional sees the requests they sent; a coordinator sees all requests of the
    hub; managers and administrators see none (they get aggregates elsewhere)."""
    if not (user and user.is_authenticated and user.is_active):
        return ConsultationRequest.objects.none()
    if user.is_coordinator:
        return ConsultationRequest.objects.all()
    if user.is_professional:
        return ConsultationRequest.objects.filter(requester=user)
    return ConsultationRequest.objects.none()


def consultations_with_details(user) -> QuerySet[ConsultationRequest]:
    """The requests `user` may see, with what a request's page and its API body show of
    them (requester, client, consent, assignee, answer) joined in the same query."""
    return consultations_visible_to(user).select_related(
        "requester",
        "requesting_organization",
        "client",
        "consent",
        "assigned_to",
        "answer",
        "answer__answered_by",
    )


def access_consultation(user, consultation_id, queryset=None) -> ConsultationRequest:
    """The request with this uuid if `user` may see it; 404 for missing and forbidden."""
    queryset = consultations_visible_to(user) if queryset is None else queryset
    try:
        return queryset.get(uuid=consultation_id)
    except (ConsultationRequest.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def can_see_client_of(user, consultation: ConsultationRequest) -> bool:
    """Whether the client record linked to the request may be shown to `user`: to a
    coordinator only. The requester is shown the client as they sent it
    (`can_see_client_as_sent`), never the record others keep."""
    return consultation.client_id is not None and user.is_coordinator


def can_see_client_as_sent(user, consultation: ConsultationRequest) -> bool:
    """Whether what the requester sent about the client may be shown: to a coordinator,
    and to the requester while the consent they recorded holds (a request still awaiting
    identification carries it unrecorded, and is shown like any other)."""
    if consultation.anonymous:
        return False
    if user.is_coordinator:
        return True
    if consultation.requester_id != user.pk:
        return False
    consent = consultation.consent  # None without a query when consent_id is None
    return consent is None or consent.is_valid


@sensitive_variables()
def identity_match(user, consultation: ConsultationRequest):
    """The known client whose identity code a request awaiting identification gives: for
    a coordinator, who links the two; None for everybody else, and for a request that
    is linked or anonymous."""
    if not (user.is_active and user.is_coordinator) or not consultation.awaiting_identification:
        return None
    code = (consultation.client_snapshot or {}).get("personal_identity_code")
    return find_client_by_identity_code(code) if code else None
