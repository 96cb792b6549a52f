"""The serviceplans API: serializers and viewsets calling the same access rules and services as
the pages.

    /api/v1/plans/                                GET (?network=, ?status=), POST {"network"}
    /api/v1/plans/{id}/                           GET, PATCH (text with lock_version; or
                                                  {"status": "agreed", "agreement_method", …})
    /api/v1/plans/{id}/revise/                    POST: the next version as a draft
    /api/v1/plans/{id}/goals/                     GET, POST
    /api/v1/plans/{id}/actions/                   GET, POST
    /api/v1/plans/{id}/actions/{action_id}/       PATCH {"status"} (follow-up) and/or
                                                  {"lock_version", "description",
                                                  "service_type", "responsible_*",
                                                  "due_date"} (an edit, on the history)
    /api/v1/plans/{id}/reviews/                   GET, POST (on the version in force,
                                                  which stays in force)
    /api/v1/plans/{id}/history/                   GET: recorded changes, newest first
    /api/v1/plans/{id}/pdf/                       POST (starts the export: 202),
                                                  GET (the file when ready, else 202 queued)

A plan the user may not see is 404; one they see but may not change is 403; a stale
`lock_version` is 409; refused moves and bad input are 400 with field errors. Every read
is in the access log.
"""

import uuid

from django.db import transaction
from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from clients.audit import AccessLoggingMixin, log_client_access
from clients.models import AccessLog
from common.locking import required_lock_version
from coordination.models import Organization, User
from networks.access import access_network, network_basis
from serviceplans import services
from serviceplans.access import can_edit_plan, plans_visible_to
from serviceplans.models import (
    GoalProgress,
    PlanAction,
    PlanChange,
    PlanDocument,
    PlanGoal,
    PlanReview,
    ServicePlan,
)


class GoalSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)

    class Meta:
        model = PlanGoal
        fields = ["id", "text", "domain", "target_date", "status"]
        read_only_fields = ["id", "status"]


class ActionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    goal = serializers.SlugRelatedField(
        slug_field="uuid", queryset=PlanGoal.objects.all(), required=False, allow_null=True
    )
    responsible_organization = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=Organization.objects.filter(active=True),
        required=False,
        allow_null=True,
    )
    responsible_user = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    decision = serializers.SlugRelatedField(slug_field="uuid", read_only=True)

    class Meta:
        model = PlanAction
        fields = [
            "id",
            "goal",
            "description",
            "service_type",
            "responsible_organization",
            "responsible_user",
            "responsible_name",
            "due_date",
            "status",
            "done_at",
            "decision",
            "lock_version",
        ]
        read_only_fields = ["id", "status", "done_at", "decision", "lock_version"]
        extra_kwargs = {"responsible_name": {"required": False}}


class ActionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PlanAction.Status.choices)


class ActionChangeSerializer(serializers.Serializer):
    """PATCH of an action: its status (follow-up), or an edit of what it is, who does it
    and by when (with the `lock_version` it was read at), or both."""

    status = serializers.ChoiceField(choices=PlanAction.Status.choices, required=False)
    lock_version = serializers.IntegerField(min_value=0, required=False)
    description = serializers.CharField(max_length=2_000, required=False)
    service_type = serializers.ChoiceField(choices=PlanAction.ServiceType.choices, required=False)
    responsible_organization = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=Organization.objects.filter(active=True),
        required=False,
        allow_null=True,
    )
    responsible_user = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    responsible_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    due_date = serializers.DateField(required=False, allow_null=True)

    EDIT_FIELDS = services.ACTION_EDIT_FIELDS

    def validate(self, attrs):
        edits = [name for name in self.EDIT_FIELDS if name in attrs]
        if edits and "lock_version" not in attrs:
            raise required_lock_version()
        if not edits and "status" not in attrs:
            raise ValidationError({"non_field_errors": ["Give a status or fields to change."]})
        return attrs


class ChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.StringRelatedField(read_only=True)
    plan_version = serializers.IntegerField(source="plan.version", read_only=True)
    action = serializers.UUIDField(source="subject", read_only=True)

    class Meta:
        model = PlanChange
        fields = ["kind", "plan_version", "action", "changed_by", "changed_at", "fields"]
        read_only_fields = fields


