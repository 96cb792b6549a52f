"""The dashboard's filters, shared by the page and the API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import Organization
from metrics.queries import Filters


def municipality_choices():
    """One query: the municipalities of the organisations (not of clients)."""
    names = (
        Organization.objects.exclude(municipality="")
        .order_by("municipality")
        .values_list("municipality", flat=True)
        .distinct()
    )
    return [("", _("All municipalities")), *((name, name) for name in names)]


class MetricsFilterForm(forms.Form):
    # Field names match the API's query parameters (`from`, `to` are Python keywords).
    from_ = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    municipality = forms.ChoiceField(label=_("Municipality of the contact source"), required=False)
    org_kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        required=False,
        choices=[("", _("All kinds")), *Organization.Kind.choices],
    )

    def __init__(self, data=None, *, with_municipalities=True):
        if data is not None:
            data = data.copy()
            if "from" in data:
                data["from_"] = data["from"]
        super().__init__(data)
        if with_municipalities:
            self.fields["municipality"].choices = municipality_choices()
        else:
            # The API validates the name as text; an unknown municipality simply has no rows.
            self.fields["municipality"] = forms.CharField(required=False, max_length=100)

    def clean(self):
        data = super().clean()
        start, end = data.get("from_"), data.get("to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data

    def filters(self) -> Filters:
        default = Filters.default()
        data = self.cleaned_data
        end = data.get("to") or default.end
        start = data.get("from_")
        if start is None:
            start = Filters.default(end).start
        return Filters(
            start=start,
            end=end,
            municipality=data.get("municipality") or "",
            org_kind=data.get("org_kind") or "",
        )
