"""The hub's API: serializers and viewsets that call the same access rules as the pages."""

from rest_framework import serializers, viewsets

from coordination.access import organizations_visible_to
from coordination.models import Organization


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

    def get_queryset(self):
        return organizations_visible_to(self.request.user)
