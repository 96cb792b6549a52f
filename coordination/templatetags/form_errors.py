"""The error summary at the top of a form page (WCAG 3.3.1, 3.3.3): every error of the
page's forms in one list, each linking to its field, so that a keyboard or screen-reader
user hears what went wrong and can move straight to the field."""

from django import template
from django.core.exceptions import NON_FIELD_ERRORS

register = template.Library()


@register.simple_tag
def form_errors(*forms):
    """[{"label", "message", "field_id"}] for every error of `forms`, in the order of the
    page. `field_id` is the element to move to: the field, or the first box of a group of
    radio buttons or check boxes; empty for an error of the whole form. The label loses
    a closing full stop (a check box's label is a sentence), as it is followed by the
    message."""
    items = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for message in form.errors.get(NON_FIELD_ERRORS, []):
            items.append({"label": "", "message": message, "field_id": ""})
        for name, field in form.fields.items():
            if name not in form.errors:
                continue
            bound = form[name]
            field_id = "" if bound.is_hidden else bound.auto_id
            if field_id and bound.use_fieldset:
                field_id = f"{field_id}_0"
            for message in form.errors[name]:
                label = str(field.label or "").rstrip(" .")
                items.append({"label": label, "message": message, "field_id": field_id})
    return items
