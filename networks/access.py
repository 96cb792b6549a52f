"""Who sees what in the networks app: `<model>s_visible_to(user)` and `access_<model>(user, id)`
raising 404 for missing and forbidden alike. Views and the API call these; never filter by
hand."""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from clients.models import AccessLog
from networks.models import ClientNetwork, MeetingInvitation, NetworkMeeting, NetworkMember


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def active_memberships(user) -> QuerySet[NetworkMember]:
    """The user's memberships that open a network: not left, and covered by the client's
    valid network consent (or the hub's own staff)."""
    return NetworkMember.objects.with_consent().filter(user=user)


def networks_visible_to(user) -> QuerySet[ClientNetwork]:
    """Coordinators see every network of the hub; a professional sees the networks they
    are an active member of, while the client's consent covers their organisation
    (leaving, or the consent withdrawn, ends it at once); managers and administrators
    see none."""
    if not _active(user):
        return ClientNetwork.objects.none()
    if user.is_coordinator:
        return ClientNetwork.objects.all()
    if user.is_professional:
        member = active_memberships(user).filter(network=OuterRef("pk"))
        return ClientNetwork.objects.filter(Exists(member))
    return ClientNetwork.objects.none()


def access_network(user, network_id, queryset=None) -> ClientNetwork:
    """The network with this uuid if `user` may see it; 404 for missing and forbidden."""
    queryset = networks_visible_to(user) if queryset is None else queryset
    try:
        return queryset.get(uuid=network_id)
    except (ClientNetwork.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def meetings_visible_to(user) -> QuerySet[NetworkMeeting]:
    return NetworkMeeting.objects.filter(network__in=networks_visible_to(user))


def access_meeting(user, meeting_id) -> NetworkMeeting:
    try:
        return (
            meetings_visible_to(user)
            .select_related("network", "network__client")
            .get(uuid=meeting_id)
        )
    except (NetworkMeeting.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def can_manage_network(user, network: ClientNetwork) -> bool:
    """Members, meetings and closing: the hub's coordinators, and the network's active
    responsible worker for meetings (see `can_manage_meetings`)."""
    return _active(user) and user.is_coordinator


def can_manage_meetings(user, network: ClientNetwork) -> bool:
    """Scheduling, changing and recording meetings: a coordinator or the network's
    active responsible worker."""
    if not _active(user):
        return False
    if user.is_coordinator:
        return True
    return (
        active_memberships(user)
        .filter(network=network, role=NetworkMember.Role.RESPONSIBLE_WORKER)
        .exists()
    )


def network_basis(user) -> str:
    """The basis written in the access log for reads through a network."""
    if user.is_coordinator:
        return AccessLog.Basis.HUB_ROLE
    return AccessLog.Basis.NETWORK


# --- What waits for a person (the home page's worklist) --------------------------------


def open_memberships(user) -> QuerySet[NetworkMember]:
    """The user's active memberships of open networks, with the network and client."""
    return (
        active_memberships(user)
        .exclude(network__status=ClientNetwork.Status.CLOSED)
        .select_related("network", "network__client")
        .order_by("-network__opened_at", "pk")
    )


def meetings_invited_to(user, *, since, until=None) -> QuerySet[NetworkMeeting]:
    """Scheduled meetings from `since` (to `until`) of the networks the user sees, to
    which they were invited as a member, soonest first."""
    invited = MeetingInvitation.objects.filter(
        meeting=OuterRef("pk"), member__user=user, method=MeetingInvitation.Method.REQUEST
    )
    meetings = meetings_visible_to(user).filter(
        Exists(invited), status=NetworkMeeting.Status.SCHEDULED, starts_at__gte=since
    )
    if until is not None:
        meetings = meetings.filter(starts_at__lt=until)
    return meetings.select_related("network", "network__client").order_by("starts_at", "pk")


def meetings_of_my_networks(user, *, since, until) -> QuerySet[NetworkMeeting]:
    """Scheduled meetings between `since` and `until` of the networks the user
    coordinates or is a member of, soonest first."""
    member = active_memberships(user).filter(network=OuterRef("network"))
    return (
        meetings_visible_to(user)
        .filter(Q(network__coordinator=user) | Exists(member))
        .filter(status=NetworkMeeting.Status.SCHEDULED, starts_at__gte=since, starts_at__lt=until)
        .select_related("network", "network__client")
        .order_by("starts_at", "pk")
    )
