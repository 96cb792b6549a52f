"""Work the serviceplans app does later: Celery tasks that take ids and are idempotent.

- The PDF of a plan version: the `PlanDocument` row exists first (queued); the task claims
  it with a conditional UPDATE that must hit one row, renders, and marks it ready. A row
  left queued (the broker was down) is sent again by `retry_queued_documents`.
- The daily "what is due" sweep: one function per kind finds what is due and announces
  it to the inbox (common.inbox) in one batch; the key names the thing and its due date,
  and the inbox keeps one item per person, kind and key (INSERT … ON CONFLICT DO
  NOTHING), so two sweeps at once still make each item once (DESIGN.md §9). The inbox
  writes the e-mail – at once or in the daily digest, as the person chose.
"""

import datetime
import hashlib
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from clients.models import Consent
from common.inbox import Announcement, Kind, announce_many, announcement
from common.workdays import is_working_day
from coordination.models import ConsultationRequest, User
from networks.models import NetworkMember
from serviceplans.models import PlanAction, PlanDocument, ServicePlan
from serviceplans.pdf import render_plan_pdf

logger = logging.getLogger(__name__)

ACTION_DAYS = 3
REVIEW_DAYS = 7
CONSENT_DAYS = 14


# --- PDF -------------------------------------------------------------------------------


def enqueue_document(document_id: int) -> None:
    """Hand the export to a worker; when the broker is down the row stays queued and the
    page keeps saying so until `retry_queued_documents` gets it through."""
    try:
        render_plan_document.delay(document_id)
    except Exception:  # kombu/redis raise several kinds of connection errors
        logger.warning("broker unavailable: plan document %s stays queued", document_id)


@shared_task(
    name="serviceplans.render_plan_document",
    soft_time_limit=90,
    time_limit=120,
)
def render_plan_document(document_id: int) -> str:

    # Claim: only one run moves the row from queued to running.
    claimed = PlanDocument.objects.filter(pk=document_id, status=PlanDocument.Status.QUEUED).update(
        status=PlanDocument.Status.RUNNING
    )
    if claimed != 1:
        return "skipped"
    document = PlanDocument.objects.select_related("plan", "plan__client", "plan__network").get(
        pk=document_id
    )
    try:
        data = render_plan_pdf(document.plan, document.language or settings.LANGUAGE_CODE)
    except SoftTimeLimitExceeded:
        _fail(document, "time limit exceeded")
        return "failed"
    except Exception as error:
        logger.exception("plan document %s failed", document_id)
        _fail(document, str(error))
        return "failed"
    document.sha256 = hashlib.sha256(data).hexdigest()
    document.file.save(f"{document.uuid}.pdf", ContentFile(data), save=False)
    document.status = PlanDocument.Status.READY
    document.finished_at = timezone.now()
    document.save(update_fields=["file", "sha256", "status", "finished_at"])
    return "ready"


def _fail(document: PlanDocument, error: str) -> None:
    document.status = PlanDocument.Status.FAILED
    document.error = error[:500]
    document.finished_at = timezone.now()
    document.save(update_fields=["status", "error", "finished_at"])


@shared_task(name="serviceplans.retry_queued_documents")
def retry_queued_documents() -> int:
    """Every minute: exports still queued a minute after they were asked (the broker was
    down), and runs lost with their worker (running for over 10 minutes) go again."""
    now = timezone.now()
    PlanDocument.objects.filter(
        status=PlanDocument.Status.RUNNING,
        requested_at__lt=now - datetime.timedelta(minutes=10),
    ).update(status=PlanDocument.Status.QUEUED)
    ids = list(
        PlanDocument.objects.filter(
            status=PlanDocument.Status.QUEUED,
            requested_at__lt=now - datetime.timedelta(minutes=1),
        ).values_list("pk", flat=True)[:100]
    )
    for pk in ids:
        render_plan_document.delay(pk)
    return len(ids)


# --- Reminders -------------------------------------------------------------------------


_ZERO = "00000000-0000-0000-0000-000000000000"


def _plan_url(plan_uuid, _cache={}) -> str:  # noqa: B006 (one reverse() per process)
    if "pattern" not in _cache:
        _cache["pattern"] = reverse("serviceplans:plan_detail", args=[_ZERO])
    return _cache["pattern"].replace(_ZERO, str(plan_uuid))


def _hub_coordinators() -> list[int]:
    return list(
        User.objects.filter(
            role=User.Role.COORDINATOR, is_active=True, organization__is_hub=True
        ).values_list("pk", flat=True)
    )


def _target_passed_on(submitted: datetime.date, target: int) -> datetime.date:
    """The first day on which a request sent on `submitted` has waited over `target`
    working days."""
    day, days = submitted, 0
    while days <= target:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            days += 1
    return day


def collect_action_reminders(today: datetime.date) -> int:
    """Open actions due within 3 days or overdue, to the responsible person: one SELECT
    (through the index on the open actions' due dates) and one INSERT … ON CONFLICT DO
    NOTHING, whatever the number of actions. Returns how many rows were proposed."""
    live = [ServicePlan.Status.DRAFT, ServicePlan.Status.AGREED]
    # Only to people who still see the plan: an active member of the network (a member
    # who leaves loses the plan and its reminders) or a coordinator.
    still_member = NetworkMember.objects.filter(
        network=OuterRef("plan__network"), user=OuterRef("responsible_user"), left_at__isnull=True
    )
    actions = (
        PlanAction.objects.filter(
            Exists(still_member) | Q(responsible_user__role=User.Role.COORDINATOR),
            status__in=PlanAction.OPEN_STATUSES,
            due_date__lte=today + datetime.timedelta(days=ACTION_DAYS),
            responsible_user__isnull=False,
            responsible_user__is_active=True,
            plan__status__in=live,
            plan__network__status__in=["forming", "active"],
        )
        .order_by("plan__status", "pk")  # "agreed" before "draft": its link wins
        .values_list("pk", "lineage", "due_date", "responsible_user_id", "plan__uuid")
    )
    rows = [
        announcement(
            user_id,
            Kind.ACTION_OVERDUE if due < today else Kind.ACTION_DUE,
            PlanAction(pk=pk),
            due_date=due,
            key=_key(f"action:{lineage}", due),
            url=_plan_url(plan_uuid),
        )
        for pk, lineage, due, user_id, plan_uuid in actions
    ]
    return _announce(rows)


