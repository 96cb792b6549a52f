"""Template helpers other apps' templates use to link into the plan without their views
knowing about it (dependencies point one way: networks does not import serviceplans)."""

from django import template

from serviceplans.models import PlanAction, ServicePlan

register = template.Library()


@register.simple_tag
def service_type_choices():
    return PlanAction.ServiceType.choices


@register.simple_tag
def decision_target(network):
    """Where a decision made into an action goes, for the form to say it before the user
    confirms: "new_plan", "revision" or "draft" (as serviceplans.services.decision_target,
    which this mirrors without importing the services into a template library)."""
    statuses = set(network.plans.values_list("status", flat=True))
    if not statuses:
        return "new_plan"
    return "draft" if ServicePlan.Status.DRAFT in statuses else "revision"
