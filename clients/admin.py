from django.contrib import admin

from clients.models import AccessLog, AccessLogReview


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


@admin.register(AccessLogReview)
class AccessLogReviewAdmin(admin.ModelAdmin):
    """Who reviewed the access log, when, how and with which filters
    (uuids and values only). Append-only like the log."""

    list_display = ["at", "user", "action", "ip_address"]
    list_filter = ["action"]
    list_select_related = ["user"]
    date_hierarchy = "at"
    fields = ["at", "user", "action", "client_ref", "filters", "ip_address", "path"]
    readonly_fields = fields

    @admin.display(description="client")
    def client_ref(self, obj):
        return obj.client.uuid if obj.client_id else "–"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
