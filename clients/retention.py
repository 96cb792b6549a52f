"""Retention: clients whose last activity is older than the retention period
are anonymised – their identity and every free text that could identify them blanked –
while every row stays, so that every aggregate metric stays exactly the same.

The management command `purge_expired` and the monthly Celery task
`clients.purge_expired_clients` both call `purge_expired` here.

**Last activity** is the latest of: the client's creation; their consents (given,
withdrawn); work-ability assessments (recorded); consultation requests (sent, first
response, closed), their answers and the professionals' feedback; client networks
(formed, closed), their members (joined, left) and meetings (held or planned, minutes
recorded); service plans (created, changed, agreed, closed), their reviews and the actions
done; health checks for the unemployed (offered, done, declined); job coaching (the
referral made, taken and ended, the vocational profile, employer contacts, job starts and
ends, follow-along notes). Reads in the access log do **not** count: the retention
period runs from the end of the client relationship, and a coordinator's search or an
administrator's access report must not keep a record alive for ever. A client with an
open network, an open consultation or a job-coaching referral not ended is never
expired, however old its dates.

**Anonymising** blanks the names, the identity code, the contact details and the free
texts (descriptions, advice, minutes, agendas, decisions, goals, actions, reviews,
narratives, feedback text, outside members' names and contacts, health-check notes, the
coaching record's notes, vocational profile, employer-contact notes, job titles and
modifications, follow-along notes), deletes the plan PDFs,
and replaces the required texts with `ANONYMISED` (`***`, the mark masked identity codes
already use). The date of birth keeps only the year (1 January): the database requires a
date when there is no identity code, and age bands may be needed by the metrics. The
municipality, language, life situation, target groups, all codes, statuses, scores and
dates stay: they are what the metrics count, and alone they do not identify a person.

**The access log is append-only** (a trigger refuses updates), so it is not touched: its
rows keep pointing to the anonymised client row, whose name is now "Anonymised client".
The log holds no content, only who read the record when, and remains the evidence the
client-data act requires.
"""

import datetime
import logging
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone

from clients.models import Client

ANONYMISED = "***"

logger = logging.getLogger(__name__)

# (app, model, the lookup from the model to the client, the datetimes that are activity)
ACTIVITY = [
    ("clients", "Consent", "client", ["given_at", "withdrawn_at"]),
    ("clients", "WorkAbilityAssessment", "client", ["created_at"]),
    (
        "coordination",
        "ConsultationRequest",
        "client",
        ["submitted_at", "first_response_at", "closed_at"],
    ),
    ("coordination", "ConsultationAnswer", "request__client", ["answered_at"]),
    ("coordination", "Feedback", "request__client", ["given_at"]),
    ("networks", "ClientNetwork", "client", ["opened_at", "closed_at"]),
    ("networks", "NetworkMember", "network__client", ["joined_at", "left_at"]),
    ("networks", "NetworkMeeting", "network__client", ["starts_at", "minutes_recorded_at"]),
    ("serviceplans", "ServicePlan", "client", ["updated_at", "agreed_at", "closed_at"]),
    ("serviceplans", "PlanReview", "plan__client", ["created_at"]),
    ("serviceplans", "PlanAction", "plan__client", ["done_at"]),
    # Date fields count from the start of their day (see `with_last_activity`).
    ("healthchecks", "HealthCheck", "client", ["created_at", "done_on", "declined_on"]),
    ("coaching", "Referral", "client", ["created_at", "taken_on", "ended_on"]),
    ("coaching", "VocationalProfile", "referral__client", ["updated_at"]),
    ("coaching", "EmployerContact", "referral__client", ["created_at", "contacted_on"]),
    ("coaching", "JobStart", "referral__client", ["created_at", "ended_on"]),
    ("coaching", "FollowAlongNote", "referral__client", ["created_at"]),
]

