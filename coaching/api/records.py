"""The records inside a referral: employer contacts, job starts, follow-along notes."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from clients.audit import AccessLoggingMixin, log_client_access
from clients.models import AccessLog
from coaching import services
from coaching.access import (
    can_write_referral,
    employer_contacts_visible_to,
    employers_visible_to,
    follow_along_notes_visible_to,
    job_starts_visible_to,
    list_basis,
    records_visible_to,
    referral_basis,
    writable_caseload,
)
from coaching.api.base import (
    NOT_IN_CASELOAD,
    REFERRAL_FILTER,
    ClientNameSerializer,
    NamedOrganizationSerializer,
    by_referral,
)
from coaching.models import EmployerContact, EmployerContactPerson, FollowAlongNote, JobStart


class RecordViewSetMixin(AccessLoggingMixin):
    """List (with `?referral=`), read and create the rows of a referral's record."""

    lookup_field = "uuid"
    lookup_url_kwarg = "id"
    http_method_names = ["get", "post", "head", "options"]
    permission_classes = [permissions.IsAuthenticated]

    def access_log_clients(self, objects):
        return [row.referral.client for row in objects]

    def access_log_basis(self):
        return list_basis(self.request.user)

    def filter_queryset(self, queryset):
        return by_referral(self.request, super().filter_queryset(queryset))

    def retrieve(self, request, *args, **kwargs):
        row = self.get_object()
        log_client_access(
            request,
            row.referral.client,
            action=AccessLog.Action.API,
            kind=self.access_log_kind,
            basis=referral_basis(request.user, row.referral),
        )
        return Response(self.get_serializer(row).data)

    def _writable_referral(self, referral_id):
        """The referral to write to; 400 on the field when it is not the user's."""
        user = self.request.user
        if not (user.is_job_coach or user.is_coordinator):
            raise PermissionDenied
        referral = (
            records_visible_to(user).select_related("client").filter(uuid=referral_id).first()
        )
        if referral is None or not can_write_referral(user, referral):
            raise ValidationError({"referral": [NOT_IN_CASELOAD]})
        return referral


class EmployerContactSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    referral = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    client = ClientNameSerializer(source="referral.client", read_only=True)
    employer = NamedOrganizationSerializer(read_only=True)
    contact_person = serializers.SlugRelatedField(
        slug_field="uuid", read_only=True, allow_null=True
    )
    coach = serializers.StringRelatedField()

    class Meta:
        model = EmployerContact
        fields = [
            "id",
            "referral",
            "client",
            "employer",
            "contact_person",
            "coach",
            "contacted_on",
            "kind",
            "outcome",
            "hidden_job",
            "notes",
            "created_at",
        ]
        read_only_fields = fields


class EmployerContactCreateSerializer(serializers.Serializer):
    referral = serializers.UUIDField()
    employer = serializers.UUIDField()
    contact_person = serializers.UUIDField(required=False, allow_null=True)
    contacted_on = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=EmployerContact.Kind.choices)
    outcome = serializers.ChoiceField(choices=EmployerContact.Outcome.choices)
    hidden_job = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)


