"""Template helpers other apps' templates use to link into the plan without their views
knowing about it (dependencies point one way: networks does not import serviceplans)."""

from django import template

from serviceplans.models import PlanAction, PlanReminder, ServicePlan

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


@register.simple_tag
def unread_plan_reminders(user, limit=20):
    """The user's unread reminders (actions, reviews, consents, waiting requests) for
    the in-app inbox: one indexed query (recipient, read_at)."""
    return list(
        PlanReminder.objects.filter(recipient=user, read_at__isnull=True).order_by(
            "-created_at", "-pk"
        )[:limit]
    )
