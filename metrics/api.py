"""The metrics API: `/api/v1/metrics/summary/?from=&to=&municipality=&org_kind=` returns
exactly what the dashboard shows (the same `build_summary`), small counts hidden."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from common.roles import has_role
from coordination.integrations import has_scope
from coordination.models import IntegrationCredential
from metrics.access import METRICS_ROLES
from metrics.forms import MetricsFilterForm, WorkAbilityFilterForm
from metrics.summary import build_summary
from metrics.views import work_ability_table

COUNT_HELP = 'Counts are integers, or the string "<5" for a hidden count from 1 to 4.'

_table = inline_serializer(
    "MetricsTable",
    {
        "key": serializers.CharField(),
        "caption": serializers.CharField(),
        "headers": serializers.ListField(child=serializers.CharField()),
        "rows": serializers.ListField(child=serializers.ListField(child=serializers.JSONField())),
        "total": serializers.ListField(child=serializers.JSONField(), allow_null=True),
        "chart": serializers.CharField(allow_null=True),
        "note": serializers.CharField(),
        "panel": serializers.CharField(required=False),
    },
)


class MetricsHeadlineSerializer(serializers.Serializer):
    """One key figure (a class, so that the schema has one component for both lists)."""

    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.JSONField(allow_null=True)


def _headline():
    return MetricsHeadlineSerializer()


class MetricsSummaryView(APIView):
    """Managers and coordinators only, and programs with a metrics credential; everybody
    else gets 404, as on the page."""

    credential_scopes = (IntegrationCredential.Scope.METRICS_READ,)

    @extend_schema(
        operation_id="metrics_summary",
        summary="Activity metrics: the dashboard's numbers",
        description=COUNT_HELP,
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="First day (default: a year ago)"
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default: today)"),
            OpenApiParameter("municipality", str, description="Municipality of the contact source"),
            OpenApiParameter(
                "org_kind", str, description="Kind of the contact source organisation"
            ),
        ],
        responses=inline_serializer(
            "MetricsSummary",
            {
                "filters": serializers.DictField(child=serializers.CharField()),
                "target_working_days": serializers.IntegerField(),
                "headline": serializers.ListField(child=_headline()),
                "tables": serializers.ListField(child=_table),
                # The panel's key figures; its tables have "panel": "ips".
                "ips": inline_serializer(
                    "MetricsPanel",
                    {
                        "caption": serializers.CharField(),
                        "headline": serializers.ListField(child=_headline()),
                    },
                    allow_null=True,
                ),
            },
        ),
    )
    def get(self, request):
        metrics_credential = has_scope(request, IntegrationCredential.Scope.METRICS_READ)
        if not (metrics_credential or has_role(request.user, *METRICS_ROLES)):
            raise Http404
        form = MetricsFilterForm(request.query_params, with_municipalities=False)
        if not form.is_valid():
            raise ValidationError(form.api_errors())
        return Response(build_summary(form.filters()))


class WorkAbilityMeansView(APIView):
    """The mean self-assessed Work Ability Score per period and organisation: the same
    table as the page (`metrics.topics.workability`), small groups hidden."""

    credential_scopes = (IntegrationCredential.Scope.METRICS_READ,)

    @extend_schema(
        operation_id="metrics_work_ability",
        summary="Self-assessed work ability: mean score per period and organisation",
        description=COUNT_HELP + " A hidden group's mean is null.",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day"),
            OpenApiParameter("period", str, description='"month" (default) or "quarter"'),
        ],
        responses=_table,
    )
    def get(self, request):
        metrics_credential = has_scope(request, IntegrationCredential.Scope.METRICS_READ)
        if not (metrics_credential or has_role(request.user, *METRICS_ROLES)):
            raise Http404
        form = WorkAbilityFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.api_errors())
        return Response(work_ability_table(form))
