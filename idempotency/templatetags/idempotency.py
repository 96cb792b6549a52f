"""`{% idempotency_field %}`: a fresh key in every rendering of a form, so that posting the
same rendering twice (a retry, back-and-resubmit) is recognised as one submission.
A builtin (config/settings.py TEMPLATES), placed beside every `{% csrf_token %}`."""

import uuid

from django import template
from django.utils.html import format_html

from idempotency.middleware import FIELD_NAME

register = template.Library()


@register.simple_tag
def idempotency_field():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, uuid.uuid4().hex)
