from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    """The working-age coordination hub: organisations, users and consultation requests."""

    name = "coordination"
    verbose_name = _("Working-age coordination")
