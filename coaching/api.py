"""The coaching API: serializers and viewsets calling the same access rules and services
as the pages.

    /api/v1/coaching/referrals/                       GET, POST (refer)
    /api/v1/coaching/referrals/{id}/                  GET
    /api/v1/coaching/referrals/{id}/take/             POST (a job coach of the team)
    /api/v1/coaching/referrals/{id}/transition/       POST {"status": "ended", ...}
    /api/v1/coaching/employer-contacts/               GET (?referral=), POST
    /api/v1/coaching/employer-contacts/{id}/          GET
    /api/v1/coaching/job-starts/                      GET (?referral=), POST
    /api/v1/coaching/job-starts/{id}/                 GET
    /api/v1/coaching/job-starts/{id}/end/             POST
    /api/v1/coaching/follow-along-notes/              GET (?referral=), POST
    /api/v1/coaching/follow-along-notes/{id}/         GET
    /api/v1/coaching/fidelity-reviews/                GET, POST
    /api/v1/coaching/fidelity-reviews/{id}/           GET

A record the user may not see is 404; one they see but may not change is 403; refused
moves and bad input are 400 with field errors. Every read of a client's data is in the
access log.
"""

import uuid as uuid_module
from collections import Counter

from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from clients.access import access_client
from clients.audit import AccessLoggingMixin, log_client_access
from clients.models import AccessLog
from coaching import services
from coaching.access import (
    can_end_referral,
    can_review_fidelity,
    can_write_referral,
    coaching_teams,
    employer_contacts_visible_to,
    employers_visible_to,
    fidelity_reviews_visible_to,
    follow_along_notes_visible_to,
    job_starts_visible_to,
    list_basis,
    records_visible_to,
    referral_basis,
    referrals_visible_to,
    writable_caseload,
)
from coaching.models import (
    FIDELITY_ITEMS,
    EmployerContact,
    EmployerContactPerson,
    FidelityReview,
    FollowAlongNote,
    JobStart,
    Referral,
)
from coordination.access import access_consultation, can_see_client_of

# A date or null, for the schema of the record fields a referrer does not see.
extend_schema_field_date = extend_schema_field(serializers.DateField(allow_null=True))

NOT_IN_CASELOAD = "This client is not in your caseload: choose one of your clients."


def _last_contact():
    return Subquery(
        EmployerContact.objects.filter(referral=OuterRef("pk"))
        .order_by("-contacted_on")
        .values("contacted_on")[:1]
    )


REFERRAL_FILTER = OpenApiParameter(
    "referral", OpenApiTypes.UUID, description="Only the records of this referral."
)


def _by_referral(request, queryset):
    """`?referral=<uuid>`: a malformed id is a 400, an unknown one an empty list."""
    value = request.query_params.get("referral")
    if not value:
        return queryset
    try:
        uuid_module.UUID(value)
    except ValueError:
        raise ValidationError({"referral": ["Not a valid id."]}) from None
    return queryset.filter(referral__uuid=value)


class ClientNameSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class NamedOrganizationSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    name = serializers.CharField()


# --- Referrals -------------------------------------------------------------------------


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
                last_contact_on=_last_contact(),
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
        plan_action = consultation = None
        try:
            if data.get("plan_action"):
                from serviceplans.access import access_action

                plan_action = access_action(user, data["plan_action"])
                client = plan_action.plan.client
            elif data.get("consultation"):
                consultation = access_consultation(user, data["consultation"])
                if not can_see_client_of(user, consultation):
                    raise Http404
                client = consultation.client
            else:
                client = access_client(user, data["client"])
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


# --- Records inside a referral ---------------------------------------------------------


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
        return _by_referral(self.request, super().filter_queryset(queryset))

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


# --- Fidelity reviews ------------------------------------------------------------------

ITEM_NAMES = dict(FIDELITY_ITEMS)


class ItemScoreSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    score = serializers.IntegerField()


class ItemScoreOutSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    score = serializers.IntegerField()

    def get_name(self, row) -> str:
        return str(ITEM_NAMES.get(row.item, ""))


class FidelityReviewSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    team = NamedOrganizationSerializer(read_only=True)
    reviewed_by = serializers.StringRelatedField()
    band = serializers.CharField(read_only=True)
    band_label = serializers.CharField(source="get_band_display", read_only=True)
    scores = ItemScoreOutSerializer(many=True, read_only=True)

    class Meta:
        model = FidelityReview
        fields = [
            "id",
            "team",
            "reviewed_on",
            "reviewed_by",
            "total",
            "band",
            "band_label",
            "scores",
            "notes",
            "created_at",
        ]
        read_only_fields = fields


class FidelityReviewCreateSerializer(serializers.Serializer):
    """All 25 items of the IPS Fidelity Scale, each scored 1–5."""

    team = serializers.UUIDField()
    reviewed_on = serializers.DateField()
    scores = ItemScoreSerializer(many=True)
    notes = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class FidelityReviewViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Fidelity reviews carry no client data: no access log."""

    queryset = FidelityReview.objects.none()
    serializer_class = FidelityReviewSerializer
    lookup_field = "uuid"
    lookup_url_kwarg = "id"
    http_method_names = ["get", "post", "head", "options"]
    permission_classes = [permissions.IsAuthenticated]

    def reshape_field_errors(self, errors: dict) -> dict:
        """The service's errors of one item (`item_3`) are the API's `scores` errors."""
        scores = {k: v for k, v in errors.items() if k.startswith("item_") or k == "scores"}
        other = {k: v for k, v in errors.items() if k not in scores}
        if scores:
            other["scores"] = [
                message if key == "scores" else f"Item {key.removeprefix('item_')}: {message}"
                for key, messages in sorted(scores.items())
                for message in messages
            ]
        return other

    def get_queryset(self):
        return (
            fidelity_reviews_visible_to(self.request.user)
            .select_related("team", "reviewed_by")
            .prefetch_related("scores")
            .order_by("team__name", "-reviewed_on", "-pk")
        )

    @extend_schema(
        request=FidelityReviewCreateSerializer, responses={201: FidelityReviewSerializer}
    )
    def create(self, request):
        user = request.user
        if not can_review_fidelity(user):
            raise PermissionDenied
        serializer = FidelityReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        team = coaching_teams().filter(uuid=data["team"]).first()
        if team is None:
            raise ValidationError({"team": ["Choose one of the job coaching teams."]})
        if not can_review_fidelity(user, team):
            raise ValidationError({"team": ["You can review only your own team."]})
        counts = Counter(row["item"] for row in data["scores"])
        twice = sorted(item for item, count in counts.items() if count > 1)
        if twice:
            raise ValidationError(
                {"scores": [f"Item {item} is scored more than once." for item in twice]}
            )
        review = services.save_fidelity_review(
            by=user,
            team=team,
            reviewed_on=data["reviewed_on"],
            scores={row["item"]: row["score"] for row in data["scores"]},
            notes=data.get("notes", ""),
        )
        review = self.get_queryset().get(pk=review.pk)
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)


__all__ = [
    "EmployerContactViewSet",
    "FidelityReviewViewSet",
    "FollowAlongNoteViewSet",
    "JobStartViewSet",
    "ReferralViewSet",
]
