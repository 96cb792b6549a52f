"""What is due in job coaching, announced to the inbox by a daily sweep: a client in a
coach's caseload nearing NO_CONTACT_DAYS without contact (IPS: a coach who has lost
touch with a client reaches out before the referral ends for lack of contact)."""

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from coaching.models import Referral
from common.inbox import Kind, announce_many, announcement

NO_CONTACT_DAYS = 30
# How many days before the limit the coach hears of it.
NO_CONTACT_WARNING_DAYS = 7


def collect_no_contact(today: datetime.date) -> int:
    """Referrals in a caseload whose latest contact (taken into the caseload, a
    follow-along note, an employer contact for the client) was so long ago that the
    limit comes within a week: one SELECT and one INSERT whatever their number. The key
    names the limit's date, so a new contact makes a new item when the next limit nears."""
    warn_before = today - datetime.timedelta(days=NO_CONTACT_DAYS - NO_CONTACT_WARNING_DAYS)
    referrals = (
        Referral.objects.filter(
            status__in=Referral.CASELOAD_STATUSES,
            coach__isnull=False,
            coach__is_active=True,
            taken_on__isnull=False,
        )
        .annotate(
            last_contact=Greatest(
                "taken_on",
                Coalesce(Max("follow_along_notes__written_on"), "taken_on"),
                Coalesce(Max("employer_contacts__contacted_on"), "taken_on"),
            )
        )
        .filter(last_contact__lte=warn_before)
        .values_list("pk", "uuid", "coach_id", "last_contact")
    )
    rows = [
        announcement(
            coach_id,
            Kind.COACHING_NO_CONTACT,
            # Only the pk is read from it: the link is given.
            Referral(pk=pk),
            due_date=last + datetime.timedelta(days=NO_CONTACT_DAYS),
            url=reverse("coaching:referral_detail", args=[uuid]),
        )
        for pk, uuid, coach_id, last in referrals
    ]
    announce_many(rows)
    return len(rows)


@shared_task(
    name="coaching.announce_due",
    # One transaction, and the inbox keeps each item once: a run again after a lost
    # connection makes nothing twice.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=1,
    retry_backoff_max=10,
    retry_jitter=False,
    max_retries=10,
)
def announce_due() -> int:
    """Daily (config/celery.py): announce what is due in job coaching."""
    with transaction.atomic():
        return collect_no_contact(timezone.localdate())
