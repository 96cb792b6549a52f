"""What happens in the hub: every write is a verb–noun function here."""

from django.conf import settings
from django.db import transaction

from coordination.models import User


class InvalidChoice(ValueError):
    """A value outside the allowed set, with a message a person can read."""


@transaction.atomic
def set_user_language(user: User, language: str) -> None:
    """Remember the language a user chose, so it follows them to their next login."""
    if language not in dict(settings.LANGUAGES):
        raise InvalidChoice(language)
    if user.language == language:
        return
    user.language = language
    user.save(update_fields=["language"])
