"""What happens in the inbox: announced items written in the announcer's transaction,
their immediate e-mails, reading and finishing them, preferences, and daily digests."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from common.inbox import Announcement, Kind
from coordination.models import User
from inbox import links
from inbox.models import Delivery, EmailPreference, InboxItem
from outbox import services as outbox
from outbox.models import OutboxMessage

# --- Receiving announcements -----------------------------------------------------------

# Kinds whose own app already e-mails the person (the meeting invitation, its update and
# its cancellation carry the calendar file): the inbox keeps the item and sends nothing,
# so that nothing arrives twice.
EMAILED_BY_THEIR_APP = frozenset({Kind.MEETING_INVITED, Kind.MEETING_MOVED, Kind.MEETING_CANCELLED})


def receive_one(sender, announcement: Announcement, **kwargs) -> None:
    write_items([announcement])


def receive_many(sender, announcements: list[Announcement], **kwargs) -> None:
    write_items(announcements)


def preferences_of(user_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    return {
        (user_id, kind): delivery
        for user_id, kind, delivery in EmailPreference.objects.filter(
            user_id__in=set(user_ids)
        ).values_list("user_id", "kind", "delivery")
    }


def _delivery(announcement: Announcement, preferences: dict[tuple[int, str], str]) -> str:
    if announcement.kind in EMAILED_BY_THEIR_APP:
        return Delivery.NONE
    return preferences.get((announcement.recipient_id, announcement.kind), Delivery.IMMEDIATELY)


def _item(announcement: Announcement, delivery: str, now) -> InboxItem:
    target = announcement.target
    return InboxItem(
        recipient_id=announcement.recipient_id,
        kind=announcement.kind,
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=target.pk,
        url=(announcement.url or links.url_for(target))[:300],
        key=announcement.key[:200],
        due_date=announcement.due_date,
        text=announcement.text,
        created_at=now,
        delivery=delivery,
    )


def write_items(announcements: list[Announcement]) -> int:
    """Write the items (INSERT … ON CONFLICT DO NOTHING on recipient, kind and key) and
    the immediate e-mails of the new ones, in the caller's transaction: a rolled-back
    change leaves neither, a repeated one leaves one of each. A constant number of
    queries for any number of announcements. Returns how many e-mails were written."""
    if not announcements:
        return 0
    now = timezone.now()
    with transaction.atomic():
        preferences = preferences_of(a.recipient_id for a in announcements)
        items = [_item(a, _delivery(a, preferences), now) for a in announcements]
        InboxItem.objects.bulk_create(items, ignore_conflicts=True)
        return _email_new_items({(a.recipient_id, str(a.kind), a.key[:200]) for a in announcements})


def _email_new_items(wanted: set[tuple[int, str, str]]) -> int:
    """The immediate e-mails of the items not yet e-mailed, claimed under a row lock so
    that two writers at once write each once."""
    candidates = (
        InboxItem.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            recipient_id__in={w[0] for w in wanted},
            kind__in={w[1] for w in wanted},
            key__in={w[2] for w in wanted},
            delivery=Delivery.IMMEDIATELY,
            emailed_at__isnull=True,
        )
        .select_related("recipient")
    )
    batch = [i for i in candidates if (i.recipient_id, i.kind, i.key) in wanted]
    if not batch:
        return 0
    emails = [
        _item_email(item) for item in batch if item.recipient.email and item.recipient.is_active
    ]
    outbox.queue_messages(emails)
    # When the e-mail was written to the outbox (or found to have nowhere to go).
    InboxItem.objects.filter(pk__in=[i.pk for i in batch]).update(emailed_at=timezone.now())
    return len(emails)


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _language(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def _item_email(item: InboxItem) -> outbox.Email:
    """The kind's text and a link through the inbox: no client data."""
    recipient = item.recipient
    context = {
        "recipient": recipient,
        "item": item,
        "url": site_url(reverse("inbox:open", args=[item.uuid])),
        "preferences_url": site_url(reverse("inbox:preferences")),
    }
    language = _language(recipient)
    with translation.override(language):
        subject = render_to_string("emails/inbox_item_subject.txt", context).strip()
        body = render_to_string("emails/inbox_item.txt", context)
    return outbox.Email(
        key=f"inbox:{item.pk}", to=recipient.email, subject=subject, body=body, language=language
    )


# --- Reading ---------------------------------------------------------------------------


def items_of(user: Any) -> QuerySet[InboxItem]:
    """The user's own items: nobody sees anyone else's."""
    if not (user.is_authenticated and user.is_active):
        return InboxItem.objects.none()
    return InboxItem.objects.filter(recipient=user)


