"""The hub's API: serializers and viewsets that call the same access rules and service
functions as the pages. A refused transition is a 400 with a readable message."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from clients.access import access_client
from clients.audit import AccessLoggingMixin, log_client_access
from clients.models import (
    AccessLog,
    Client,
    Consent,
    normalize_identity_code,
    validate_identity_code,
)
from common.locking import required_lock_version
from common.municipalities import municipality_choices
from coordination import services
from coordination.access import (
    can_see_client_as_sent,
    can_see_client_of,
    consultations_with_details,
    identity_match,
    organizations_visible_to,
    organizations_visible_to_programs,
)
from coordination.filters import ConsultationFilterSet
from coordination.integrations import has_scope
from coordination.models import (
    ConsultationAnswer,
    ConsultationMessage,
    ConsultationRequest,
    IntegrationCredential,
    Organization,
    User,
)

CR = ConsultationRequest


class OrganizationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "municipality", "is_hub", "active"]


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganizationSerializer
    queryset = Organization.objects.none()
    lookup_field = "uuid"
    filterset_fields = ["kind", "municipality", "is_hub"]
    # A metrics program needs the organisations to read the metrics by contact source.
    credential_scopes = (IntegrationCredential.Scope.METRICS_READ,)

    def get_queryset(self):
        if has_scope(self.request, IntegrationCredential.Scope.METRICS_READ):
            return organizations_visible_to_programs()
        return organizations_visible_to(self.request.user)


# --- Consultations ---------------------------------------------------------------------


class ClientSummarySerializer(serializers.Serializer):
    """The client as a consultation shows it: names and the masked code only. `id` is the
    client record's, for a coordinator; null for the requester, who is shown the client
    as they sent it."""

    id = serializers.UUIDField(source="uuid", allow_null=True)
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    personal_identity_code = serializers.CharField(source="masked_identity_code")
    municipality = serializers.CharField()


class IdentityMatchSerializer(serializers.Serializer):
    """The known client a request's identity code belongs to (coordinators only)."""

    id = serializers.UUIDField(source="uuid")
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class AnswerSerializer(serializers.ModelSerializer):
    answered_by = serializers.StringRelatedField()

    class Meta:
        model = ConsultationAnswer
        fields = ["advice", "recommended_services", "next_step", "answered_by", "answered_at"]


class ConsultationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    requester = serializers.StringRelatedField()
    requesting_organization = OrganizationSerializer()
    assigned_to = serializers.SlugRelatedField(slug_field="uuid", read_only=True, allow_null=True)
    # Declared, because read-only fields lose `allow_blank` and the schema would then
    # promise a value from the list where the answer may still be empty.
    outcome = serializers.ChoiceField(
        choices=ConsultationRequest.Outcome.choices, read_only=True, allow_blank=True
    )
    age_band = serializers.ChoiceField(
        choices=ConsultationRequest.AgeBand.choices, read_only=True, allow_blank=True
    )
    client = serializers.SerializerMethodField()
    awaiting_identification = serializers.SerializerMethodField()
    identity_match = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField()
    feedback_given = serializers.SerializerMethodField()

    class Meta:
        model = ConsultationRequest
        fields = [
            "id",
            "reference",
            "status",
            "urgency",
            "channel",
            "anonymous",
            "age_band",
            "municipality",
            "life_situation",
            "reasons",
            "asked",
            "description",
            "requester",
            "requesting_organization",
            "client",
            "awaiting_identification",
            "identity_match",
            "assigned_to",
            "submitted_at",
            "first_response_at",
            "closed_at",
            "outcome",
            "outcome_note",
            "answer",
            "feedback_given",
            "lock_version",
        ]
        read_only_fields = fields

    @extend_schema_field(ClientSummarySerializer(allow_null=True))
    def get_client(self, obj):
        user = self.context["request"].user
        if can_see_client_of(user, obj):
            return ClientSummarySerializer(obj.client).data
        if not can_see_client_as_sent(user, obj):
            return None
        # The same shape whether or not the hub knew the person: what was sent, no id.
        sent = obj.client_as_sent
        return {
            "id": None,
            "first_name": sent.first_name,
            "last_name": sent.last_name,
            "personal_identity_code": sent.masked_identity_code,
            "municipality": sent.municipality,
        }

    def get_awaiting_identification(self, obj) -> bool | None:
        """For coordinators; null for the requester, who is not told."""
        if not self.context["request"].user.is_coordinator:
            return None
        return obj.awaiting_identification

    @extend_schema_field(IdentityMatchSerializer(allow_null=True))
    def get_identity_match(self, obj):
        match = identity_match(self.context["request"].user, obj)
        return IdentityMatchSerializer(match).data if match is not None else None

    @extend_schema_field(AnswerSerializer(allow_null=True))
    def get_answer(self, obj):
        answer = getattr(obj, "answer", None)
        return AnswerSerializer(answer).data if answer is not None else None

    def get_feedback_given(self, obj) -> bool:
        return bool(obj.feedback.all())


