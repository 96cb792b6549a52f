from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdempotencyConfig(AppConfig):
    """Submissions that happen once: a form or an API create repeated with the same key
    answers with the first result instead of doing it again."""

    name = "idempotency"
    verbose_name = _("Idempotent submissions")
