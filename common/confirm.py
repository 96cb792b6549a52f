"""One pattern for a step with consequences (withdrawing, removing, cancelling): a page
that says what will happen and asks for the reason, and a second, deliberate press.

The page is `templates/confirm.html` around the partial `templates/_confirm.html`; it is
a plain form (no script needed, every control reachable by keyboard). The reason is kept
with the change and shown on the history of the record it changed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

REASON_MAX_LENGTH = 2_000


def reason_errors(reason: str | None, field: str = "reason") -> dict[str, list[str]]:
    """The services' check of a reason: required, and not longer than the limit."""
    if not reason or not reason.strip():
        return {field: [gettext("Give the reason.")]}
    if len(reason) > REASON_MAX_LENGTH:
        return {
            field: [
                gettext("The reason can have at most %(limit)d characters (it has %(count)d).")
                % {"limit": REASON_MAX_LENGTH, "count": len(reason)}
            ]
        }
    return {}


class ReasonForm(forms.Form):
    """The reason alone: what most confirmations ask for."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the change and shown on the history."),
    )


def render_confirmation(
    request: HttpRequest,
    *,
    form: forms.BaseForm,
    title: Any,
    question: Any,
    confirm_label: Any,
    cancel_url: str,
    consequence: Any = "",
    status: int = 200,
) -> HttpResponse:
    """The confirmation page: `form` posts back to the same address. A form with errors
    is answered with 400, the errors summarised above it and next to their fields."""
    if form.is_bound and form.errors:
        status = 400
    context = {
        "form": form,
        "confirm_title": title,
        "confirm_question": question,
        "confirm_consequence": consequence,
        "confirm_label": confirm_label,
        "cancel_url": cancel_url,
    }
    return render(request, "confirm.html", context, status=status)
