"""The admin shows coaching rows for support; rows with client data are read-only and show
the client by uuid only. Employers' contact persons and fidelity reviews (no client data)
can be edited by those with the permission."""

from django.contrib import admin

from coaching.models import (
    EmployerContact,
    EmployerContactPerson,
    FidelityItemScore,
    FidelityReview,
    FollowAlongNote,
    JobStart,
    Referral,
    VocationalProfile,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Client data: looked at, never changed, added or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "status", "source", "team", "coach", "referred_on", "ended_on"]
    list_filter = ["status", "source", "end_reason"]
    list_select_related = ["team", "coach"]
    date_hierarchy = "referred_on"
    fields = [
        "uuid",
        "client_ref",
        "team",
        "coach",
        "source",
        "status",
        "referred_on",
        "taken_on",
        "ended_on",
        "end_reason",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description="client")
    def client_ref(self, obj):
        return obj.client.uuid


@admin.register(VocationalProfile)
class VocationalProfileAdmin(ReadOnlyAdmin):
    list_display = ["referral", "agreed_with_client_on", "updated_at"]
    fields = ["referral", "agreed_with_client_on", "updated_at"]
    readonly_fields = fields


@admin.register(EmployerContact)
class EmployerContactAdmin(ReadOnlyAdmin):
    list_display = ["contacted_on", "employer", "coach", "kind", "outcome", "hidden_job"]
    list_filter = ["kind", "outcome", "hidden_job"]
    list_select_related = ["employer", "coach"]
    fields = ["uuid", "referral", "employer", "coach", "contacted_on", "kind", "outcome"]
    readonly_fields = fields


@admin.register(JobStart)
class JobStartAdmin(ReadOnlyAdmin):
    list_display = ["started_on", "employer", "hours_per_week", "open_labour_market", "ended_on"]
    list_filter = ["open_labour_market", "wage_subsidy", "end_reason"]
    list_select_related = ["employer"]
    fields = [
        "uuid",
        "referral",
        "employer",
        "started_on",
        "hours_per_week",
        "open_labour_market",
        "wage_subsidy",
        "ended_on",
        "end_reason",
    ]
    readonly_fields = fields


@admin.register(FollowAlongNote)
class FollowAlongNoteAdmin(ReadOnlyAdmin):
    list_display = ["written_on", "author", "referral"]
    fields = ["uuid", "referral", "written_on", "author"]
    readonly_fields = fields


@admin.register(EmployerContactPerson)
class EmployerContactPersonAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "organization", "phone", "email"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name"]


class FidelityItemScoreInline(admin.TabularInline):
    model = FidelityItemScore
    extra = 0
    can_delete = False
    readonly_fields = ["item", "score"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FidelityReview)
class FidelityReviewAdmin(admin.ModelAdmin):
    list_display = ["team", "reviewed_on", "total", "reviewed_by"]
    list_select_related = ["team", "reviewed_by"]
    readonly_fields = ["team", "reviewed_on", "reviewed_by", "total"]
    inlines = [FidelityItemScoreInline]

    def has_add_permission(self, request):
        # The 25 scores and the total are saved together by the service (the page).
        return False
