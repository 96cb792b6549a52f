from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceplansConfig(AppConfig):
    """The individual service plan: versions, goals, actions, reviews, PDF export."""

    name = "serviceplans"
    verbose_name = _("Service plans")
