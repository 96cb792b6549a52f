"""Template helpers other apps' templates use to link into the plan without their views
knowing about it (dependencies point one way: networks does not import serviceplans)."""

from django import template

from serviceplans.models import PlanAction

register = template.Library()


@register.simple_tag
def service_type_choices():
    return PlanAction.ServiceType.choices
