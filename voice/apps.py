from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    """The client's own voice without an account: one-time links, anonymous feedback on
    a touchpoint and the client's self-assessment of work ability."""

    name = "voice"
    verbose_name = _("Client's voice")
