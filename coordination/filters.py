"""Filters of the consultation queue, shared by the coordinator's page and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.municipalities import code_for
from coordination.models import ConsultationRequest, Organization
from coordination.queue import needs_action_order, waiting_for_hub

OPEN = "open"


class QueueFilterSet(django_filters.FilterSet):
    """The queue page's filters; its tabs choose the status."""

    urgency = django_filters.ChoiceFilter(
        label=_("Urgency"), choices=ConsultationRequest.Urgency.choices, empty_label=_("All")
    )
    organization_kind = django_filters.ChoiceFilter(
        label=_("Contact source"),
        field_name="requesting_organization__kind",
        choices=Organization.Kind.choices,
        empty_label=_("All"),
    )
    municipality = django_filters.CharFilter(label=_("Municipality"), method="filter_municipality")

    class Meta:
        model = ConsultationRequest
        fields = ["urgency", "organization_kind", "municipality"]

    def filter_municipality(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Anonymous requests carry the municipality; identified ones the one the requester
        # gave, and the client record's, which only a coordinator may filter by (else a
        # requester could probe what others recorded about a client linked to their
        # request). A code, or a name in Finnish or Swedish.
        code = code_for(value) or value
        match = Q(municipality=code) | Q(client_snapshot__municipality=code)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated and user.is_coordinator:
            match |= Q(client__municipality=code)
        return queryset.filter(match)


class ConsultationFilterSet(QueueFilterSet):
    """The API's filters: the queue's, the status and "assigned to me", and
    `needs_action`: what waits for the hub, urgent first, then the longest waiting."""

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open (not closed or withdrawn)")), *ConsultationRequest.Status.choices],
        empty_label=_("All"),
        method="filter_status",
    )
    assigned_to_me = django_filters.BooleanFilter(
        label=_("Assigned to me"), method="filter_assigned_to_me", widget=forms.CheckboxInput
    )
    needs_action = django_filters.BooleanFilter(
        label=_("Needs the hub's action"), method="filter_needs_action"
    )

    class Meta:
        model = ConsultationRequest
        fields = [
            "status",
            "urgency",
            "organization_kind",
            "municipality",
            "assigned_to_me",
            "needs_action",
        ]

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=ConsultationRequest.OPEN_STATUSES)
        return queryset.filter(status=value)

    def filter_needs_action(self, queryset, name, value):
        if value:
            return needs_action_order(waiting_for_hub(queryset))
        return queryset

    def filter_assigned_to_me(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(assigned_to=self.request.user)
        return queryset
