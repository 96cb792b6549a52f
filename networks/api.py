"""The networks API: serializers and viewsets calling the same access rules and services as
the pages.

    /api/v1/networks/                              GET, POST
    /api/v1/networks/{id}/                         GET, PATCH (close with a reason)
    /api/v1/networks/{id}/members/                 GET, POST
    /api/v1/networks/{id}/members/{member_id}/     PATCH {"active": false} (the member leaves)
    /api/v1/networks/{id}/meetings/                GET, POST (schedule; `"status": "held"`
                                                   records one held today or earlier)
    /api/v1/networks/{id}/meetings/{meeting_id}/   PATCH (change, cancel, record minutes)

A network the user may not see is 404; one they see but may not change is 403; refused
moves and bad input are 400 with field errors. Every read is in the access log.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from clients.access import access_client
from clients.audit import AccessLoggingMixin, log_client_access
from clients.models import AccessLog, Consent
from common.locking import required_lock_version
from coordination.access import access_consultation
from coordination.models import Organization, User
from networks import services
from networks.access import (
    can_manage_meetings,
    can_manage_network,
    network_basis,
    networks_visible_to,
)
from networks.models import ClientNetwork, MeetingDecision, NetworkMeeting, NetworkMember


class NetworkClientSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    personal_identity_code = serializers.CharField(source="masked_identity_code")


class NetworkSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    client = NetworkClientSerializer(read_only=True)
    origin_consultation = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    coordinator = serializers.StringRelatedField()

    class Meta:
        model = ClientNetwork
        fields = [
            "id",
            "client",
            "origin_consultation",
            "coordinator",
            "status",
            "closure_reason",
            "closure_note",
            "opened_at",
            "closed_at",
        ]
        read_only_fields = fields


class NetworkConsentInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Consent.Method.choices)
    organizations = serializers.SlugRelatedField(
        slug_field="uuid", many=True, queryset=Organization.objects.filter(active=True)
    )
    valid_until = serializers.DateField(required=False, allow_null=True)


class NetworkCreateSerializer(serializers.Serializer):
    """Form a network from a consultation that needs one, or around a client."""

    consultation = serializers.UUIDField(required=False)
    client = serializers.UUIDField(required=False)
    consent = NetworkConsentInputSerializer(required=False)

    def validate(self, data):
        if bool(data.get("consultation")) == bool(data.get("client")):
            raise ValidationError({"non_field_errors": ["Give either a consultation or a client."]})
        return data


class NetworkCloseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[ClientNetwork.Status.CLOSED])
    closure_reason = serializers.ChoiceField(choices=ClientNetwork.ClosureReason.choices)
    closure_note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class MemberSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    user = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    organization = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    display_name = serializers.CharField(read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = NetworkMember
        fields = [
            "id",
            "user",
            "display_name",
            "organization",
            "name",
            "organization_name",
            "phone",
            "email",
            "role",
            "joined_at",
            "left_at",
            "active",
        ]
        read_only_fields = ["joined_at", "left_at"]
        # The database constraints are checked by the service, with readable messages.
        validators = []


class MemberUpdateSerializer(serializers.Serializer):
    active = serializers.BooleanField()
    # Why the member leaves: required with `active: false`.
    reason = serializers.CharField(max_length=2_000, required=False, allow_blank=True)

    def validate(self, data):
        if not data["active"] and not (data.get("reason") or "").strip():
            raise ValidationError({"reason": [_("Give the reason.")]})
        return data


class DecisionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    responsible = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=NetworkMember.objects.all(),
        required=False,
        allow_null=True,
    )

    class Meta:
        model = MeetingDecision
        fields = ["id", "text", "responsible", "due_date", "created_at"]
        read_only_fields = ["created_at"]


class MeetingSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    attendees = serializers.SlugRelatedField(slug_field="uuid", many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = NetworkMeeting
        fields = [
            "id",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "mode",
            "location",
            "video_link",
            "agenda",
            "status",
            "recorded_afterwards",
            "sequence",
            "ical_uid",
            "client_present",
            "minutes",
            "attendees",
            "decisions",
            "lock_version",
        ]
        read_only_fields = fields


class MeetingCreateSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(default=60)
    location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    video_link = serializers.URLField(max_length=500, required=False, allow_blank=True)
    agenda = serializers.CharField(max_length=10_000, required=False, allow_blank=True)


class MeetingNewSerializer(MeetingCreateSerializer):
    """Schedule a meeting (the members and the organiser are invited), or with
    `"status": "held"` record one held today or earlier (nobody is invited or reminded;
    `mode` is then required, and an in-person meeting needs its `location`). The minutes
    follow with PATCH."""

    status = serializers.ChoiceField(
        choices=[NetworkMeeting.Status.SCHEDULED, NetworkMeeting.Status.HELD],
        default=NetworkMeeting.Status.SCHEDULED,
        help_text="scheduled (default): a meeting ahead; held: one that took place.",
    )
    mode = serializers.ChoiceField(
        choices=NetworkMeeting.Mode.choices,
        required=False,
        help_text="How a held meeting was held; only with status held.",
    )

    def validate(self, data):
        if data.get("status") == NetworkMeeting.Status.HELD:
            if not data.get("mode"):
                raise ValidationError({"mode": ["Say how the meeting was held."]})
        elif "mode" in data:
            raise ValidationError({"mode": ["Only for a meeting recorded as held."]})
        return data


class MeetingUpdateSerializer(MeetingCreateSerializer):
    """Change the time, place or agenda; `status: "cancelled"` cancels; `minutes`,
    `attendees`, `client_present` and `decisions` record the meeting afterwards."""

    status = serializers.ChoiceField(choices=[NetworkMeeting.Status.CANCELLED], required=False)
    # Why the meeting is cancelled: required with `status: "cancelled"`.
    cancellation_reason = serializers.CharField(max_length=2_000, required=False, allow_blank=True)
    client_present = serializers.BooleanField(required=False, allow_null=True)
    minutes = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    attendees = serializers.ListField(child=serializers.UUIDField(), required=False)
    decisions = DecisionSerializer(many=True, required=False)
    # The meeting's lock_version as read: required for a change and for the minutes (a
    # stale one is 409), as for plans; cancelling needs none.
    lock_version = serializers.IntegerField(min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["duration_minutes"].default = serializers.empty


MINUTES_FIELDS = {"client_present", "minutes", "attendees", "decisions"}


class NetworkViewSet(
    AccessLoggingMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ClientNetwork.objects.none()
    serializer_class = NetworkSerializer
    lookup_field = "uuid"
    lookup_url_kwarg = "id"
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status"]
    access_log_kind = "network"

    def get_queryset(self):
        return (
            networks_visible_to(self.request.user)
            .select_related("client", "coordinator", "origin_consultation")
            .order_by("-opened_at", "pk")
        )

    def access_log_clients(self, objects):
        return [network.client for network in objects]

    def reshape_field_errors(self, errors: dict) -> dict:
        """close_network's `reason` and `note` are the API's closure fields."""
        renamed = {"reason": "closure_reason", "note": "closure_note"}
        return {renamed.get(field, field): messages for field, messages in errors.items()}

    def access_log_basis(self):
        return network_basis(self.request.user)

    def _log(self, network, action=AccessLog.Action.API, kind="network"):
        log_client_access(
            self.request,
            network.client,
            action=action,
            kind=kind,
            basis=network_basis(self.request.user),
        )

    @extend_schema(request=NetworkCreateSerializer, responses={201: NetworkSerializer})
    def create(self, request):
        if not request.user.is_coordinator:
            raise PermissionDenied
        serializer = NetworkCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        consultation = client = None
        try:
            if data.get("consultation"):
                consultation = access_consultation(request.user, data["consultation"])
            else:
                client = access_client(request.user, data["client"])
        except Http404:
            field = "consultation" if data.get("consultation") else "client"
            raise ValidationError({field: ["Not found."]}) from None
        consent = data.get("consent")
        if consent:
            consent = {**consent, "organizations": [o.pk for o in consent["organizations"]]}
        network = services.form_network(
            by=request.user, consultation=consultation, client=client, consent=consent
        )
        self._log(network, action=AccessLog.Action.CREATE)
        return Response(NetworkSerializer(network).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NetworkCloseSerializer, responses=NetworkSerializer)
    def partial_update(self, request, id=None):
        network = self.get_object()
        if not can_manage_network(request.user, network):
            raise PermissionDenied
        serializer = NetworkCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        network = services.close_network(
            network,
            by=request.user,
            reason=data["closure_reason"],
            note=data.get("closure_note", ""),
        )
        self._log(network, action=AccessLog.Action.UPDATE)
        return Response(NetworkSerializer(network).data)

    # --- Members -------------------------------------------------------------------------

    @extend_schema(methods=["GET"], responses=MemberSerializer(many=True), request=None)
    @extend_schema(methods=["POST"], request=MemberSerializer, responses={201: MemberSerializer})
    @action(detail=True, methods=["get", "post"])
    def members(self, request, id=None):
        network = self.get_object()
        if request.method == "GET":
            self._log(network, kind="network_member")
            members = network.members.select_related("user", "organization").order_by(
                "joined_at", "pk"
            )
            return Response(MemberSerializer(members, many=True).data)
        if not can_manage_network(request.user, network):
            raise PermissionDenied
        serializer = MemberSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member = services.add_network_member(network, by=request.user, **data)
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MemberUpdateSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["patch"], url_path=r"members/(?P<member_id>[0-9a-f-]{36})")
    def member(self, request, id=None, member_id=None):
        network = self.get_object()
        member = network.members.filter(uuid=member_id).first()
        if member is None:
            raise Http404
        if not can_manage_network(request.user, network):
            raise PermissionDenied
        serializer = MemberUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["active"]:
            if not member.is_active:
                raise ValidationError(
                    {"active": ["A member who has left rejoins as a new member (POST)."]}
                )
        else:
            member = services.remove_network_member(
                member, by=request.user, reason=serializer.validated_data["reason"]
            )
        return Response(MemberSerializer(member).data)

    # --- Meetings ------------------------------------------------------------------------

    def _meetings(self, network):
        return network.meetings.prefetch_related(
            Prefetch("attendees", queryset=NetworkMember.objects.only("uuid")),
            Prefetch(
                "decisions",
                queryset=MeetingDecision.objects.select_related("responsible"),
            ),
        ).order_by("starts_at", "pk")

    @extend_schema(methods=["GET"], responses=MeetingSerializer(many=True), request=None)
    @extend_schema(
        methods=["POST"], request=MeetingNewSerializer, responses={201: MeetingSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def meetings(self, request, id=None):
        network = self.get_object()
        if request.method == "GET":
            self._log(network, kind="network_meeting")
            return Response(MeetingSerializer(self._meetings(network), many=True).data)
        if not can_manage_meetings(request.user, network):
            raise PermissionDenied
        serializer = MeetingNewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.pop("status") == NetworkMeeting.Status.HELD:
            meeting = services.record_held_meeting(network, by=request.user, **data)
        else:
            meeting = services.schedule_meeting(network, by=request.user, **data)
        meeting = self._meetings(network).get(pk=meeting.pk)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeetingUpdateSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["patch"], url_path=r"meetings/(?P<meeting_id>[0-9a-f-]{36})")
    def meeting(self, request, id=None, meeting_id=None):
        network = self.get_object()
        meeting = network.meetings.filter(uuid=meeting_id).first()
        if meeting is None:
            raise Http404
        if not can_manage_meetings(request.user, network):
            raise PermissionDenied
        serializer = MeetingUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lock_version = data.pop("lock_version", None)
        cancel = data.pop("status", None) == NetworkMeeting.Status.CANCELLED
        reason = data.pop("cancellation_reason", "")
        if cancel and not reason.strip():
            raise ValidationError({"cancellation_reason": [_("Give the reason.")]})
        record = {name: data.pop(name) for name in list(data) if name in MINUTES_FIELDS}
        if (record or data) and lock_version is None:
            raise required_lock_version()
        if sum([cancel, bool(record), bool(data)]) > 1:
            raise ValidationError(
                {
                    "non_field_errors": [
                        "Change the meeting, cancel it, or record it: one at a time."
                    ]
                }
            )
        if cancel:
            services.cancel_meeting(meeting, by=request.user, reason=reason)
        elif record:
            attendees = list(network.members.filter(uuid__in=record.get("attendees", [])))
            if len(attendees) != len(set(record.get("attendees", []))):
                raise ValidationError(
                    {"attendees": ["Choose the attendees from the network's members."]}
                )
            services.record_meeting_minutes(
                meeting,
                by=request.user,
                attendees=attendees,
                client_present=record.get("client_present", meeting.client_present),
                minutes=record.get("minutes", meeting.minutes),
                decisions=record.get("decisions", []),
                lock_version=lock_version,
            )
        elif data:
            services.update_meeting(meeting, by=request.user, lock_version=lock_version, **data)
        meeting = self._meetings(network).get(pk=meeting.pk)
        return Response(MeetingSerializer(meeting).data)
