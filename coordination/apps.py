from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    """The working-age coordination hub: organisations, users and consultation requests."""

    name = "coordination"
    verbose_name = _("Working-age coordination")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from coordination import twofactor

        user_logged_in.connect(twofactor.remember_whether_needed, dispatch_uid="two_factor")
