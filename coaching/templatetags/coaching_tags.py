"""Template helpers other apps' templates use to show and start job coaching without
their views knowing about it (dependencies point one way: clients does not import
coaching)."""

from django import template

from coaching.access import coaching_notices, referrals_visible_to

register = template.Library()


@register.simple_tag
def client_referrals(user, client):
    """The client's job coaching referrals `user` may see, newest first (one query)."""
    return list(
        referrals_visible_to(user)
        .filter(client=client)
        .select_related("coach", "team")
        .order_by("-referred_on", "-pk")
    )


@register.simple_tag
def client_coaching_notices(user, client):
    """The client's open coaching `user` may not read: whom to ask, no content."""
    return coaching_notices(user, client)
