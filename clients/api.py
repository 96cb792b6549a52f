"""The clients API: serializers and viewsets calling the same access rules and services as
the pages. Lists show the identity code masked; every read is in the access log."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from clients import services
from clients.access import can_record_consent, can_withdraw_consent, clients_visible_to
from clients.audit import AccessLoggingMixin, log_client_access
from clients.models import (
    AccessLog,
    Client,
    Consent,
    WorkAbilityAssessment,
    normalize_identity_code,
)
from common.locking import required_lock_version
from coordination.models import Organization


class ClientListSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    personal_identity_code = serializers.CharField(source="masked_identity_code", read_only=True)
    # Blank when not known: declared, because a read-only model field loses allow_blank
    # and the schema would not allow "" (schemathesis found it).
    life_situation = serializers.ChoiceField(
        choices=Client.LifeSituation.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Client
        fields = [
            "id",
            "first_name",
            "last_name",
            "personal_identity_code",
            "date_of_birth",
            "municipality",
            "language",
            "life_situation",
            "target_groups",
        ]
        read_only_fields = fields


class ClientSerializer(serializers.ModelSerializer):
    """Detail, create and update: the full code, for those who may see the client."""

    id = serializers.UUIDField(source="uuid", read_only=True)
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=Client.TargetGroup.choices),
        required=False,
    )
    # The details' lock_version as read: required to change them (as for plans); a stale
    # one is 409. Ignored when a client is created.
    lock_version = serializers.IntegerField(min_value=0, required=False)

    class Meta:
        model = Client
        fields = [
            "id",
            "lock_version",
            "first_name",
            "last_name",
            "personal_identity_code",
            "date_of_birth",
            "municipality",
            "phone",
            "email",
            "address",
            "language",
            "life_situation",
            "target_groups",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        # Model validation (code, birth date, uniqueness) runs in the service, once.
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.validators = [
                v for v in field.validators if not v.__class__.__name__.startswith("Unique")
            ]
        return fields

    def validate_personal_identity_code(self, value):
        return normalize_identity_code(value)

    def create(self, validated_data):
        validated_data.pop("lock_version", None)
        return services.create_client(by=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        lock_version = validated_data.pop("lock_version", None)
        if lock_version is None:
            raise required_lock_version()
        return services.update_client(
            instance,
            by=self.context["request"].user,
            lock_version=lock_version,
            **validated_data,
        )


class ConsentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    organizations = serializers.SlugRelatedField(
        slug_field="uuid",
        many=True,
        queryset=Organization.objects.filter(active=True),
        required=False,
    )
    recorded_by = serializers.StringRelatedField(read_only=True)
    is_valid = serializers.BooleanField(read_only=True)

    class Meta:
        model = Consent
        fields = [
            "id",
            "scope",
            "organizations",
            "method",
            "given_at",
            "recorded_by",
            "valid_until",
            "withdrawn_at",
            "withdrawn_on",
            "withdrawal_channel",
            "withdrawal_reported_by",
            "is_valid",
        ]
        read_only_fields = [
            "given_at",
            "withdrawn_at",
            "withdrawn_on",
            "withdrawal_channel",
            "withdrawal_reported_by",
        ]


class ConsentWithdrawalSerializer(serializers.Serializer):
    """What a withdrawal must say, as on the page: the day, the channel, who withdrew."""

    withdrawn_on = serializers.DateField()
    withdrawal_channel = serializers.ChoiceField(choices=Consent.WithdrawalChannel.choices)
    withdrawal_reported_by = serializers.ChoiceField(choices=Consent.ReportedBy.choices)


# The work-ability assessments
class AssessmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    assessed_by = serializers.StringRelatedField(read_only=True)
    band = serializers.CharField(read_only=True)

    class Meta:
        model = WorkAbilityAssessment
        fields = [
            "id",
            "assessed_on",
            "assessed_by",
            "kind",
            "score",
            "band",
            "physical_functioning",
            "mental_wellbeing",
            "social_participation",
            "competence",
            "everyday_coping",
            "motivation_values",
            "work_environment",
            "narrative",
        ]
        read_only_fields = ["id", "assessed_by", "band"]
        extra_kwargs = {"assessed_on": {"required": False}}


class IsCoordinatorToWrite(permissions.BasePermission):
    """Professionals read the clients of their networks; only the hub's coordinators
    create or change client records through the API (a professional names a person in a
    consultation request, which never tells whether the hub knows them). Assessments of a
    client the user sees are recorded by professionals too; consents follow
    `can_record_consent`, asked by the action itself."""

    OPEN_ACTIONS = ("consents", "consent_withdraw", "assessments")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or view.action in self.OPEN_ACTIONS:
            return True
        if getattr(view, "detail", False):
            # A change to one client: the client is looked up first, so that one the
            # user may not see is 404 (as everywhere), and one they see but may not
            # change is 403 (has_object_permission).
            return True
        return bool(request.user.is_coordinator)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS or view.action in self.OPEN_ACTIONS:
            return True
        return bool(request.user.is_coordinator)


class ClientViewSet(
    AccessLoggingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Client.objects.none()
    lookup_field = "uuid"
    lookup_url_kwarg = "id"
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [permissions.IsAuthenticated, IsCoordinatorToWrite]
    filterset_fields = ["municipality", "language", "life_situation"]

    def get_queryset(self):
        return clients_visible_to(self.request.user).order_by("last_name", "first_name", "pk")

    def get_serializer_class(self):
        if self.action == "list":
            return ClientListSerializer
        if self.action == "consents":
            return ConsentSerializer
        if self.action == "consent_withdraw":
            return ConsentWithdrawalSerializer
        return ClientSerializer

    def perform_create(self, serializer):
        client = serializer.save()
        log_client_access(self.request, client, action=AccessLog.Action.CREATE)

    def perform_update(self, serializer):
        client = serializer.save()
        log_client_access(self.request, client, action=AccessLog.Action.UPDATE)

    @extend_schema(responses=ConsentSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def consents(self, request, id=None):
        client = self.get_object()
        if request.method == "GET":
            log_client_access(request, client, action=AccessLog.Action.API, kind="consent")
            consents = client.consents.select_related("recorded_by").prefetch_related(
                "organizations"
            )
            return Response(ConsentSerializer(consents, many=True).data)
        # The page's rule, asked before the input is read: a member of the client's
        # network sees the consents but records none (a 403, as for other refused
        # changes to something the user sees).
        scope = request.data.get("scope") if hasattr(request.data, "get") else None
        if not can_record_consent(request.user, client, scope):
            raise PermissionDenied
        serializer = ConsentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        consent = services.record_consent(
            client,
            by=request.user,
            scope=data["scope"],
            method=data["method"],
            organizations=data.get("organizations", []),
            valid_until=data.get("valid_until"),
        )
        log_client_access(request, client, action=AccessLog.Action.CREATE, kind="consent")
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConsentWithdrawalSerializer, responses=ConsentSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"consents/(?P<consent_id>[0-9a-fA-F-]{36})/withdraw",
        url_name="consent-withdraw",
    )
    def consent_withdraw(self, request, id=None, consent_id=None):
        """Record the withdrawal of one of the client's consents (400 with field errors
        without the day, the channel or who withdrew it)."""
        client = self.get_object()
        consent = client.consents.filter(uuid=consent_id).first()
        if consent is None or not can_withdraw_consent(request.user, consent):
            raise NotFound
        serializer = ConsentWithdrawalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        consent = services.withdraw_consent(
            consent,
            by=request.user,
            withdrawn_on=data["withdrawn_on"],
            channel=data["withdrawal_channel"],
            reported_by=data["withdrawal_reported_by"],
        )
        log_client_access(request, client, action=AccessLog.Action.UPDATE, kind="consent")
        return Response(ConsentSerializer(consent).data)

    # --- The work-ability assessments
    @extend_schema(methods=["GET"], responses=AssessmentSerializer(many=True), request=None)
    @extend_schema(
        methods=["POST"], request=AssessmentSerializer, responses={201: AssessmentSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def assessments(self, request, id=None):
        """GET the client's work-ability assessments, newest first; POST records one."""
        client = self.get_object()
        if request.method == "GET":
            log_client_access(request, client, action=AccessLog.Action.API, kind="assessment")
            rows = client.assessments.select_related("assessed_by")
            return Response(AssessmentSerializer(rows, many=True).data)
        serializer = AssessmentSerializer(data=request.data)
        # The ranges are the service's to check, so that the API and the page say the same.
        serializer.fields["score"].validators = []
        serializer.is_valid(raise_exception=True)
        assessment = services.record_assessment(
            client, by=request.user, **serializer.validated_data
        )
        log_client_access(request, client, action=AccessLog.Action.CREATE, kind="assessment")
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)
