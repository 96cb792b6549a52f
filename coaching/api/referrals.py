"""Referrals: refer a client, take a referral, end the coaching."""

from django.db.models import Exists, OuterRef
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from clients.audit import AccessLoggingMixin, log_client_access
from clients.models import AccessLog
from coaching import services
from coaching.access import (
    can_end_referral,
    coaching_teams,
    last_contact_on,
    list_basis,
    records_visible_to,
    referral_basis,
    referral_subject,
    referrals_visible_to,
)
from coaching.api.base import (
    ClientNameSerializer,
    NamedOrganizationSerializer,
    extend_schema_field_date,
)
from coaching.models import Referral


class ReferralSerializer(serializers.ModelSerializer):
    """A referral; the record fields (benefits counselling, the last employer contact)
    are null for a referrer who sees the status only (`record_visible` false)."""

    id = serializers.UUIDField(source="uuid", read_only=True)
    client = ClientNameSerializer(read_only=True)
    team = NamedOrganizationSerializer(read_only=True, allow_null=True)
    coach = serializers.StringRelatedField(allow_null=True)
    referred_by = serializers.StringRelatedField(allow_null=True)
    plan_action = serializers.SlugRelatedField(slug_field="uuid", read_only=True, allow_null=True)
    consultation = serializers.SlugRelatedField(slug_field="uuid", read_only=True, allow_null=True)
    # Blank until the coaching ends: declared, because a read-only model field loses
    # allow_blank and the schema would then not allow "" (schemathesis found it).
    end_reason = serializers.ChoiceField(
        choices=Referral.EndReason.choices, allow_blank=True, read_only=True
    )
    record_visible = serializers.SerializerMethodField()
    benefits_counselling_on = serializers.SerializerMethodField()
    last_employer_contact_on = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "client",
            "team",
            "coach",
            "source",
            "referred_by",
            "plan_action",
            "consultation",
            "status",
            "referred_on",
            "taken_on",
            "ended_on",
            "end_reason",
            "record_visible",
            "benefits_counselling_on",
            "last_employer_contact_on",
        ]
        read_only_fields = fields

    def _visible(self, referral) -> bool:
        # Annotated by the viewset's queryset (one EXISTS per row, in the same query).
        return bool(getattr(referral, "record_visible", False))

    def get_record_visible(self, referral) -> bool:
        return self._visible(referral)

    @extend_schema_field_date
    def get_benefits_counselling_on(self, referral):
        return referral.benefits_counselling_on if self._visible(referral) else None

    @extend_schema_field_date
    def get_last_employer_contact_on(self, referral):
        if not self._visible(referral):
            return None
        return getattr(referral, "last_contact_on", None)


class ReferralCreateSerializer(serializers.Serializer):
    """Refer a client: give exactly one of `client`, `plan_action` (an IPS job coaching
    action of the client's plan) or `consultation` (a request that asked for job
    coaching)."""

    client = serializers.UUIDField(required=False)
    plan_action = serializers.UUIDField(required=False)
    consultation = serializers.UUIDField(required=False)
    team = serializers.UUIDField()
    source = serializers.ChoiceField(choices=Referral.Source.choices)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    def validate(self, data):
        given = [key for key in ("client", "plan_action", "consultation") if data.get(key)]
        if len(given) != 1:
            raise ValidationError(
                {"non_field_errors": ["Give one of client, plan_action or consultation."]}
            )
        return data


class ReferralTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Referral.Status.ENDED])
    end_reason = serializers.ChoiceField(choices=Referral.EndReason.choices)
    ended_on = serializers.DateField(required=False)


class ReferralViewSet(
    AccessLoggingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Referral.objects.none()
    serializer_class = ReferralSerializer
    lookup_field = "uuid"
    lookup_url_kwarg = "id"
    http_method_names = ["get", "post", "head", "options"]
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status"]
    access_log_kind = "coaching_referral"

    def get_queryset(self):
        user = self.request.user
        return (
            referrals_visible_to(user)
            .select_related("client", "team", "coach", "referred_by", "plan_action", "consultation")
            .annotate(
                last_contact_on=last_contact_on(),
                record_visible=Exists(records_visible_to(user).filter(pk=OuterRef("pk"))),
            )
            .order_by("-referred_on", "-pk")
        )

    def access_log_clients(self, objects):
        return [referral.client for referral in objects]

    def access_log_basis(self):
        return list_basis(self.request.user)

    def _log(self, referral, action=AccessLog.Action.API):
        log_client_access(
            self.request,
            referral.client,
            action=action,
            kind=self.access_log_kind,
            basis=referral_basis(self.request.user, referral),
        )

    def _out(self, referral, code=status.HTTP_200_OK):
        fresh = self.get_queryset().filter(pk=referral.pk).first() or referral
        data = self.get_serializer(fresh).data
        return Response(data, status=code)

    def retrieve(self, request, *args, **kwargs):
        referral = self.get_object()
        self._log(referral)
        return Response(self.get_serializer(referral).data)

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer})
    def create(self, request):
        user = request.user
        if not (user.is_professional or user.is_coordinator):
            raise PermissionDenied
        serializer = ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            client, plan_action, consultation = referral_subject(
                user,
                plan_action=data.get("plan_action"),
                consultation=data.get("consultation"),
                client=data.get("client"),
            )
        except Http404:
            field = next(k for k in ("plan_action", "consultation", "client") if data.get(k))
            raise ValidationError({field: ["Not found."]}) from None
        team = coaching_teams().filter(uuid=data["team"]).first()
        if team is None:
            raise ValidationError({"team": ["Choose one of the job coaching teams."]})
        referral = services.refer(
            by=user,
            client=client,
            team=team,
            source=data["source"],
            plan_action=plan_action,
            consultation=consultation,
            notes=data.get("notes", ""),
        )
        return self._out(referral, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def take(self, request, id=None):
        referral = self.get_object()
        if not request.user.is_job_coach:
            raise PermissionDenied
        services.take_referral(referral, by=request.user)
        return self._out(referral)

    @extend_schema(request=ReferralTransitionSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, id=None):
        referral = self.get_object()
        if not can_end_referral(request.user, referral) and referral.is_open:
            raise PermissionDenied
        serializer = ReferralTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.end_referral(
            referral,
            by=request.user,
            reason=data["end_reason"],
            ended_on=data.get("ended_on"),
        )
        return self._out(referral)
