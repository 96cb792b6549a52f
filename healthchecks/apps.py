from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthChecksConfig(AppConfig):
    """Health checks for the unemployed: offered to a client, done or declined, and
    whether they led to a further assessment; linked to the plan action that asked for
    them."""

    name = "healthchecks"
    verbose_name = _("Health checks for the unemployed")
