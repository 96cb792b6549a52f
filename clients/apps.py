from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    """The person: client, consent, work-ability assessments and the access log."""

    name = "clients"
    verbose_name = _("Clients")
