from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    """The working-age coordination hub: organisations, users and consultation requests."""

    name = "coordination"
    verbose_name = _("Working-age coordination")

    def ready(self):
        # The app's models are loaded only now, and twofactor imports them.
        from common.timeline import register_source  # noqa: PLC0415
        from coordination import sessions, twofactor  # noqa: PLC0415
        from coordination.events import SOURCE  # noqa: PLC0415
        from coordination.models import User  # noqa: PLC0415

        register_source(SOURCE)

        user_logged_in.connect(twofactor.remember_whether_needed, dispatch_uid="two_factor")
        user_logged_in.connect(sessions.record_login, dispatch_uid="session_record")
        user_logged_out.connect(sessions.forget_logout, dispatch_uid="session_record")
        post_save.connect(
            sessions.end_sessions_of_inactive, sender=User, dispatch_uid="end_inactive_sessions"
        )
