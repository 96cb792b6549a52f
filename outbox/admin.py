"""Outgoing e-mail for administrators: read-only, with filters to find what failed and a
"retry" action that queues it again."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from outbox.models import OutboxMessage
from outbox.services import retry_messages


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "subject", "state", "attempts", "sent_at")
    list_filter = ("state", "language", "created_at")
    search_fields = ("recipient", "subject", "message_id", "dedupe_key")
    date_hierarchy = "created_at"
    actions = ["retry"]
    # The texts are not shown: a body may carry a one-time link (a password reset) that
    # would let whoever reads it act as the recipient. Recipient, subject and the error
    # are what a failed delivery is diagnosed by.
    exclude = ("attachments", "body", "html_body")
    readonly_fields = (
        "recipient",
        "subject",
        "attachment_names",
        "language",
        "state",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_error",
        "created_at",
        "sent_at",
        "message_id",
        "dedupe_key",
    )

    @admin.display(description=_("attachments"))
    def attachment_names(self, message: OutboxMessage) -> str:
        return ", ".join(a["filename"] for a in message.attachments)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            # The list shows none of the texts: a page of invitations would otherwise
            # carry every .ics.
            queryset = queryset.defer("body", "html_body", "attachments")
        return queryset

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Retry the selected e-mails"), permissions=["change"])
    def retry(self, request, queryset) -> None:
        with transaction.atomic():
            count = retry_messages(queryset)
        self.message_user(
            request,
            ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
