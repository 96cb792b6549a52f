from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceplansConfig(AppConfig):
    """The individual service plan: versions, goals, actions, reviews, PDF export."""

    name = "serviceplans"
    verbose_name = _("Service plans")

    def ready(self):
        # The app's models are loaded only now; its entries join the client's record.
        from common.timeline import register_source  # noqa: PLC0415
        from serviceplans.events import SOURCE  # noqa: PLC0415

        register_source(SOURCE)
