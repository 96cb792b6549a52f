from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = _("People and organisations")

    def ready(self):
        # The app's models are loaded only now; handovers join the client's record and
        # the network's timeline.
        from common.timeline import register_source  # noqa: PLC0415
        from people.events import SOURCE  # noqa: PLC0415

        register_source(SOURCE)
