"""The health-check API: the serializer and the client's health-check actions, calling the
same access rules and services as the pages."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from clients.access import clients_visible_to
from clients.audit import log_client_access
from clients.models import AccessLog, Client
from common.locking import required_lock_version
from coordination.models import Organization, User
from healthchecks import services
from healthchecks.access import access_health_check, can_record_health_check
from healthchecks.models import HealthCheck
from serviceplans.models import PlanAction


class PlanActionField(serializers.SlugRelatedField):
    """A plan action by uuid."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="uuid", **kwargs)
        # The same words as for another client's action: existence does not leak.
        self.error_messages["does_not_exist"] = _(
            "Choose a health-check action of this client's plan."
        )
        self.error_messages["invalid"] = self.error_messages["does_not_exist"]

    def get_queryset(self):
        return PlanAction.objects.select_related("plan")


class HealthCheckSerializer(serializers.ModelSerializer):
    """GET lists, POST offers (and may carry the result at once), PATCH records the
    result of an offer: `{"status": "done", "done_on": ..., ...}` or `"declined"`."""

    id = serializers.UUIDField(source="uuid", read_only=True)
    organization = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=Organization.objects.filter(active=True),
        required=False,
        allow_null=True,
    )
    plan_action = PlanActionField(required=False, allow_null=True)
    offered_by: "serializers.StringRelatedField[User]" = serializers.StringRelatedField(
        read_only=True
    )
    done_by: "serializers.StringRelatedField[User]" = serializers.StringRelatedField(read_only=True)
    done_by_me = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="The caller did it."
    )
    status = serializers.ChoiceField(
        choices=HealthCheck.Status.choices, required=False, default=HealthCheck.Status.OFFERED
    )
    # The check's lock_version as read: required to record a result (PATCH; a stale one
    # is 409), as for plans.
    lock_version = serializers.IntegerField(min_value=0, required=False)

    class Meta:
        model = HealthCheck
        fields = [
            "id",
            "status",
            "offered_on",
            "offered_by",
            "organization",
            "done_on",
            "done_by",
            "done_by_me",
            "done_by_name",
            "declined_on",
            "led_to_further_assessment",
            "further_assessment",
            "notes",
            "plan_action",
            "created_at",
            "lock_version",
        ]
        read_only_fields = ["id", "offered_by", "done_by", "created_at"]
        extra_kwargs = {"offered_on": {"required": False}}
        # The service checks dates and combinations, once, for the page and the API alike.
        validators: list[object] = []

    def service_data(self, user, *, with_offer: bool) -> dict:
        data = dict(self.validated_data)
        status_ = data.pop("status", HealthCheck.Status.OFFERED)
        done_by_me = data.pop("done_by_me", False)
        result = {"status": status_, "notes": data.get("notes", "")}
        if with_offer:
            result["offered_on"] = data.get("offered_on")
            result["plan_action"] = data.get("plan_action")
        else:
            result["lock_version"] = data.get("lock_version")
        if "organization" in data:
            result["organization"] = data["organization"]
        if status_ == HealthCheck.Status.DONE:
            result.update(
                done_on=data.get("done_on"),
                done_by=user if done_by_me else None,
                done_by_name=data.get("done_by_name", ""),
                led_to_further_assessment=data.get("led_to_further_assessment"),
                further_assessment=data.get("further_assessment", ""),
            )
        elif status_ == HealthCheck.Status.DECLINED:
            result["declined_on"] = data.get("declined_on")
        return result


class HealthCheckViewSet(viewsets.GenericViewSet):
    """`/api/v1/clients/{id}/health-checks/` (GET, POST) and `.../health-checks/{check_id}/`
    (PATCH): actions on a client, which is looked up as `ClientViewSet` looks it up (the
    client's access rule, 404 for missing and forbidden); an AccessLog row per read.
    config/urls.py registers it under `clients` with the basename `client`, so that the
    routes are named as the client's own (`client-health-checks`)."""

    queryset = Client.objects.none()
    # What OPTIONS describes (the actions name their serializers themselves).
    serializer_class = HealthCheckSerializer
    lookup_field = "uuid"
    lookup_url_kwarg = "id"
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    # ClientViewSet's filters: get_object() applies them to the client looked up here too.
    filterset_fields = ["municipality", "language", "life_situation"]

    def get_queryset(self):
        return clients_visible_to(self.request.user).order_by("last_name", "first_name", "pk")

    @staticmethod
    def _require_health_check_recorder(user) -> None:
        # Before the input is read: the same rule as the page and the service.
        if not can_record_health_check(user):
            raise PermissionDenied(_("Health checks are recorded by the hub and by professionals."))

    # A list, not paginated and not filtered; the operation keeps the id it was published
    # with (`..._retrieve`), which clients generated from the schema use.
    @extend_schema(
        methods=["GET"],
        responses=HealthCheckSerializer(many=True),
        request=None,
        filters=False,
        operation_id="v1_clients_health_checks_retrieve",
    )
    @extend_schema(
        methods=["POST"], request=HealthCheckSerializer, responses={201: HealthCheckSerializer}
    )
    @action(detail=True, methods=["get", "post"], url_path="health-checks")
    def health_checks(self, request, id=None):
        """GET the client's health checks, newest offer first; POST offers one (and may
        carry its result at once)."""
        client = self.get_object()
        if request.method == "GET":
            log_client_access(request, client, action=AccessLog.Action.API, kind="health_check")
            rows = client.health_checks.select_related(
                "offered_by", "done_by", "organization", "plan_action"
            )
            return Response(HealthCheckSerializer(rows, many=True).data)
        self._require_health_check_recorder(request.user)
        serializer = HealthCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.service_data(request.user, with_offer=True)
        check = services.record_health_check(client, by=request.user, **data)
        log_client_access(request, client, action=AccessLog.Action.CREATE, kind="health_check")
        return Response(HealthCheckSerializer(check).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HealthCheckSerializer, responses=HealthCheckSerializer)
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"health-checks/(?P<check_id>[0-9a-fA-F-]{36})",
    )
    def health_check(self, request, id=None, check_id=None):
        """PATCH records the result of an offer: done or declined."""
        client = self.get_object()
        check = access_health_check(request.user, client, check_id)
        self._require_health_check_recorder(request.user)
        serializer = HealthCheckSerializer(check, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "status" not in request.data:
            raise ValidationError(
                {"status": [_("Choose whether the health check was done or declined.")]}
            )
        if "lock_version" not in request.data:
            raise required_lock_version()
        data = serializer.service_data(request.user, with_offer=False)
        check = services.record_health_check_result(check, by=request.user, **data)
        log_client_access(request, client, action=AccessLog.Action.UPDATE, kind="health_check")
        return Response(HealthCheckSerializer(check).data)
