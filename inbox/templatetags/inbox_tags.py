from django import template

from inbox.models import InboxItem

register = template.Library()

HOME_LIMIT = 5


@register.simple_tag
def latest_unread_items(user, limit: int = HOME_LIMIT) -> list[InboxItem]:
    """The user's newest unread items for a home page ("Uutta sinulle"): one query."""
    if not user.is_authenticated:
        return []
    return list(
        InboxItem.objects.filter(recipient=user, read_at__isnull=True).order_by(
            "-created_at", "-pk"
        )[:limit]
    )