class ProgressSerializer(serializers.Serializer):
    goal = serializers.UUIDField()
    progress = serializers.ChoiceField(choices=GoalProgress.Progress.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReviewSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    reviewed_by = serializers.StringRelatedField(read_only=True)
    progress = serializers.SerializerMethodField()
    goals = ProgressSerializer(many=True, write_only=True, required=False)
    plan_version = serializers.IntegerField(source="plan.version", read_only=True)

    class Meta:
        model = PlanReview
        fields = [
            "id",
            "plan_version",
            "reviewed_on",
            "reviewed_by",
            "summary",
            "next_review_date",
            "progress",
            "goals",
        ]
        read_only_fields = ["id", "reviewed_by"]
        extra_kwargs = {"reviewed_on": {"required": False}}

    def get_progress(self, review) -> list[dict]:
        return [
            {"goal": str(item.goal.uuid), "progress": item.progress, "note": item.note}
            for item in review.progress.all()
        ]


class PlanSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    network = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    client = serializers.SlugRelatedField(slug_field="uuid", read_only=True)

    class Meta:
        model = ServicePlan
        fields = [
            "id",
            "network",
            "client",
            "version",
            "status",
            "client_goals",
            "strengths",
            "assessment_summary",
            "next_review_date",
            "agreement_method",
            "agreement_note",
            "agreed_at",
            "lock_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PlanDetailSerializer(PlanSerializer):
    goals = GoalSerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "goals", "actions"]
        read_only_fields = fields


class PlanCreateSerializer(serializers.Serializer):
    network = serializers.UUIDField()


class PlanUpdateSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(min_value=0)
    status = serializers.ChoiceField(choices=[ServicePlan.Status.AGREED], required=False)
    agreement_method = serializers.ChoiceField(
        choices=ServicePlan.AgreementMethod.choices, required=False
    )
    agreement_note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    client_goals = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    strengths = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    assessment_summary = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    next_review_date = serializers.DateField(required=False, allow_null=True)


class DocumentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)

    class Meta:
        model = PlanDocument
        fields = ["id", "status", "sha256", "language", "requested_at", "finished_at"]
        read_only_fields = fields


