"""Organisation pickers that scale: a search field that lists at most RESULT_LIMIT
matches as you type (htmx), grouped by organisation kind, with the chosen ones kept as
checked boxes. Without JavaScript the widget falls back to a grouped <select multiple>.

Employers (coaching) are never offered in a member-organisation picker: a picker has a
scope, and the form's queryset and the search endpoint use the same scope."""

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIteratorValue
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from coordination.models import Organization

RESULT_LIMIT = 20
MIN_QUERY = 2
_FIELD_NAME = re.compile(r"^[\w-]{1,80}$")
_UUID = re.compile(r"^[0-9a-fA-F-]{32,36}$")
KEYS = ("pk", "uuid")
_KIND_ORDER = {value: index for index, value in enumerate(Organization.Kind.values)}
_KIND_LABELS = dict(Organization.Kind.choices)


def scoped_organizations(scope: str) -> QuerySet[Organization]:
    """The organisations a picker of this scope offers.

    - "network": member organisations a network or its consent can cover (no hub, no
      employers);
    - "members": member organisations, the hub included (no employers);
    - "employers": the employers of job coaching, kept apart from member organisations.
    """
    organizations = Organization.objects.filter(active=True)
    if scope == "employers":
        return organizations.filter(kind=Organization.Kind.EMPLOYER)
    organizations = organizations.exclude(kind=Organization.Kind.EMPLOYER)
    if scope == "network":
        organizations = organizations.exclude(is_hub=True)
    return organizations


SCOPES = ("network", "members", "employers")


def search_organizations(
    scope: str, query: str, key: str = "pk", exclude: Iterable[str] = ()
) -> tuple[list[Organization], bool]:
    """At most RESULT_LIMIT organisations whose name has every word of the query (but
    not the ones already chosen), and whether there were more. One query."""
    organizations = scoped_organizations(scope)
    for word in query.split():
        organizations = organizations.filter(name__icontains=word)
    if key == "uuid":
        chosen = [value for value in exclude if _UUID.match(value)]
    else:
        chosen = [value for value in exclude if value.isdigit()]
    if chosen:
        organizations = organizations.exclude(**{f"{key}__in": chosen})
    found = list(
        organizations.order_by("name").only("pk", "uuid", "name", "kind")[: RESULT_LIMIT + 1]
    )
    return found[:RESULT_LIMIT], len(found) > RESULT_LIMIT


def group_by_kind(
    organizations: Iterable[Organization], key: str = "pk"
) -> list[tuple[str, list[tuple[str, str, Organization]]]]:
    """(kind label, [(value, label, organisation)]) in the order of the kinds."""
    groups: dict[str, list[tuple[str, str, Organization]]] = {}
    ordered = sorted(organizations, key=lambda o: (_KIND_ORDER.get(o.kind, 99), o.name))
    for organization in ordered:
        value = str(getattr(organization, key))
        groups.setdefault(organization.kind, []).append((value, organization.name, organization))
    return [(str(_KIND_LABELS.get(kind, kind)), members) for kind, members in groups.items()]


class OrganizationPicker(forms.Select):
    """Search-as-you-type picker of organisations for a ModelMultipleChoiceField
    (`multiple=True`, tick boxes) or a ModelChoiceField (radio buttons)."""

    template_name = "pickers/organization_picker.html"

    def __init__(
        self,
        scope: str = "network",
        key: str = "pk",
        multiple: bool = True,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        if scope not in SCOPES or key not in KEYS:
            raise ValueError(scope)
        self.scope = scope
        self.key = key
        self.allow_multiple_selected = multiple

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False if self.allow_multiple_selected else name not in data

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if value is None or isinstance(value, str | int):
            value = [] if value in (None, "") else [value]
        chosen = {str(getattr(v, self.key, v)) for v in value if v not in (None, "")}
        # One query: the field's choices are the organisations of the scope.
        everything: list[Organization] = [
            choice.instance  # type: ignore[attr-defined]
            for choice, _label in self.choices
            if isinstance(choice, ModelChoiceIteratorValue)
        ]
        groups = group_by_kind(everything, self.key)
        selected = [
            (value, label)
            for _kind, members in groups
            for value, label, _o in members
            if value in chosen
        ]
        field_id = attrs.get("id") or f"id_{name}"
        return render_to_string(
            self.template_name,
            {
                "name": name,
                "id": field_id,
                "scope": self.scope,
                "key": self.key,
                "multiple": self.allow_multiple_selected,
                "input_type": "checkbox" if self.allow_multiple_selected else "radio",
                "url": reverse("organization_search"),
                "selected": selected,
                "groups": groups,
                "chosen": chosen,
                "describedby": attrs.get("aria-describedby", ""),
                "min_query": MIN_QUERY,
            },
        )


@require_GET
@login_required
def organization_search(request: HttpRequest) -> HttpResponse:
    """The matches of an organisation picker (an htmx fragment). Organisation names are
    not client data: any signed-in user may search them."""
    name = request.GET.get("field", "")
    scope = request.GET.get("scope", "network")
    key = request.GET.get("key", "pk")
    input_type = "radio" if request.GET.get("type") == "radio" else "checkbox"
    if not _FIELD_NAME.match(name) or scope not in SCOPES or key not in KEYS:
        return HttpResponse(status=400)
    query = request.GET.get("q", "").strip()[:100]
    field_id = request.GET.get("id", "")
    context: dict[str, Any] = {
        "name": name,
        "field_id": field_id if _FIELD_NAME.match(field_id) else name,
        "query": query,
        "min_query": MIN_QUERY,
        "limit": RESULT_LIMIT,
        "input_type": input_type,
    }
    if len(query) < MIN_QUERY:
        context["too_short"] = True
    else:
        found, more = search_organizations(scope, query, key, exclude=request.GET.getlist(name))
        context.update({"groups": group_by_kind(found, key), "count": len(found), "more": more})
    return render(request, "pickers/_organization_results.html", context)
