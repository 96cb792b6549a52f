from django.contrib import admin

from inbox.models import InboxItem


@admin.register(InboxItem)
class InboxItemAdmin(admin.ModelAdmin):
    """Kinds and dates only: the texts are shown to their recipient alone."""

    list_display = ["kind", "recipient", "created_at", "read_at", "done_at", "delivery"]
    list_filter = ["kind", "delivery"]
    fields = ("kind", "recipient", "created_at", "read_at", "done_at", "delivery", "emailed_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
