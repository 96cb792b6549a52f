"""Who sees and records health checks: the client's access rule, no other. Views and the
API call these; never filter by hand."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from clients.access import clients_visible_to
from clients.models import Client
from common.roles import has_role
from coordination.models import User
from healthchecks.models import HealthCheck


def can_record_health_check(user) -> bool:
    """Health checks for the unemployed are offered and recorded by the hub and by the
    health and social care professionals around the client; a job coach sees that one
    was done but does not record it. The page, the API and the service all ask this."""
    return has_role(user, User.Role.COORDINATOR, User.Role.PROFESSIONAL)


def health_checks_visible_to(user) -> QuerySet[HealthCheck]:
    """The health checks of the clients `user` sees (the client page's rule, no other)."""
    return HealthCheck.objects.filter(client__in=clients_visible_to(user))


def access_health_check(user, client: Client, check_id) -> HealthCheck:
    """One health check of a client `user` may see; 404 for missing and forbidden."""
    try:
        return health_checks_visible_to(user).filter(client=client).get(uuid=check_id)
    except (HealthCheck.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
