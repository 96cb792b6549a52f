"""The dashboard's filters, shared by the page and the API."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from common.municipalities import municipality_choices as all_municipalities
from coordination.models import Organization
from metrics.filters import Filters


def municipality_choices():
    """One query: the municipalities of the organisations (not of clients), by their
    official names in the reader's language."""
    codes = set(
        Organization.objects.exclude(municipality="")
        .order_by()
        .values_list("municipality", flat=True)
        .distinct()
    )
    named = [(code, name) for code, name in all_municipalities() if code in codes]
    return [("", _("All municipalities")), *named]


# The first day a period may start and the longest period: wide enough for "everything
# the service holds" (a retention check counts decades), narrow enough for date arithmetic.
EARLIEST = datetime.date(1970, 1, 1)
MAX_YEARS = 50


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
            # The API takes any municipality's code; one without organisations has no rows.
            self.fields["municipality"].choices = [("", ""), *all_municipalities()]

    def clean(self):
        """Only periods the dashboard can count: dates from EARLIEST to the end of next
        year (a year like 9999 would overflow the date arithmetic), the start not after
        the end, and at most MAX_YEARS long. Each message goes next to its field."""
        data = super().clean()
        latest = datetime.date(timezone.localdate().year + 1, 12, 31)
        for name in ("from_", "to"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= latest:
                self.add_error(
                    name,
                    _("Choose a date between %(first)s and %(last)s.")
                    % {
                        "first": date_format(EARLIEST, "SHORT_DATE_FORMAT"),
                        "last": date_format(latest, "SHORT_DATE_FORMAT"),
                    },
                )
        if self.errors:
            return data
        filters = self.filters()
        if filters.start > filters.end:
            self.add_error("from_", _("The start date must not be after the end date."))
        elif (filters.end - filters.start).days > 366 * MAX_YEARS:
            self.add_error(
                "from_",
                _("A period may be at most %(years)s years long.") % {"years": MAX_YEARS},
            )
        return data

    def api_errors(self) -> dict:
        """The errors keyed by the API's query parameters (`from`, not `from_`)."""
        return {("from" if name == "from_" else name): e for name, e in self.errors.items()}

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


class WorkAbilityFilterForm(MetricsFilterForm):
    """The period and its grouping for the self-assessed work ability (by month or by
    quarter). The contact-source filters do not apply to assessments."""

    period = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[("month", _("Month")), ("quarter", _("Quarter"))],
    )

    def __init__(self, data=None):
        super().__init__(data, with_municipalities=False)
        del self.fields["municipality"]
        del self.fields["org_kind"]

    def chosen_period(self):
        filters = self.filters()
        return filters.start, filters.end, self.cleaned_data.get("period") or "month"