# (app, model, the lookup to the client, a further condition, the values to write)
BLANKED = [
    (
        "coordination",
        "ConsultationRequest",
        "client",
        Q(),
        # What the requester sent about the client identifies them as much as the record.
        {"description": ANONYMISED, "outcome_note": "", "client_snapshot": {}},
    ),
    (
        "coordination",
        "ConsultationAnswer",
        "request__client",
        Q(),
        {"advice": ANONYMISED, "recommended_services": "", "next_step": ""},
    ),
    ("coordination", "Feedback", "request__client", Q(), {"text": ""}),
    ("clients", "WorkAbilityAssessment", "client", Q(), {"narrative": ""}),
    ("networks", "ClientNetwork", "client", Q(), {"closure_note": ""}),
    # Outside persons (close persons, employer contacts) identify the client; the
    # professionals with a login are the service's own users and stay.
    (
        "networks",
        "NetworkMember",
        "network__client",
        Q(user__isnull=True),
        {"name": ANONYMISED, "organization_name": "", "phone": "", "email": ""},
    ),
    (
        "networks",
        "NetworkMeeting",
        "network__client",
        Q(),
        # A meeting needs a place or a link (a constraint): the place is marked, since it
        # may be the client's home.
        {"location": ANONYMISED, "video_link": "", "agenda": "", "minutes": ""},
    ),
    ("networks", "MeetingDecision", "meeting__network__client", Q(), {"text": ANONYMISED}),
    (
        "serviceplans",
        "ServicePlan",
        "client",
        Q(),
        {"client_goals": "", "strengths": "", "assessment_summary": "", "agreement_note": ""},
    ),
    ("serviceplans", "PlanGoal", "plan__client", Q(), {"text": ANONYMISED}),
    (
        "serviceplans",
        "PlanAction",
        "plan__client",
        Q(),
        {"description": ANONYMISED},
    ),
    # An action needs someone responsible (a constraint): a named person without a login
    # (the client's relative, an employer contact) is marked, not blanked.
    (
        "serviceplans",
        "PlanAction",
        "plan__client",
        ~Q(responsible_name=""),
        {"responsible_name": ANONYMISED},
    ),
    ("serviceplans", "PlanReview", "plan__client", Q(), {"summary": ANONYMISED}),
    ("serviceplans", "GoalProgress", "review__plan__client", Q(), {"note": ""}),
    ("healthchecks", "HealthCheck", "client", Q(), {"notes": ""}),
    (
        "coaching",
        "Referral",
        "client",
        Q(),
        {"notes": "", "benefits_counselling_notes": ""},
    ),
    (
        "coaching",
        "VocationalProfile",
        "referral__client",
        Q(),
        {"preferences": "", "strengths": "", "restrictions": "", "disclosure": ""},
    ),
    # The employer and the dates stay (the metrics count contacts and starts); what was
    # said about the client goes.
    ("coaching", "EmployerContact", "referral__client", Q(), {"notes": ""}),
    ("coaching", "JobStart", "referral__client", Q(), {"job_title": "", "modifications": ""}),
    ("coaching", "FollowAlongNote", "referral__client", Q(), {"text": ANONYMISED}),
]


def _model(app_label: str, name: str):
    """By name, so that the base app imports no upper one; None if it is not installed."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment before which the last activity must lie: `CLIENT_RETENTION_YEARS` ago
    (29 February becomes 28 February in a year without one)."""
    now = now or timezone.now()
    years = settings.CLIENT_RETENTION_YEARS
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def with_last_activity(queryset: QuerySet[Client]) -> QuerySet[Client]:
    """Annotates `last_activity`: the latest datetime of `ACTIVITY`, at least `created_at`."""
    latest = []
    for app_label, name, lookup, fields in ACTIVITY:
        model = _model(app_label, name)
        if model is None:
            continue
        for field in fields:
            rows = (
                model.objects.filter(**{lookup: OuterRef("pk")})
                .order_by()
                .values(lookup)
                .annotate(latest=Max(field))
                .values("latest")
            )
            value = Subquery(rows, output_field=DateTimeField())
            if not isinstance(model._meta.get_field(field), DateTimeField):
                # A date (a job start's end, a health check done): the start of its day.
                value = Cast(Subquery(rows), DateTimeField())
            # COALESCE: GREATEST on SQLite is NULL as soon as one argument is.
            latest.append(Coalesce(value, "created_at"))
    return queryset.annotate(last_activity=Greatest("created_at", *latest))


