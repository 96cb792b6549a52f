from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    """IPS job coaching: referrals, the job coach's caseload, employer work, job starts,
    follow-along support and the team's fidelity reviews."""

    name = "coaching"
    verbose_name = _("IPS job coaching")
