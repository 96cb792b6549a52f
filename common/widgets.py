"""Form widgets every app's forms share."""

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """The browser's own date picker; the value in ISO form, as it expects."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