@extend_schema_view(list=extend_schema(parameters=[REFERRAL_FILTER]))
class EmployerContactViewSet(
    RecordViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = EmployerContact.objects.none()
    serializer_class = EmployerContactSerializer
    access_log_kind = "employer_contact"

    def get_queryset(self):
        return (
            employer_contacts_visible_to(self.request.user)
            .select_related("referral", "referral__client", "employer", "contact_person", "coach")
            .order_by("-contacted_on", "-pk")
        )

    @extend_schema(
        request=EmployerContactCreateSerializer, responses={201: EmployerContactSerializer}
    )
    def create(self, request):
        serializer = EmployerContactCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        referral = self._writable_referral(data["referral"])
        if not writable_caseload(request.user).filter(pk=referral.pk).exists():
            raise ValidationError({"referral": [NOT_IN_CASELOAD]})
        employer = employers_visible_to(request.user).filter(uuid=data["employer"]).first()
        if employer is None:
            raise ValidationError({"employer": ["Choose an employer."]})
        person = None
        if data.get("contact_person"):
            person = EmployerContactPerson.objects.filter(
                uuid=data["contact_person"], organization=employer
            ).first()
            if person is None:
                raise ValidationError(
                    {"contact_person": ["Choose a contact person of this employer."]}
                )
        contact = services.record_employer_contact(
            referral,
            by=request.user,
            employer=employer,
            contact_person=person,
            contacted_on=data.get("contacted_on"),
            kind=data["kind"],
            outcome=data["outcome"],
            hidden_job=data.get("hidden_job", False),
            notes=data.get("notes", ""),
        )
        contact = self.get_queryset().get(pk=contact.pk)
        return Response(self.get_serializer(contact).data, status=status.HTTP_201_CREATED)


class JobStartSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    referral = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    client = ClientNameSerializer(source="referral.client", read_only=True)
    employer = NamedOrganizationSerializer(read_only=True)
    # Blank while the job goes on (see ReferralSerializer.end_reason).
    end_reason = serializers.ChoiceField(
        choices=JobStart.EndReason.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = JobStart
        fields = [
            "id",
            "referral",
            "client",
            "employer",
            "job_title",
            "started_on",
            "hours_per_week",
            "open_labour_market",
            "wage_subsidy",
            "modifications",
            "ended_on",
            "end_reason",
            "created_at",
        ]
        read_only_fields = fields


class JobStartCreateSerializer(serializers.Serializer):
    referral = serializers.UUIDField()
    employer = serializers.UUIDField()
    job_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    started_on = serializers.DateField()
    # Checked by the service (more than zero, at most 80), with a readable message.
    hours_per_week = serializers.DecimalField(max_digits=6, decimal_places=2)
    open_labour_market = serializers.BooleanField(required=False, default=True)
    wage_subsidy = serializers.BooleanField(required=False, default=False)
    modifications = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class JobEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField()
    end_reason = serializers.ChoiceField(choices=JobStart.EndReason.choices)


@extend_schema_view(list=extend_schema(parameters=[REFERRAL_FILTER]))
class JobStartViewSet(
    RecordViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = JobStart.objects.none()
    serializer_class = JobStartSerializer
    access_log_kind = "job_start"

    def get_queryset(self):
        return (
            job_starts_visible_to(self.request.user)
            .select_related("referral", "referral__client", "employer")
            .order_by("-started_on", "-pk")
        )

    @extend_schema(request=JobStartCreateSerializer, responses={201: JobStartSerializer})
    def create(self, request):
        serializer = JobStartCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        referral = self._writable_referral(data.pop("referral"))
        employer = employers_visible_to(request.user).filter(uuid=data.pop("employer")).first()
        if employer is None:
            raise ValidationError({"employer": ["Choose an employer."]})
        job = services.record_job_start(referral, by=request.user, employer=employer, **data)
        job = self.get_queryset().get(pk=job.pk)
        return Response(self.get_serializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=JobEndSerializer, responses=JobStartSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, id=None):
        job = self.get_object()
        if not can_write_referral(request.user, job.referral):
            raise PermissionDenied
        serializer = JobEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.end_job(job, by=request.user, **serializer.validated_data)
        job = self.get_queryset().get(pk=job.pk)
        return Response(self.get_serializer(job).data)


class FollowAlongNoteSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    referral = serializers.SlugRelatedField(slug_field="uuid", read_only=True)
    job_start = serializers.SlugRelatedField(slug_field="uuid", read_only=True, allow_null=True)
    author = serializers.StringRelatedField()

    class Meta:
        model = FollowAlongNote
        fields = ["id", "referral", "job_start", "written_on", "author", "text", "created_at"]
        read_only_fields = fields


class FollowAlongNoteCreateSerializer(serializers.Serializer):
    referral = serializers.UUIDField()
    job_start = serializers.UUIDField(required=False, allow_null=True)
    written_on = serializers.DateField(required=False)
    text = serializers.CharField(max_length=10000)


@extend_schema_view(list=extend_schema(parameters=[REFERRAL_FILTER]))
class FollowAlongNoteViewSet(
    RecordViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = FollowAlongNote.objects.none()
    serializer_class = FollowAlongNoteSerializer
    access_log_kind = "follow_along_note"

    def get_queryset(self):
        return (
            follow_along_notes_visible_to(self.request.user)
            .select_related("referral", "referral__client", "job_start", "author")
            .order_by("-written_on", "-pk")
        )

    @extend_schema(
        request=FollowAlongNoteCreateSerializer, responses={201: FollowAlongNoteSerializer}
    )
    def create(self, request):
        serializer = FollowAlongNoteCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        referral = self._writable_referral(data["referral"])
        job = None
        if data.get("job_start"):
            job = referral.job_starts.filter(uuid=data["job_start"]).first()
            if job is None:
                raise ValidationError({"job_start": ["The job is not this client's."]})
        note = services.add_follow_along_note(
            referral,
            by=request.user,
            text=data["text"],
            written_on=data.get("written_on"),
            job_start=job,
        )
        note = self.get_queryset().get(pk=note.pk)
        return Response(self.get_serializer(note).data, status=status.HTTP_201_CREATED)
