from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    """The working-age coordination hub: organisations, users and consultation requests."""

    name = "coordination"
    verbose_name = _("Working-age coordination")

    def ready(self):
        # The app's models are loaded only now, and twofactor imports them.
        from coordination import twofactor  # noqa: PLC0415

        user_logged_in.connect(twofactor.remember_whether_needed, dispatch_uid="two_factor")