def collect_review_reminders(today: datetime.date) -> int:
    """Agreed plans whose review is due within 7 days, to the network's responsible
    worker (or its coordinator when it has none)."""
    plans = list(
        ServicePlan.objects.filter(
            status=ServicePlan.Status.AGREED,
            next_review_date__lte=today + datetime.timedelta(days=REVIEW_DAYS),
            network__status__in=["forming", "active"],
        ).values_list("pk", "uuid", "network_id", "network__uuid", "next_review_date")
    )
    workers = dict(
        NetworkMember.objects.filter(
            network_id__in=[p[2] for p in plans],
            role=NetworkMember.Role.RESPONSIBLE_WORKER,
            left_at__isnull=True,
            user__isnull=False,
            user__is_active=True,
        ).values_list("network_id", "user_id")
    )
    coordinators_of = dict(
        ServicePlan.objects.filter(pk__in=[p[0] for p in plans]).values_list(
            "pk", "network__coordinator_id"
        )
    )
    rows = [
        announcement(
            workers.get(network_id) or coordinators_of[pk],
            Kind.REVIEW_DUE,
            ServicePlan(pk=pk),
            due_date=due,
            key=_key(f"review:{network_uuid}", due),
            url=_plan_url(uuid),
        )
        for pk, uuid, network_id, network_uuid, due in plans
        if workers.get(network_id) or coordinators_of[pk]
    ]
    return _announce(rows)


def collect_consent_reminders(today: datetime.date) -> int:
    """Consents that expire within 14 days, to the hub's coordinators."""
    hub = _hub_coordinators()
    consents = Consent.objects.filter(
        withdrawn_at__isnull=True,
        valid_until__gte=today,
        valid_until__lte=today + datetime.timedelta(days=CONSENT_DAYS),
    ).values_list("pk", "uuid", "valid_until", "client__uuid")
    rows = [
        announcement(
            user_id,
            Kind.CONSENT_EXPIRING,
            Consent(pk=pk),
            due_date=valid_until,
            key=_key(f"consent:{uuid}", valid_until),
            url=reverse("clients:client_detail", args=[client_uuid]),
        )
        for pk, uuid, valid_until, client_uuid in consents
        for user_id in hub
    ]
    return _announce(rows)


def collect_consultation_reminders(today: datetime.date) -> int:
    """Consultation requests that have waited over the target without a first response,
    to the hub's coordinators."""
    hub = _hub_coordinators()
    target = settings.CONSULTATION_TARGET_WORKING_DAYS
    # `target` working days are at least `target` calendar days: a cheap first bound on
    # the open queue (small), then the exact working-day count in Python.
    # A request waiting for the requester's reply is not waiting for the hub, and the
    # days it waited for them move its target later (ConsultationRequest.waiting_days).
    waiting = ConsultationRequest.objects.filter(
        status__in=ConsultationRequest.OPEN_STATUSES,
        first_response_at__isnull=True,
        waiting_for_requester_since__isnull=True,
        submitted_at__lt=timezone.now() - datetime.timedelta(days=target),
    ).values_list("pk", "uuid", "submitted_at", "requester_waiting_days")
    rows = []
    for pk, uuid, submitted_at, paused in waiting:
        passed = _target_passed_on(timezone.localdate(submitted_at), target + paused)
        if passed > today:
            continue
        rows.extend(
            announcement(
                user_id,
                Kind.CONSULTATION_WAITING,
                ConsultationRequest(pk=pk),
                due_date=passed,
                key=_key(f"consultation:{uuid}", passed),
                url=reverse("consultation_detail", args=[uuid]),
            )
            for user_id in hub
        )
    return _announce(rows)


def _key(subject: str, due: datetime.date) -> str:
    # The thing across plan versions and its due date: a moved date is a new item.
    return f"{subject}:{due.isoformat()}"


def _announce(rows: list[Announcement]) -> int:
    # One batch: the inbox writes it with one INSERT … ON CONFLICT DO NOTHING, and the
    # unique (person, kind, key) is what makes each item – and its e-mail – once.
    announce_many(rows)
    return len(rows)


def collect_plan_reminders(today: datetime.date | None = None) -> int:
    """Announce what is due today, of the four kinds, in one transaction and a constant
    number of queries whatever the number of things due. Returns how many announcements
    were made (the inbox keeps each once)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        return (
            collect_action_reminders(today)
            + collect_review_reminders(today)
            + collect_consent_reminders(today)
            + collect_consultation_reminders(today)
        )


@shared_task(
    name="serviceplans.send_plan_reminders",
    # A lost database connection is retried here, not left to the next day: each row is
    # written once, so the run again continues where this one stopped.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=1,
    retry_backoff_max=10,
    retry_jitter=False,
    max_retries=10,
)
def send_plan_reminders() -> int:
    """Daily (config/celery.py, Europe/Helsinki): announce what is due to the inbox,
    which e-mails each new item as its person chose. Returns how many announcements."""
    return collect_plan_reminders()
