"""`{% client_links obj %}`: on the page of a consultation, meeting, plan or referral,
the buttons that make a one-time link for its client, and the links made so far. The
lower apps' templates load it by name, the way they link to upper apps' URLs; it shows
nothing to someone who may not make links there."""

from django import template
from django.urls import reverse

from voice.access import links_visible_to, may_hand_out_on_page
from voice.models import ClientLink, Touchpoint
from voice.services import TOUCHPOINT_FIELDS, touchpoint_of

register = template.Library()

CREATE_ROUTES: dict[str, str] = {
    Touchpoint.CONSULTATION_ANSWER: "voice:link_create_consultation",
    Touchpoint.NETWORK_MEETING: "voice:link_create_meeting",
    Touchpoint.PLAN_AGREEMENT: "voice:link_create_plan",
    Touchpoint.JOB_COACHING: "voice:link_create_referral",
}


@register.inclusion_tag("voice/_touchpoint_links.html", takes_context=True)
def client_links(context, obj) -> dict:
    user = context["request"].user
    touchpoint = touchpoint_of(obj)
    if not may_hand_out_on_page(user, obj):
        return {"hidden": True}
    links = links_visible_to(user).filter(**{TOUCHPOINT_FIELDS[touchpoint]: obj})[:10]
    return {
        "touchpoint": touchpoint,
        "create_url": reverse(CREATE_ROUTES[touchpoint], args=[obj.uuid]),
        "purposes": ClientLink.Purpose.choices,
        "links": list(links),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }
