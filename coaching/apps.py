from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    """IPS job coaching: referrals, the job coach's caseload, employer work, job starts,
    follow-along support and the team's fidelity reviews."""

    name = "coaching"
    verbose_name = _("IPS job coaching")

    def ready(self):
        # The app's models are loaded only now; its entries join the client's record.
        from coaching.events import SOURCE  # noqa: PLC0415
        from common.timeline import register_source  # noqa: PLC0415

        register_source(SOURCE)
