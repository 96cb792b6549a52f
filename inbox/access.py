"""Who sees what: an item is its recipient's own; anyone else's, or a missing one, 404."""

from django.http import Http404

from inbox.models import InboxItem
from inbox.services import items_of


def access_item(user, item_uuid) -> InboxItem:
    item = items_of(user).filter(uuid=item_uuid).first()
    if item is None:
        raise Http404
    return item
