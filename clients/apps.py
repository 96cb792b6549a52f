from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    """The person: client, consent, work-ability assessments and the access log."""

    name = "clients"
    verbose_name = _("Clients")

    def ready(self):
        # The app's models are loaded only now; its entries join the client's record.
        from clients.events import SOURCE  # noqa: PLC0415
        from common.timeline import register_source  # noqa: PLC0415

        register_source(SOURCE)
