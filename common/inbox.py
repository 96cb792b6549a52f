"""Something for a person to act on: the domain apps announce it, the inbox app keeps it.

The domain apps sit below the inbox in the layers, so they cannot write its rows. They
call `announce()` inside the transaction that makes the assignment; the inbox app's
receiver writes the item in that same transaction (a rolled-back assignment leaves no
item) under a unique key (a repeated assignment leaves one). Without a receiver (a unit
test of a domain app alone) the announcement goes nowhere.

An item says what happened and links to the thing; it never carries a client's name or
identity code, because its text also goes out by e-mail."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """Every kind of item. A new kind is added here, with its label in fi, sv and en."""

    # Assignments: someone gave this person something.
    ADDED_TO_NETWORK = "added_to_network", _("You were added to a client network")
    NETWORK_ROLE_CHANGED = "network_role_changed", _("Your role in a client network changed")
    MEETING_INVITED = "meeting_invited", _("You were invited to a network meeting")
    MEETING_MOVED = "meeting_moved", _("A network meeting was moved")
    MEETING_CANCELLED = "meeting_cancelled", _("A network meeting was cancelled")
    ACTION_ASSIGNED = "action_assigned", _("A plan action was given to you")
    REFERRAL_WAITING = "referral_waiting", _("A coaching referral is waiting for your team")
    REQUEST_ANSWERED = "request_answered", _("Your consultation request has been answered")
    URGENT_REQUEST = "urgent_request", _("An urgent consultation request has arrived")
    MORE_INFO_ASKED = "more_info_asked", _("More information was asked about your request")
    REQUEST_MESSAGE = "request_message", _("A new message on a consultation request")
    WORK_HANDED_OVER = "work_handed_over", _("Work was handed over to you")
    # Due dates: a sweep found something coming due.
    ACTION_DUE = "action_due", _("An action is due soon")
    ACTION_OVERDUE = "action_overdue", _("An action is overdue")
    REVIEW_DUE = "review_due", _("A plan review is due soon")
    CONSENT_EXPIRING = "consent_expiring", _("A consent is expiring")
    CONSULTATION_WAITING = (
        "consultation_waiting",
        _("A consultation request has waited over the target"),
    )
    JOB_START = "job_start", _("A client started work: update the plan in a network meeting")
    COACHING_NO_CONTACT = (
        "coaching_no_contact",
        _("A coaching client is nearing the limit without contact"),
    )
    FEEDBACK_WAITING = "feedback_waiting", _("An answer is waiting for your feedback")
    SELF_ASSESSED = "self_assessed", _("A client's own assessment of work ability has arrived")
    MINUTES_SHARED = "minutes_shared", _("The minutes of a network meeting were shared with you")


@dataclass(frozen=True)
class Announcement:
    recipient_id: int
    kind: Kind
    target: models.Model
    # What makes two announcements the same item: by default the kind and the target.
    # A due item adds its due date, so that a moved date is a new thing to act on.
    key: str
    due_date: datetime.date | None = None
    # A short line without client data; empty: the kind's label says it all.
    text: str = ""
    # Where the item leads; empty: the inbox finds the target's page itself. A sweep
    # that knows the page already gives it, so that the inbox looks nothing up per row.
    url: str = ""


announced = Signal()
# The same for a batch (a daily sweep): one receiver call, a constant number of queries.
announced_many = Signal()


def announcement(
    recipient: Any,
    kind: Kind,
    target: models.Model,
    *,
    due_date: datetime.date | None = None,
    key: str = "",
    text: str = "",
    url: str = "",
) -> Announcement:
    """One announcement, with the default key: the target, and its due date if any."""
    recipient_id = recipient if isinstance(recipient, int) else recipient.pk
    if not key:
        key = f"{target._meta.label_lower}:{target.pk}"
        if due_date is not None:
            key = f"{key}:{due_date.isoformat()}"
    return Announcement(
        recipient_id=recipient_id,
        kind=Kind(kind),
        target=target,
        key=key,
        due_date=due_date,
        text=str(text)[:300],
        url=url,
    )


def announce(
    recipient: Any,
    kind: Kind,
    target: models.Model,
    *,
    due_date: datetime.date | None = None,
    key: str = "",
    text: str = "",
    url: str = "",
) -> None:
    """Tell `recipient` (a user or a user's pk) about `target`. Call it inside the
    transaction of the change; it writes nothing itself."""
    item = announcement(recipient, kind, target, due_date=due_date, key=key, text=text, url=url)
    announced.send(sender=type(target), announcement=item)


def announce_many(announcements: list[Announcement]) -> None:
    """Several announcements at once (build them with `announcement()`), for a sweep:
    the same rules as `announce()`, written in one go."""
    if announcements:
        announced_many.send(sender=Announcement, announcements=announcements)
