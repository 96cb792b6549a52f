"""The client's record: everything that happened to the client in every app, newest
first, as the user may see it. The apps contribute their entries through
`common.timeline` (registered in their `AppConfig.ready()`), so that this lower app imports
none of them; this module asks for them and parses the record page's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from common.timeline import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Event,
    Timeline,
    TimelineQuery,
    collect_for_client,
    kind_labels,
    sources,
)
from common.widgets import DateInput

# The client page shows the newest entries; the record page all of them, a page at a time.
CLIENT_PAGE_ENTRIES = 10


def client_timeline(client: Client, user, *, limit: int = CLIENT_PAGE_ENTRIES) -> list[Event]:
    """The newest entries of the client's record that `user` may see."""
    return collect_for_client(client, user, TimelineQuery(limit=limit)).events


def client_record(client: Client, user, query: TimelineQuery) -> Timeline:
    return collect_for_client(client, user, query)


def kind_groups() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The kinds of entry, grouped by the app that records them, for the filter:
    (name, heading, [(kind, label)])."""
    return [
        (
            source.name,
            str(source.label or source.name),
            [(kind, str(label)) for kind, label in source.kinds.items()],
        )
        for source in sources()
    ]


class RecordFilterForm(forms.Form):
    """The record page's filters, sent by GET: kinds (none chosen: all), a period (both
    days included) and how many entries to show."""

    kind = forms.MultipleChoiceField(
        label=_("Kinds of entry"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())
    show = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_LIMIT, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind_field: forms.MultipleChoiceField = self.fields["kind"]  # type: ignore[assignment]
        kind_field.choices = [(kind, label) for kind, label in kind_labels().items()]

    def clean(self):
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("since", _("The start date must not be after the end date."))
        return data

    def query(self) -> TimelineQuery:
        """The query of a valid form (or the default of an unbound one)."""
        data: dict = getattr(self, "cleaned_data", None) or {}
        kinds = data.get("kind") or None
        return TimelineQuery(
            kinds=frozenset(kinds) if kinds else None,
            since=data.get("since"),
            until=data.get("until"),
            limit=min(data.get("show") or DEFAULT_LIMIT, MAX_LIMIT),
        )
