from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from coordination.models import (
    ConsultationRequest,
    ExternalIdentity,
    Organization,
    SecurityEvent,
    User,
)
from coordination.security import (
    record_security_event,
    record_user_rights_change,
    user_rights,
)

# What only a superuser grants: the admin itself, and everything in it.
RIGHTS_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
# What nobody changes on their own account, superusers included: a second person decides.
OWN_ACCOUNT_FIELDS = ("role", "is_active", *RIGHTS_FIELDS)
RECENT_SECURITY_EVENTS = 10


def superusers_only(request) -> bool:
    """The Django admin is the superusers' tool. Administrators manage people and
    organisations on the service's own pages (people/), where the role decides what they
    may do, not model permissions."""
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = superusers_only  # type: ignore[method-assign]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "is_hub", "active"]
    list_filter = ["kind", "is_hub", "active", "municipality"]
    search_fields = ["name", "municipality"]


class ExternalIdentityInline(admin.TabularInline):
    """Links an existing account to its organisation sign-in (issuer and subject as the
    provider's ID token has them): the way a person who had a password account comes to
    sign in through their organisation, since sign-ins never match accounts by e-mail."""

    model = ExternalIdentity
    fields = ["provider", "issuer", "subject", "created_at", "last_login_at"]
    readonly_fields = ["created_at", "last_login_at"]
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [ExternalIdentityInline]
    list_display = ["username", "first_name", "last_name", "organization", "role", "is_active"]
    list_filter = ["role", "organization", "is_active", "is_staff"]
    list_select_related = ["organization"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Work"), {"fields": ("organization", "role", "title", "phone", "language")}),
        (_("Security log"), {"fields": ("security_events",)}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (
            _("Work"),
            {"fields": ("first_name", "last_name", "email", "organization", "role", "title")},
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # A read-only field is left out of the form, so a crafted POST of it changes nothing.
        fields = [*super().get_readonly_fields(request, obj), "security_events"]
        if obj is not None and obj.pk == request.user.pk:
            fields += OWN_ACCOUNT_FIELDS
        elif not request.user.is_superuser:
            fields += RIGHTS_FIELDS
        return fields

    def has_change_permission(self, request, obj=None):
        # Changing a superuser's password or activity is taking over the superuser.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The form has already changed `obj`; the database still has what was before.
        # Groups and permissions are saved after this, in save_related.
        form.rights_before = user_rights(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_user_rights_change(form.instance, form.rights_before, request=request)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is ExternalIdentity:
            for identity in formset.new_objects:
                record_security_event(
                    SecurityEvent.Kind.SSO_LINKED,
                    user=identity.user,
                    request=request,
                    details={
                        "provider": identity.provider,
                        "issuer": identity.issuer,
                        "subject": identity.subject,
                    },
                )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and isinstance(response, HttpResponseRedirect):
            user = self.get_object(request, unquote(id))
            record_security_event(SecurityEvent.Kind.PASSWORD_CHANGED, user=user, request=request)
        return response

    @admin.display(description=_("Recent events"))
    def security_events(self, obj):
        events = obj.security_events.select_related("actor")[:RECENT_SECURITY_EVENTS]
        rows = format_html_join(
            "",
            "<li>{} – {} ({})</li>",
            (
                (
                    date_format(localtime(event.at), "SHORT_DATETIME_FORMAT"),
                    event.get_kind_display(),
                    event.actor or "–",
                )
                for event in events
            ),
        )
        url = reverse("admin:coordination_securityevent_changelist")
        return format_html(
            '<ul>{}</ul><a href="{}?user__id__exact={}">{}</a>',
            rows or format_html("<li>{}</li>", _("No events.")),
            url,
            obj.pk,
            _("All security events of this user"),
        )


def may_read_security_log(user) -> bool:
    """Whoever may look at the user accounts in the admin may read what happened to them."""
    return user.is_active and user.is_staff and user.has_perm("coordination.view_user")


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security log: rows are only ever added, by the code that made the change."""

    list_display = ["at", "kind", "user", "actor", "ip_address", "details"]
    list_filter = ["kind", ("user", admin.RelatedOnlyFieldListFilter), "at"]
    list_select_related = ["user", "actor"]
    date_hierarchy = "at"
    search_fields = ["user__username", "actor__username"]
    fields = ["at", "kind", "user", "actor", "ip_address", "details"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return may_read_security_log(request.user)

    def has_view_permission(self, request, obj=None):
        return may_read_security_log(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Groups carry permissions: whoever edits a group grants its rights to its members.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


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
