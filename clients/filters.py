"""Filters of the access-log review, shared by the list and its CSV export.

Every filter is addressed by what may stand in a URL: users, organisations and clients by
uuid, choices by value, dates. The client is never chosen by name or identity code here:
the page finds the client with a POST form (`AccessLogClientSearchForm`) whose input is
never echoed back, and the filter receives only the chosen client's uuid.
"""

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from clients.models import AccessLog, Client
from coordination.models import Organization, User


class AccessLogFilterSet(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(
        label=_("User"),
        queryset=User.objects.order_by("last_name", "first_name", "username"),
        to_field_name="uuid",
        empty_label=_("All"),
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organisation of the user"),
        field_name="user__organization",
        queryset=Organization.objects.order_by("name"),
        to_field_name="uuid",
        empty_label=_("All"),
    )
    client = django_filters.ModelChoiceFilter(
        label=_("Client"),
        queryset=Client.objects.all(),
        to_field_name="uuid",
        # The choice comes from the search form; a select of every client would list
        # them all in the page.
        widget=forms.HiddenInput,
    )
    basis = django_filters.ChoiceFilter(
        label=_("Basis"), choices=AccessLog.Basis.choices, empty_label=_("All")
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AccessLog.Action.choices, empty_label=_("All")
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    disclosures = django_filters.BooleanFilter(
        label=_("Only disclosures to another organisation"),
        method="filter_disclosures",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = AccessLog
        fields = [
            "user",
            "organization",
            "client",
            "basis",
            "action",
            "date_from",
            "date_to",
            "disclosures",
        ]

    def filter_disclosures(self, queryset, name, value):
        if not value:
            return queryset
        return disclosures(queryset)

    def url_filters(self) -> dict:
        """The valid filters as the review trail stores them: uuids, values, dates."""
        data = {}
        for name, value in (self.form.cleaned_data or {}).items():
            if value in (None, "", False):
                continue
            data[name] = str(getattr(value, "uuid", value))
        return data


def disclosures(queryset):
    """The disclosure log (luovutusloki) as far as the data can tell: reads by a user of
    another organisation than the one whose worker recorded the client (the creator's
    organisation). Clients with no recorded creator are left out: nothing to compare."""
    return queryset.filter(client__created_by__organization__isnull=False).exclude(
        user__organization=F("client__created_by__organization")
    )


class NeverEchoedTextInput(forms.TextInput):
    """A text input that is always rendered empty, whatever was sent."""

    def format_value(self, value):
        return None


class AccessLogClientSearchForm(forms.Form):
    """Find the client to filter by or report on: a name or an identity code, sent by
    POST and never shown again (the field is always rendered empty)."""

    client_query = forms.CharField(
        label=_("Name or personal identity code"),
        max_length=150,
        widget=NeverEchoedTextInput(attrs={"autocomplete": "off"}),
    )
