from django.contrib import admin

from clients.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Administrators review who read what; the log itself cannot be changed."""

    list_display = ["at", "user", "action", "basis", "object_kind", "ip_address"]
    list_filter = ["action", "basis", "object_kind"]
    list_select_related = ["user"]
    date_hierarchy = "at"
    # The client is shown by its uuid only: the log reviewer sees no names.
    fields = ["at", "user", "client_ref", "action", "basis", "ip_address", "path", "object_kind"]
    readonly_fields = fields

    @admin.display(description="client")
    def client_ref(self, obj):
        return obj.client.uuid

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
