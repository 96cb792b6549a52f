from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    """Read-only aggregates of the model's activity, for managers."""

    name = "metrics"
    verbose_name = _("Activity metrics")
