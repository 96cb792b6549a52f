from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from coordination.models import ConsultationRequest, Organization, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "is_hub", "active"]
    list_filter = ["kind", "is_hub", "active", "municipality"]
    search_fields = ["name", "municipality"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "organization", "role", "is_active"]
    list_filter = ["role", "organization", "is_active", "is_staff"]
    list_select_related = ["organization"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Work"), {"fields": ("organization", "role", "title", "phone", "language")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (
            _("Work"),
            {"fields": ("first_name", "last_name", "email", "organization", "role", "title")},
        ),
    )


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin):
    """Read-only: requests change through the service functions, never by hand here."""

    list_display = ["reference", "status", "urgency", "requesting_organization", "submitted_at"]
    list_filter = ["status", "urgency", "anonymous"]
    list_select_related = ["requesting_organization"]
    search_fields = ["reference"]
    # No client fields: the admin is for administrators, who see no client content.
    fields = ["reference", "status", "urgency", "channel", "anonymous", "submitted_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