def choice_list(choices):
    return serializers.ListField(child=serializers.ChoiceField(choices=choices), allow_empty=False)


class ClientInputSerializer(serializers.Serializer):
    personal_identity_code = serializers.CharField(
        max_length=11, required=False, allow_blank=True, allow_null=True
    )
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    municipality = serializers.ChoiceField(
        choices=municipality_choices(), required=False, allow_blank=True
    )
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Client.Language.choices, required=False)
    life_situation = serializers.ChoiceField(
        choices=Client.LifeSituation.choices, required=False, allow_blank=True
    )
    target_groups = choice_list(Client.TargetGroup.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].required = False
        self.fields["target_groups"].allow_empty = True

    def validate_personal_identity_code(self, value):
        # A Django ValidationError here is the field's error (DRF's to_internal_value).
        value = normalize_identity_code(value)
        validate_identity_code(value)
        return value


class ConsentInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Consent.Method.choices)
    valid_until = serializers.DateField(required=False, allow_null=True)


class ConsultationCreateSerializer(serializers.Serializer):
    """An identified request names a client the caller sees (`client_id`) or gives the
    client's details (`client`), and the consent for consultation (`consent`); an
    anonymous one gives neither. The answer shows the client as sent, the same whether or
    not the hub already knew the person."""

    anonymous = serializers.BooleanField()
    age_band = serializers.ChoiceField(choices=CR.AgeBand.choices, required=False)
    municipality = serializers.ChoiceField(
        choices=municipality_choices(), required=False, allow_blank=True
    )
    life_situation = serializers.ChoiceField(
        choices=Client.LifeSituation.choices, required=False, allow_blank=True
    )
    client_id = serializers.UUIDField(required=False)
    client = ClientInputSerializer(required=False)
    consent = ConsentInputSerializer(required=False)
    reasons = choice_list(CR.Reason.choices)
    asked = choice_list(CR.Asked.choices)
    urgency = serializers.ChoiceField(choices=CR.Urgency.choices, default=CR.Urgency.NORMAL)
    channel = serializers.ChoiceField(choices=CR.Channel.choices, default=CR.Channel.E_FORM)
    description = serializers.CharField(max_length=10_000)

    def validate(self, data):
        errors = {}
        if data["anonymous"]:
            for name in ("client_id", "client", "consent"):
                if data.get(name):
                    errors[name] = [_msg_anonymous()]
        else:
            if not data.get("client_id") and not data.get("client"):
                errors["client"] = [_msg_identify()]
            if not data.get("consent"):
                errors["consent"] = [_msg_consent()]
        if errors:
            raise ValidationError(errors)
        return data

    def create(self, validated_data):
        request = self.context["request"]
        data = dict(validated_data)
        consent = data.pop("consent", None) or {}
        client_id = data.pop("client_id", None)
        client_data = data.pop("client", None)
        client = access_client(request.user, client_id) if client_id else None
        if client_data is not None:
            client_data = dict(client_data)
            client_data.setdefault("personal_identity_code", None)
        return services.submit_consultation(
            requester=request.user,
            client=client,
            client_data=client_data,
            consent_method=consent.get("method"),
            consent_valid_until=consent.get("valid_until"),
            **data,
        )


def _msg_anonymous():
    return _("An anonymous request cannot name a client or carry a consent.")


def _msg_identify():
    return _("Identify the client (client_id or client), or send the request anonymously.")


def _msg_consent():
    return _("An identified request needs the client's consent for consultation.")


class ConsultationUpdateSerializer(serializers.Serializer):
    # The request's lock_version as read (required, as for plans): a stale one is 409.
    lock_version = serializers.IntegerField(min_value=0)
    urgency = serializers.ChoiceField(choices=CR.Urgency.choices, required=False)
    description = serializers.CharField(max_length=10_000, required=False)
    reasons = choice_list(CR.Reason.choices)
    asked = choice_list(CR.Asked.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reasons"].required = False
        self.fields["asked"].required = False


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=services.TRANSITIONS)
    assignee = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=User.objects.filter(role=User.Role.COORDINATOR, is_active=True),
        required=False,
    )
    urgency = serializers.ChoiceField(choices=CR.Urgency.choices, required=False)
    advice = serializers.CharField(max_length=10_000, required=False)
    recommended_services = serializers.CharField(max_length=5_000, required=False, allow_blank=True)
    next_step = serializers.CharField(max_length=2_000, required=False, allow_blank=True)
    outcome = serializers.ChoiceField(choices=CR.Outcome.choices, required=False)
    note = serializers.CharField(max_length=2_000, required=False, allow_blank=True)
    # Why the requester withdraws: required with "withdraw".
    reason = serializers.CharField(max_length=2_000, required=False, allow_blank=True)

    def validate(self, data):
        required = {
            "assign": ["assignee"],
            "answer": ["advice"],
            "close": ["outcome"],
            "withdraw": ["reason"],
        }
        missing = [name for name in required.get(data["action"], []) if not data.get(name)]
        if missing:
            raise ValidationError({name: [_("This field is required.")] for name in missing})
        return data


class MessageSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    author = serializers.StringRelatedField()
    organization = serializers.StringRelatedField()

    class Meta:
        model = ConsultationMessage
        fields = ["id", "kind", "author", "organization", "text", "sent_at"]
        read_only_fields = fields


class MessageInputSerializer(serializers.Serializer):
    # The limits are the service's, so that the API and the page say the same thing.
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class FeedbackSerializer(serializers.Serializer):
    usefulness = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=5_000, required=False, allow_blank=True)


class ConsultationViewSet(
    AccessLoggingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ConsultationRequest.objects.none()
    serializer_class = ConsultationSerializer
    lookup_field = "uuid"
    lookup_url_kwarg = "id"
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = ConsultationFilterSet
    access_log_kind = "consultation"
    # Where a refused move is reported (common.apierrors); `transition` names `action`.
    refusal_field = None

    def get_queryset(self):
        return (
            consultations_with_details(self.request.user)
            .prefetch_related("feedback")
            .order_by("submitted_at", "pk")
        )

    def access_log_basis(self):
        # A requester reads the client only as they sent it, on the basis of the request.
        return None if self.request.user.is_coordinator else AccessLog.Basis.CONSULTATION

    def access_log_clients(self, objects):
        user = self.request.user
        # The client as the requester sent them is still that client's data: logged too.
        return [
            c.client
            for c in objects
            if can_see_client_of(user, c) or (c.client_id and can_see_client_as_sent(user, c))
        ]

    def get_serializer_class(self):
        return {
            "create": ConsultationCreateSerializer,
            "partial_update": ConsultationUpdateSerializer,
            "transition": TransitionSerializer,
            "feedback": FeedbackSerializer,
            "messages": MessageInputSerializer,
        }.get(self.action, ConsultationSerializer)

    def _fresh(self, consultation):
        return self.get_queryset().get(pk=consultation.pk)

    @extend_schema(request=ConsultationCreateSerializer, responses={201: ConsultationSerializer})
    def create(self, request, *args, **kwargs):
        if not (request.user.is_professional or request.user.is_coordinator):
            raise PermissionDenied
        serializer = ConsultationCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        consultation = serializer.save()
        consultation = self._fresh(consultation)
        data = ConsultationSerializer(consultation, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConsultationUpdateSerializer, responses=ConsultationSerializer)
    def partial_update(self, request, *args, **kwargs):
        consultation = self.get_object()
        serializer = ConsultationUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "lock_version" not in serializer.validated_data:
            raise required_lock_version()
        services.update_consultation(consultation, by=request.user, **serializer.validated_data)
        consultation = self._fresh(consultation)
        return Response(ConsultationSerializer(consultation, context={"request": request}).data)

    @extend_schema(request=TransitionSerializer, responses=ConsultationSerializer)
    # A refused transition is an error of the `action` asked for.
    @action(detail=True, methods=["post"], refusal_field="action")
    def transition(self, request, id=None):
        consultation = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.transition_consultation(consultation, by=request.user, **serializer.validated_data)
        consultation = self._fresh(consultation)
        return Response(ConsultationSerializer(consultation, context={"request": request}).data)

    @extend_schema(request=FeedbackSerializer, responses={201: FeedbackSerializer})
    @action(detail=True, methods=["post"])
    def feedback(self, request, id=None):
        consultation = self.get_object()
        serializer = FeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = services.give_feedback(
            consultation, by=request.user, **serializer.validated_data
        )
        return Response(FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], request=None, responses=MessageSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=MessageInputSerializer, responses={201: MessageSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request, id=None):
        """The conversation on the request: the hub asks, the requester replies. The
        requester and the hub read it; posting is a reply from the requester and a
        question from a coordinator."""
        consultation = self.get_object()
        if request.method == "POST":
            serializer = MessageInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            message = services.post_consultation_message(
                consultation, by=request.user, text=serializer.validated_data["text"]
            )
            return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
        log_client_access(
            request,
            self.access_log_clients([consultation]),
            action=AccessLog.Action.API,
            kind=self.access_log_kind,
            basis=self.access_log_basis(),
        )
        rows = consultation.messages.select_related("author", "organization")
        return Response(MessageSerializer(rows, many=True).data)
