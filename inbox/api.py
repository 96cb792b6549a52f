"""The inbox as JSON: the user's own items, and marking one read or done. Anyone else's
item is 404, as on the page."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from inbox import services
from inbox.models import InboxItem


class InboxItemSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = InboxItem
        fields = [
            "id",
            "kind",
            "kind_label",
            "text",
            "url",
            "due_date",
            "created_at",
            "read_at",
            "done_at",
        ]
        read_only_fields = fields


class InboxItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InboxItemSerializer
    queryset = InboxItem.objects.none()
    lookup_field = "uuid"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        show = self.request.query_params.get("show", "all")
        return services.listed(self.request.user, show if show in services.FILTERS else "all")

    def get_object(self):
        # Read and done items alike: the filter of the list does not hide one from here.
        item = services.items_of(self.request.user).filter(uuid=self.kwargs["id"]).first()
        if item is None:
            raise Http404
        return item

    @extend_schema(request=None, responses=InboxItemSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, id=None):
        return Response(self.get_serializer(services.mark_read(self.get_object())).data)

    @extend_schema(request=None, responses=InboxItemSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, id=None):
        return Response(self.get_serializer(services.mark_done(self.get_object())).data)
