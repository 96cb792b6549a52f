"""The log of the clients' links for administrators: what happened to which link and
when, read-only (no client data: a link is shown by its id, never by its client)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from voice.models import LinkEvent


@admin.register(LinkEvent)
class LinkEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "link_id_shown"]
    list_filter = ["kind"]
    date_hierarchy = "at"
    fields = ["at", "kind", "link_id_shown"]
    readonly_fields = ["at", "kind", "link_id_shown"]

    @admin.display(description=_("link"))
    def link_id_shown(self, obj: LinkEvent) -> str:
        return str(obj.link.uuid) if obj.link else "–"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("link")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
