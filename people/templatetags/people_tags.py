from django import template
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from coordination.models import Organization, User
from people.services import ORGANIZATION_FIELDS, PERSON_FIELDS

register = template.Library()

CHOICES = {
    "role": dict(User.Role.choices),
    "kind": dict(Organization.Kind.choices),
    "language": dict(settings.LANGUAGES),
}
LABELS = {
    "second_factor": lambda: _("Second factor"),
    "holder": lambda: _("Holder of the work"),
    "requests": lambda: _("Consultation requests"),
    "networks": lambda: _("Networks coordinated"),
    "memberships": lambda: _("Network memberships"),
    "coaching": lambda: _("Coaching clients"),
    "actions": lambda: _("Plan actions"),
    "meetings": lambda: _("Meetings"),
}


def _label(record, field: str) -> str:
    if field in LABELS:
        return LABELS[field]()
    model = Organization if record.organization_id and not record.person_id else User
    try:
        model_field = model._meta.get_field(field)
    except FieldDoesNotExist:
        return field
    return str(getattr(model_field, "verbose_name", field)).capitalize()


def _shown(field: str, value):
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return CHOICES.get(field, {}).get(value, value)


@register.filter
def change_rows(record) -> list[tuple[str, object, object]]:
    """The fields of a change record as (label, before or None, after)."""
    # The database keeps JSON keys in an order of its own: show them in the form's.
    order = [*PERSON_FIELDS, *ORGANIZATION_FIELDS, *LABELS]
    fields = sorted(
        dict.fromkeys([*record.after, *record.before]),
        key=lambda name: order.index(name) if name in order else len(order),
    )
    return [
        (
            _label(record, field),
            _shown(field, record.before[field]) if field in record.before else None,
            _shown(field, record.after.get(field)),
        )
        for field in fields
    ]
