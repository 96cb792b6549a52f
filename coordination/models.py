"""The hub and its members: organisations and the people who log in."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    """A member organisation of the county's network of services.

    The requesting organisation of a consultation is its contact source, so the kind is
    what the metrics group by.
    """

    class Kind(models.TextChoices):
        HEALTH_CENTRE = "health_centre", _("Health and social services centre")
        SOCIAL_SERVICES = "social_services", _("Social services")
        MENTAL_HEALTH_SUBSTANCE = (
            "mental_health_substance",
            _("Mental health and substance abuse services"),
        )
        TE_OFFICE = "te_office", _("Employment services")
        MUNICIPAL_EMPLOYMENT = "municipal_employment", _("Municipal employment services")
        KELA = "kela", _("Kela")
        TYP = "typ", _("TYP multi-sector joint service")
        EDUCATION = "education", _("Educational institution")
        NGO = "ngo", _("NGO")
        EMPLOYER = "employer", _("Employer")
        REHABILITATION = "rehabilitation", _("Rehabilitation provider")
        PENSION_INSURER = "pension_insurer", _("Pension insurer")
        CRIMINAL_SANCTIONS = "criminal_sanctions", _("Criminal Sanctions Agency")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    is_hub = models.BooleanField(
        _("working-age coordination hub"),
        default=False,
        help_text=_("The hub's own organisation: its coordinators answer consultations."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in: a professional of a member organisation, a coordinator of
    the hub, a manager or an administrator."""

    class Role(models.TextChoices):
        PROFESSIONAL = "professional", _("Professional")
        COORDINATOR = "coordinator", _("Work-ability coordinator")
        MANAGER = "manager", _("Manager")
        ADMINISTRATOR = "administrator", _("Administrator")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.PROFESSIONAL
    )
    title = models.CharField(_("title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_professional(self) -> bool:
        return self.role == self.Role.PROFESSIONAL

    @property
    def is_coordinator(self) -> bool:
        return self.role == self.Role.COORDINATOR

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMINISTRATOR
