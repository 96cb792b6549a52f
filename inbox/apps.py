from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    """One inbox for the whole service: what the other apps announce for a person."""

    name = "inbox"
    verbose_name = _("Inbox")

    def ready(self):
        # The receivers write InboxItem rows: the models are loaded only now.
        from common import inbox as announcements  # noqa: PLC0415
        from inbox import services  # noqa: PLC0415

        announcements.announced.connect(services.receive_one, dispatch_uid="inbox_one")
        announcements.announced_many.connect(services.receive_many, dispatch_uid="inbox_many")
