from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    """The people around the client: client networks, their members and meetings."""

    name = "networks"
    verbose_name = _("Client networks")

    def ready(self):
        # The app's models are loaded only now; its entries join the client's record.
        from common.timeline import register_source  # noqa: PLC0415
        from networks.events import SOURCE  # noqa: PLC0415

        register_source(SOURCE)