def _open_work() -> Q:
    """Open networks, open consultations and job-coaching referrals not ended keep a
    client, whatever their dates."""
    condition = Q()
    consultation = _model("coordination", "ConsultationRequest")
    if consultation is not None:
        condition |= Q(
            Exists(
                consultation.objects.filter(
                    client=OuterRef("pk"), status__in=consultation.OPEN_STATUSES
                )
            )
        )
    network = _model("networks", "ClientNetwork")
    if network is not None:
        condition |= Q(
            Exists(
                network.objects.filter(client=OuterRef("pk")).exclude(status=network.Status.CLOSED)
            )
        )
    referral = _model("coaching", "Referral")
    if referral is not None:
        condition |= Q(
            Exists(
                referral.objects.filter(client=OuterRef("pk")).exclude(status=referral.Status.ENDED)
            )
        )
    return condition


def expired_clients(now: datetime.datetime | None = None) -> QuerySet[Client]:
    """Clients not yet anonymised whose last activity is before the retention cutoff."""
    cutoff = retention_cutoff(now)
    candidates = Client.objects.filter(anonymized_at__isnull=True, created_at__lt=cutoff)
    open_work = _open_work()
    if open_work:
        candidates = candidates.exclude(open_work)
    return with_last_activity(candidates).filter(last_activity__lt=cutoff).order_by("pk")


def anonymise_client(client_pk: int, now: datetime.datetime | None = None) -> bool:
    """Anonymise one client in one transaction, if it is (still) expired: the row is locked
    and checked again, so that a second run, or two at once, changes nothing. True when
    this call anonymised it."""
    now = now or timezone.now()
    with transaction.atomic():
        client = Client.objects.select_for_update().filter(pk=client_pk).first()
        if client is None or not expired_clients(now).filter(pk=client_pk).exists():
            return False
        birth = client.date_of_birth
        Client.objects.filter(pk=client.pk).update(
            first_name="",
            last_name="",
            personal_identity_code=None,
            date_of_birth=datetime.date(birth.year, 1, 1) if birth else None,
            phone="",
            email="",
            address="",
            anonymized_at=now,
        )
        for app_label, name, lookup, extra, values in BLANKED:
            model = _model(app_label, name)
            if model is not None:
                model.objects.filter(extra, **{lookup: client.pk}).update(**values)
        _delete_plan_documents(client.pk)
    return True


def _delete_plan_documents(client_pk: int) -> None:
    """The rendered plan PDFs hold everything the plan said: the files go, the rows stay
    (as failed, so nothing offers them for download)."""
    document = _model("serviceplans", "PlanDocument")
    if document is None:
        return
    documents = document.objects.filter(plan__client=client_pk)
    for row in documents.exclude(file=""):
        storage, name = row.file.storage, row.file.name
        # After the commit: a rolled-back anonymisation must not have lost the file.
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    documents.update(file="", sha256="", status=document.Status.FAILED, error=ANONYMISED)


def _blank_unlinked_requests(now: datetime.datetime) -> int:
    """A request closed or withdrawn before a coordinator linked it to a client keeps what
    the requester sent about the person (the identity code too), with no client record to
    expire with: it goes after the same period. Idempotent (a blanked snapshot is {})."""
    model = _model("coordination", "ConsultationRequest")
    if model is None:
        return 0
    return (
        model.objects.filter(
            anonymous=False, client__isnull=True, closed_at__lt=retention_cutoff(now)
        )
        .exclude(client_snapshot={})
        .update(client_snapshot={}, description=ANONYMISED, outcome_note="")
    )


@dataclass
class PurgeResult:
    expired: int
    anonymised: int
    dry_run: bool


def purge_expired(
    *, dry_run: bool = False, batch_size: int = 100, now: datetime.datetime | None = None
) -> PurgeResult:
    """Anonymise every expired client, in batches of ids, one transaction per client.
    `dry_run` only counts. Idempotent: anonymised clients are never expired again."""
    now = now or timezone.now()
    expired = expired_clients(now)
    if dry_run:
        return PurgeResult(expired=expired.count(), anonymised=0, dry_run=True)
    total = anonymised = 0
    last_pk = 0
    while True:
        batch = list(expired.filter(pk__gt=last_pk).values_list("pk", flat=True)[:batch_size])
        if not batch:
            break
        for pk in batch:
            total += 1
            anonymised += anonymise_client(pk, now)
        last_pk = batch[-1]
    _blank_unlinked_requests(now)
    # Counts only: a log line never names a client.
    logger.info("retention: %d expired client(s), %d anonymised", total, anonymised)
    return PurgeResult(expired=total, anonymised=anonymised, dry_run=False)
