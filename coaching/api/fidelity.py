"""The IPS fidelity reviews of the coaching teams (no client data: no access log)."""

from collections import Counter

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from coaching import services
from coaching.access import can_review_fidelity, coaching_teams, fidelity_reviews_visible_to
from coaching.api.base import NamedOrganizationSerializer
from coaching.models import FIDELITY_ITEMS, FidelityReview

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
