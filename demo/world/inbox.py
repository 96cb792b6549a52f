"""The demo users' inboxes. The services announced every assignment while the world was
built (members added, meetings, plan actions, referrals, answers); here the morning
sweeps announce what is due today, and what belongs to the world's past is read and
done, so that each demo user opens an inbox with a few new things in it."""

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from coaching.tasks import collect_no_contact
from inbox.models import InboxItem
from serviceplans.tasks import collect_plan_reminders

# The newest items of each person stay new; the rest are the world's history.
FRESH = 5


def seed_inbox() -> int:
    today = timezone.localdate()
    before = InboxItem.objects.count()
    collect_plan_reminders(today)
    collect_no_contact(today)
    ranked = InboxItem.objects.annotate(
        rank=Window(RowNumber(), partition_by=[F("recipient_id")], order_by=F("pk").desc())
    ).values_list("pk", "rank")
    history = [pk for pk, rank in ranked if rank > FRESH]
    now = timezone.now()
    InboxItem.objects.filter(pk__in=history).update(read_at=now, done_at=now)
    return InboxItem.objects.count() - before
