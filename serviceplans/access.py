"""Who sees what in the serviceplans app: `<model>s_visible_to(user)` and `access_<model>(user, id)`
raising 404 for missing and forbidden alike. Views and the API call these; never filter by
hand.

A plan is seen by whoever sees its network (networks.access): the network's active members
and the hub's coordinators. A member who leaves loses the plan at once; managers,
administrators and outsiders get 404."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from networks.access import _active, active_memberships, networks_visible_to
from serviceplans.models import PlanAction, PlanDocument, ServicePlan


def plans_visible_to(user) -> QuerySet[ServicePlan]:
    if not _active(user):
        return ServicePlan.objects.none()
    return ServicePlan.objects.filter(network__in=networks_visible_to(user))


def access_plan(user, plan_id, queryset=None) -> ServicePlan:
    """The plan version with this uuid if `user` may see it; 404 for missing and
    forbidden."""
    queryset = plans_visible_to(user) if queryset is None else queryset
    try:
        return queryset.select_related("network", "client").get(uuid=plan_id)
    except (ServicePlan.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def actions_visible_to(user) -> QuerySet[PlanAction]:
    return PlanAction.objects.filter(plan__in=plans_visible_to(user))


def access_action(user, action_id) -> PlanAction:
    try:
        return (
            actions_visible_to(user)
            .select_related("plan", "plan__network", "plan__client")
            .get(uuid=action_id)
        )
    except (PlanAction.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def access_document(user, document_id) -> PlanDocument:
    try:
        return (
            PlanDocument.objects.filter(plan__in=plans_visible_to(user))
            .select_related("plan", "plan__client")
            .get(uuid=document_id)
        )
    except (PlanDocument.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def can_edit_plan(user, plan: ServicePlan) -> bool:
    """Writing the plan: the hub's coordinators and the network's active professional
    members, while the network is open."""
    if not _active(user) or not plan.network.is_open:
        return False
    if user.is_coordinator:
        return True
    return (
        user.is_professional and active_memberships(user).filter(network=plan.network_id).exists()
    )


# --- What waits for a person (the home page's worklist) --------------------------------

# Plans whose actions are followed: the version in force and a draft being written.
FOLLOWED = (ServicePlan.Status.AGREED, ServicePlan.Status.DRAFT)


def my_actions_due(user, *, until) -> QuerySet[PlanAction]:
    """The user's open actions due by `until` (overdue ones included), the most overdue
    first. The same action in an agreed version and its draft copy comes twice: callers
    show one per `lineage`."""
    return (
        actions_visible_to(user)
        .filter(
            responsible_user=user,
            status__in=PlanAction.OPEN_STATUSES,
            plan__status__in=FOLLOWED,
            due_date__lte=until,
        )
        .select_related("plan", "plan__client")
        .order_by("due_date", "plan__status", "pk")
    )


def overdue_actions_in_my_networks(user, *, today) -> QuerySet[PlanAction]:
    """Open actions past their due date in the agreed plans of the networks the user
    coordinates, the most overdue first."""
    return (
        actions_visible_to(user)
        .filter(
            plan__network__coordinator=user,
            plan__status=ServicePlan.Status.AGREED,
            status__in=PlanAction.OPEN_STATUSES,
            due_date__lt=today,
        )
        .select_related("plan", "plan__client")
        .order_by("due_date", "pk")
    )


def reviews_due(user, *, until) -> QuerySet[ServicePlan]:
    """Agreed plans of the networks the user coordinates whose next review is due by
    `until` (past ones included), the earliest first."""
    return (
        plans_visible_to(user)
        .filter(
            network__coordinator=user,
            status=ServicePlan.Status.AGREED,
            next_review_date__lte=until,
        )
        .select_related("client", "network")
        .order_by("next_review_date", "pk")
    )
