from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    """The people around the client: client networks, their members and meetings."""

    name = "networks"
    verbose_name = _("Client networks")
