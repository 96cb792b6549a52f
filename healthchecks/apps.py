from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthChecksConfig(AppConfig):
    """Health checks for the unemployed: offered to a client, done or declined, and
    whether they led to a further assessment; linked to the plan action that asked for
    them."""

    name = "healthchecks"
    verbose_name = _("Health checks for the unemployed")

    def ready(self):
        # The app's models are loaded only now; its entries join the client's record.
        from common.timeline import register_source  # noqa: PLC0415
        from healthchecks.events import SOURCE  # noqa: PLC0415

        register_source(SOURCE)