class PlanViewSet(
    AccessLoggingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ServicePlan.objects.none()
    serializer_class = PlanSerializer
    lookup_field = "uuid"
    lookup_url_kwarg = "id"
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status"]
    access_log_kind = "service_plan"

    def get_queryset(self):
        queryset = (
            plans_visible_to(self.request.user)
            .select_related("network", "client")
            .order_by("network", "-version", "pk")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "goals",
                "actions__goal",
                "actions__responsible_user",
                "actions__responsible_organization",
                "actions__decision",
            )
        network = self.request.query_params.get("network")
        if network and self.action == "list":
            queryset = queryset.filter(network__uuid=network) if _is_uuid(network) else None
        return queryset if queryset is not None else ServicePlan.objects.none()

    def get_serializer_class(self):
        return PlanDetailSerializer if self.action == "retrieve" else PlanSerializer

    def access_log_clients(self, objects):
        return [plan.client for plan in objects]

    def access_log_basis(self):
        return network_basis(self.request.user)

    def _log(self, plan, action=AccessLog.Action.API, kind="service_plan"):
        log_client_access(
            self.request,
            plan.client,
            action=action,
            kind=kind,
            basis=network_basis(self.request.user),
        )

    def _editable(self):
        plan = self.get_object()
        if not can_edit_plan(self.request.user, plan):
            raise PermissionDenied
        return plan

    @extend_schema(request=PlanCreateSerializer, responses={201: PlanSerializer})
    def create(self, request):
        serializer = PlanCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            network = access_network(request.user, serializer.validated_data["network"])
        except Http404:
            raise ValidationError({"network": ["Not found."]}) from None
        # Someone who may not write the network's plan (or any, the network being closed)
        # is refused before the service is asked.
        if not can_edit_plan(request.user, ServicePlan(network=network)):
            raise PermissionDenied
        plan = services.create_plan(network, by=request.user)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanUpdateSerializer, responses=PlanSerializer)
    def partial_update(self, request, id=None):
        plan = self._editable()
        serializer = PlanUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lock_version = data.pop("lock_version")
        if data.pop("status", None) == ServicePlan.Status.AGREED:
            plan = services.agree_plan(
                plan,
                by=request.user,
                lock_version=lock_version,
                method=data.get("agreement_method", ""),
                note=data.get("agreement_note", ""),
            )
        else:
            data.pop("agreement_method", None)
            data.pop("agreement_note", None)
            plan = services.update_plan(plan, by=request.user, lock_version=lock_version, **data)
        plan.refresh_from_db()
        return Response(PlanSerializer(plan).data)

    @extend_schema(request=None, responses={201: PlanSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, id=None):
        plan = self._editable()
        draft = services.start_plan_revision(plan, by=request.user)
        return Response(PlanSerializer(draft).data, status=status.HTTP_201_CREATED)

    # --- Goals, actions, reviews -------------------------------------------------------

    @extend_schema(methods=["GET"], responses=GoalSerializer(many=True), request=None)
    @extend_schema(methods=["POST"], request=GoalSerializer, responses={201: GoalSerializer})
    @action(detail=True, methods=["get", "post"])
    def goals(self, request, id=None):
        if request.method == "GET":
            plan = self.get_object()
            self._log(plan, kind="plan_goal")
            return Response(GoalSerializer(plan.goals.all(), many=True).data)
        plan = self._editable()
        serializer = GoalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        goal = services.add_goal(plan, by=request.user, **serializer.validated_data)
        return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ActionSerializer(many=True), request=None)
    @extend_schema(methods=["POST"], request=ActionSerializer, responses={201: ActionSerializer})
    @action(detail=True, methods=["get", "post"])
    def actions(self, request, id=None):
        if request.method == "GET":
            plan = self.get_object()
            self._log(plan, kind="plan_action")
            rows = plan.actions.select_related(
                "goal", "responsible_user", "responsible_organization", "decision"
            )
            return Response(ActionSerializer(rows, many=True).data)
        plan = self._editable()
        serializer = ActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.add_action(plan, by=request.user, **serializer.validated_data)
        return Response(ActionSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionChangeSerializer, responses=ActionSerializer)
    @action(detail=True, methods=["patch"], url_path=r"actions/(?P<action_id>[0-9a-f-]{36})")
    def action_status(self, request, id=None, action_id=None):
        plan = self._editable()
        # A malformed id (the URL takes any 36 of hex digits and dashes) is not found too.
        row = plan.actions.filter(uuid=action_id).first() if _is_uuid(action_id) else None
        if row is None:
            raise Http404
        serializer = ActionChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        new_status = data.pop("status", None)
        lock_version = data.pop("lock_version", None)
        with transaction.atomic():
            if data:
                row, _changed = services.edit_action(
                    row, by=request.user, lock_version=lock_version, **data
                )
            if new_status is not None:
                row = services.set_action_status(row, by=request.user, status=new_status)
        row.refresh_from_db()
        return Response(ActionSerializer(row).data)

    @extend_schema(responses=ChangeSerializer(many=True), request=None)
    @action(detail=True, methods=["get"])
    def history(self, request, id=None):
        plan = self.get_object()
        self._log(plan, kind="plan_history")
        return Response(ChangeSerializer(services.plan_history(plan)[:200], many=True).data)

    @extend_schema(methods=["GET"], responses=ReviewSerializer(many=True), request=None)
    @extend_schema(methods=["POST"], request=ReviewSerializer, responses={201: ReviewSerializer})
    @action(detail=True, methods=["get", "post"])
    def reviews(self, request, id=None):
        if request.method == "GET":
            plan = self.get_object()
            self._log(plan, kind="plan_review")
            rows = (
                PlanReview.objects.filter(
                    plan__network=plan.network_id, plan__version__lte=plan.version
                )
                .select_related("plan", "reviewed_by")
                .prefetch_related("progress__goal")
            )
            return Response(ReviewSerializer(rows, many=True).data)
        plan = self._editable()
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        goals = {str(goal.uuid): goal for goal in plan.goals.all()}
        progress = {}
        for item in data.get("goals", []):
            goal = goals.get(str(item["goal"]))
            if goal is None:
                raise ValidationError({"goals": ["Give goals of this plan version."]})
            progress[goal] = (item["progress"], item.get("note", ""))
        review = services.record_review(
            plan,
            by=request.user,
            summary=data["summary"],
            next_review_date=data.get("next_review_date"),
            reviewed_on=data.get("reviewed_on"),
            progress=progress,
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    # --- PDF ---------------------------------------------------------------------------

    @extend_schema(methods=["POST"], request=None, responses={202: DocumentSerializer})
    @extend_schema(
        methods=["GET"],
        request=None,
        responses={(200, "application/pdf"): bytes, 202: DocumentSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def pdf(self, request, id=None):
        plan = self.get_object()
        if request.method == "POST":
            document = services.request_plan_pdf(plan, by=request.user)
            return Response(DocumentSerializer(document).data, status=status.HTTP_202_ACCEPTED)
        document = plan.documents.first()
        if document is None:
            raise Http404
        if document.status != PlanDocument.Status.READY:
            return Response(DocumentSerializer(document).data, status=status.HTTP_202_ACCEPTED)
        self._log(plan, action=AccessLog.Action.EXPORT, kind="service_plan_pdf")
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=f"palvelusuunnitelma-v{plan.version}.pdf",
            content_type="application/pdf",
        )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