def unread_count(user: User) -> int:
    """One COUNT through the partial index on unread items."""
    return InboxItem.objects.filter(recipient=user, read_at__isnull=True).count()


FILTERS = ("all", "unread", "done")


def listed(user: Any, show: str) -> QuerySet[InboxItem]:
    """Unread first, then newest first; `show` is all, unread or done."""
    items = items_of(user)
    if show == "unread":
        items = items.filter(read_at__isnull=True)
    elif show == "done":
        items = items.filter(done_at__isnull=False)
    else:
        items = items.filter(done_at__isnull=True)
    unread_first = Case(
        When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return items.order_by(unread_first, "-created_at", "-pk")


def mark_read(item: InboxItem) -> InboxItem:
    if item.read_at is None:
        item.read_at = timezone.now()
        InboxItem.objects.filter(pk=item.pk, read_at__isnull=True).update(read_at=item.read_at)
    return item


def mark_done(item: InboxItem) -> InboxItem:
    """Done is also read: a finished thing asks nothing more."""
    now = timezone.now()
    with transaction.atomic():
        if item.read_at is None:
            item.read_at = now
        if item.done_at is None:
            item.done_at = now
        InboxItem.objects.filter(pk=item.pk).update(read_at=item.read_at, done_at=item.done_at)
    return item


def mark_all_read(user: User) -> int:
    return items_of(user).filter(read_at__isnull=True).update(read_at=timezone.now())


# --- Preferences -----------------------------------------------------------------------


def delivery_choices(user: User) -> dict[str, str]:
    """Every kind the inbox e-mails, with the user's choice (immediately where they chose
    nothing)."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {
        kind: chosen.get(kind, Delivery.IMMEDIATELY)
        for kind in Kind.values
        if kind not in EMAILED_BY_THEIR_APP
    }


def set_preferences(user: User, choices: dict[str, str]) -> None:
    """Save the user's choices, all or nothing: an unknown kind or way is an error on
    that kind, and nothing is saved."""
    errors: dict[str, list] = {}
    for kind, delivery in choices.items():
        if kind not in Kind.values:
            errors[kind] = [_("There is no such kind of inbox item.")]
        elif delivery not in Delivery.values:
            errors[kind] = [_("Choose immediately, in a daily digest or not by e-mail.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for kind, delivery in choices.items():
            EmailPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )


# --- Daily digests ---------------------------------------------------------------------


def digest_key(user_id: int, day: datetime.date) -> str:
    return f"digest:{user_id}:{day.isoformat()}"


def users_waiting_for_a_digest() -> list[int]:
    return list(
        InboxItem.objects.filter(delivery=Delivery.DAILY_DIGEST, digested_at__isnull=True)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def send_digest(user_id: int, day: datetime.date) -> bool:
    """One e-mail listing the user's items not yet in a digest, at most once a day: the
    user's row is locked (a second sweep at the same moment passes them by) and the
    outbox key names the day (a second sweep later the same day finds it written).
    Returns whether this call wrote it."""
    with transaction.atomic():
        user = (
            User.objects.select_for_update(skip_locked=True, no_key=True).filter(pk=user_id).first()
        )
        key = digest_key(user_id, day)
        if user is None or OutboxMessage.objects.filter(dedupe_key=key).exists():
            return False
        items = list(
            InboxItem.objects.filter(
                recipient_id=user_id,
                delivery=Delivery.DAILY_DIGEST,
                digested_at__isnull=True,
            ).order_by("created_at", "pk")
        )
        if not items:
            return False
        now = timezone.now()
        InboxItem.objects.filter(pk__in=[i.pk for i in items]).update(digested_at=now)
        if not (user.email and user.is_active):
            return False
        outbox.queue_messages([_digest_email(user, items, key)])
        return True


def _digest_email(user: User, items: list[InboxItem], key: str) -> outbox.Email:
    context = {
        "recipient": user,
        "items": [(item, site_url(reverse("inbox:open", args=[item.uuid]))) for item in items],
        "inbox_url": site_url(reverse("inbox:list")),
        "preferences_url": site_url(reverse("inbox:preferences")),
    }
    language = _language(user)
    with translation.override(language):
        subject = render_to_string("emails/inbox_digest_subject.txt", context).strip()
        body = render_to_string("emails/inbox_digest.txt", context)
    return outbox.Email(key=key, to=user.email, subject=subject, body=body, language=language)


def send_digests(day: datetime.date | None = None) -> int:
    day = day or timezone.localdate()
    return sum(send_digest(user_id, day) for user_id in users_waiting_for_a_digest())
