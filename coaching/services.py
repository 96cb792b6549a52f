"""What happens in IPS job coaching: every write is a verb–noun service function here.

Each function is one transaction. A move the referral's state or the person's role does
not allow raises `InvalidTransition` with a message a person can read; bad input raises
Django's `ValidationError` with a message per field, so that forms and the API show it
where it belongs. Nothing is saved half-way.

Zero exclusion (IPS): a referral is never screened; whoever wants to work may be
referred."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import AccessLog, Client
from coaching.access import (
    can_end_referral,
    can_review_fidelity,
    can_take_referral,
    can_write_referral,
    referral_basis,
)
from coaching.models import (
    FIDELITY_ITEMS,
    FIDELITY_MAX_SCORE,
    FIDELITY_MIN_SCORE,
    EmployerContact,
    EmployerContactPerson,
    FidelityItemScore,
    FidelityReview,
    FollowAlongNote,
    JobStart,
    Referral,
    VocationalProfile,
)
from common.dates import past_date_error
from common.inbox import Kind, announce
from common.locking import StaleEdit, save_locked
from common.municipalities import validate_municipality
from coordination.models import ConsultationRequest, Organization, User
from coordination.services import InvalidTransition
from networks.models import ClientNetwork
from serviceplans.models import PlanAction

__all__ = ["InvalidTransition", "StaleEdit"]

Status = Referral.Status


def _log(by: User, referral: Referral, action: str, kind: str = "coaching_referral") -> None:
    """Writes by services are logged here; reads are logged by the views (clients.audit)."""
    AccessLog.objects.create(
        user=by,
        client_id=referral.client_id,
        action=action,
        basis=referral_basis(by, referral),
        object_kind=kind,
    )


def _require_writer(by: User, referral: Referral) -> None:
    if not can_write_referral(by, referral):
        if not referral.is_open:
            raise InvalidTransition(gettext_lazy("The job coaching has ended."))
        raise InvalidTransition(
            gettext_lazy("Only the client's job coach or a coordinator can do this.")
        )


def _locked(referral: Referral) -> Referral:
    """The referral row, locked for the rest of the transaction and read afresh."""
    fresh = Referral.objects.select_for_update().get(pk=referral.pk)
    for field in ("status", "coach_id", "taken_on", "ended_on", "end_reason"):
        setattr(referral, field, getattr(fresh, field))
    return referral


def date_text(value: datetime.date) -> str:
    """A date as Finns write it in a sentence: 3.2.2026."""
    return f"{value.day}.{value.month}.{value.year}"


def _check_date(errors: dict, field: str, value, *, not_before=None, before_label=None):
    today = timezone.localdate()
    if value is None:
        errors.setdefault(field, []).append(_("Give the date."))
        return
    if value > today:
        errors.setdefault(field, []).append(_("The date cannot be in the future."))
    elif past_date_error(value):
        errors.setdefault(field, []).append(past_date_error(value))
    if not_before is not None and value < not_before:
        errors.setdefault(field, []).append(before_label % {"date": date_text(not_before)})


def source_for(by: User, consultation: ConsultationRequest | None = None) -> str:
    """A sensible default for where a referral comes from: the referring organisation's
    kind (the consultation's contact source, or the referrer's own organisation)."""
    if by.is_coordinator and consultation is None:
        return Referral.Source.COORDINATOR
    organization = consultation.requesting_organization if consultation else by.organization
    kind = organization.kind if organization else ""
    return {
        Organization.Kind.MUNICIPAL_EMPLOYMENT: Referral.Source.MUNICIPAL_EMPLOYMENT,
        Organization.Kind.SOCIAL_SERVICES: Referral.Source.SOCIAL_WORK,
        Organization.Kind.TE_OFFICE: Referral.Source.TE_OFFICE,
        Organization.Kind.TYP: Referral.Source.TYP,
        Organization.Kind.HEALTH_CENTRE: Referral.Source.HEALTH_CARE,
        Organization.Kind.MENTAL_HEALTH_SUBSTANCE: Referral.Source.MENTAL_HEALTH_SERVICES,
    }.get(kind, Referral.Source.OTHER)


# --- Referral --------------------------------------------------------------------------


@transaction.atomic
def refer(
    *,
    by: User,
    client: Client,
    team: Organization | None,
    source: str,
    plan_action: PlanAction | None = None,
    consultation: ConsultationRequest | None = None,
    notes: str = "",
    referred_on: datetime.date | None = None,
) -> Referral:
    """Refer a client to job coaching: from a plan action of the IPS service type, from a
    consultation that asked for job coaching, or directly. The caller has checked that
    `by` sees the client (or the action or consultation)."""
    if not (by.is_active and (by.is_professional or by.is_coordinator)):
        raise InvalidTransition(gettext_lazy("Only professionals and coordinators can refer."))
    referred_on = referred_on or timezone.localdate()
    errors: dict[str, list] = {}
    if team is None:
        errors["team"] = [_("Choose the job coaching team.")]
    if source not in Referral.Source.values:
        errors["source"] = [_("Choose where the referral comes from.")]
    if referred_on > timezone.localdate():
        errors["referred_on"] = [_("The date cannot be in the future.")]
    elif past_date_error(referred_on):
        errors["referred_on"] = [past_date_error(referred_on)]
    if plan_action is not None:
        if plan_action.service_type != PlanAction.ServiceType.IPS_JOB_COACHING:
            errors["plan_action"] = [_("The plan action is not IPS job coaching.")]
        elif plan_action.plan.client_id != client.pk:
            errors["plan_action"] = [_("The plan action is about another client.")]
    if consultation is not None:
        if ConsultationRequest.Asked.JOB_COACHING not in (consultation.asked or []):
            errors["consultation"] = [_("The consultation did not ask for job coaching.")]
        elif consultation.client_id != client.pk:
            errors["consultation"] = [_("The consultation is about another client.")]
    if Referral.objects.filter(client=client).exclude(status=Status.ENDED).exists():
        errors.setdefault("client", []).append(
            _("The client already has an open job coaching referral.")
        )
    if errors:
        raise ValidationError(errors)
    referral = Referral(
        client=client,
        team=team,
        source=source,
        referred_by=by,
        plan_action=plan_action,
        consultation=consultation,
        notes=notes or "",
        referred_on=referred_on,
        status=Status.WAITING,
    )
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        # Two referrals at once: the constraint lets one through.
        raise ValidationError(
            {"client": [_("The client already has an open job coaching referral.")]}
        ) from None
    if plan_action is not None and plan_action.status == PlanAction.Status.PLANNED:
        PlanAction.objects.filter(pk=plan_action.pk).update(status=PlanAction.Status.IN_PROGRESS)
    _log(by, referral, AccessLog.Action.CREATE)
    # Waiting for the team: each of its job coaches may take it.
    for coach_id in User.objects.filter(
        organization=team, role=User.Role.JOB_COACH, is_active=True
    ).values_list("pk", flat=True):
        announce(coach_id, Kind.REFERRAL_WAITING, referral)
    return referral


@transaction.atomic
def take_referral(referral: Referral, *, by: User) -> Referral:
    """A job coach of the team takes a waiting referral into their caseload."""
    _locked(referral)
    if not referral.is_waiting:
        raise InvalidTransition(gettext_lazy("Someone has already taken this referral."))
    if not can_take_referral(by, referral):
        raise InvalidTransition(
            gettext_lazy("Only a job coach of the team the client was referred to can take it.")
        )
    referral.status = Status.ACTIVE
    referral.coach = by
    referral.taken_on = max(timezone.localdate(), referral.referred_on)
    referral.save(update_fields=["status", "coach", "taken_on"])
    _log(by, referral, AccessLog.Action.UPDATE)
    return referral


@transaction.atomic
def end_referral(
    referral: Referral, *, by: User, reason: str, ended_on: datetime.date | None = None
) -> Referral:
    """End the coaching with a reason. Studies, rehabilitation and a pension assessment
    are outcomes too, not failures (seed 003)."""
    _locked(referral)
    if not referral.is_open:
        raise InvalidTransition(gettext_lazy("The job coaching has already ended."))
    if not can_end_referral(by, referral):
        raise InvalidTransition(
            gettext_lazy("Only the client's job coach or a coordinator can do this.")
        )
    ended_on = ended_on or timezone.localdate()
    errors: dict[str, list] = {}
    if reason not in Referral.EndReason.values:
        errors["end_reason"] = [_("Choose the reason for ending.")]
    _check_date(
        errors,
        "ended_on",
        ended_on,
        not_before=referral.referred_on,
        before_label=_("The coaching cannot end before the referral (%(date)s)."),
    )
    if errors:
        raise ValidationError(errors)
    referral.status = Status.ENDED
    referral.end_reason = reason
    referral.ended_on = ended_on
    referral.save(update_fields=["status", "end_reason", "ended_on"])
    _log(by, referral, AccessLog.Action.UPDATE)
    return referral


# --- The record ------------------------------------------------------------------------


PROFILE_FIELDS = ("preferences", "strengths", "restrictions", "disclosure")


@transaction.atomic
def save_vocational_profile(
    referral: Referral,
    *,
    by: User,
    agreed_with_client_on=None,
    lock_version: int | None = None,
    **fields,
) -> VocationalProfile:
    """Save the profile from a form opened at `lock_version` (0 before the first save);
    refused with `StaleEdit` if anyone saved it since."""
    _locked(referral)
    _require_writer(by, referral)
    errors: dict[str, list] = {}
    if agreed_with_client_on is not None:
        _check_date(errors, "agreed_with_client_on", agreed_with_client_on)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    if errors:
        raise ValidationError(errors)
    # The referral row is locked (above): two first saves cannot both create the profile.
    profile, _created = VocationalProfile.objects.get_or_create(referral=referral)
    values = {name: fields[name] or "" for name in PROFILE_FIELDS if name in fields}
    save_locked(
        profile,
        lock_version,
        agreed_with_client_on=agreed_with_client_on,
        updated_at=timezone.now(),
        updated_by=by,
        **values,
    )
    _log(by, referral, AccessLog.Action.UPDATE, kind="vocational_profile")
    return profile


@transaction.atomic
def record_benefits_counselling(
    referral: Referral,
    *,
    by: User,
    done_on: datetime.date | None,
    notes: str = "",
    lock_version: int | None = None,
) -> Referral:
    """The benefits-counselling check (work incentives planning): how work would affect
    the client's benefits, done on a date. From a form opened at `lock_version`: refused
    with `StaleEdit` if anyone saved the counselling since."""
    _locked(referral)
    _require_writer(by, referral)
    errors: dict[str, list] = {}
    _check_date(
        errors,
        "benefits_counselling_on",
        done_on,
        not_before=referral.referred_on,
        before_label=_("The date cannot be before the referral (%(date)s)."),
    )
    if errors:
        raise ValidationError(errors)
    save_locked(
        referral,
        lock_version,
        benefits_counselling_on=done_on,
        benefits_counselling_notes=notes or "",
    )
    _log(by, referral, AccessLog.Action.UPDATE)
    return referral


@transaction.atomic
def record_employer_contact(
    referral: Referral,
    *,
    by: User,
    employer: Organization,
    kind: str,
    outcome: str,
    contacted_on: datetime.date | None = None,
    contact_person: EmployerContactPerson | None = None,
    hidden_job: bool = False,
    notes: str = "",
) -> EmployerContact:
    """A contact with an employer for a client in the coach's caseload."""
    _locked(referral)
    if not can_write_referral(by, referral) or not referral.in_caseload:
        raise ValidationError(
            {"referral": [_("This client is not in your caseload: choose one of your clients.")]}
        )
    contacted_on = contacted_on or timezone.localdate()
    errors: dict[str, list] = {}
    if employer is None or employer.kind != Organization.Kind.EMPLOYER:
        errors["employer"] = [_("Choose an employer.")]
    if contact_person is not None and (
        employer is None or contact_person.organization_id != employer.pk
    ):
        errors["contact_person"] = [_("The contact person works for another employer.")]
    if kind not in EmployerContact.Kind.values:
        errors["kind"] = [_("Choose the type of contact.")]
    if outcome not in EmployerContact.Outcome.values:
        errors["outcome"] = [_("Choose the outcome.")]
    _check_date(
        errors,
        "contacted_on",
        contacted_on,
        not_before=referral.referred_on,
        before_label=_("The contact cannot be before the referral (%(date)s)."),
    )
    if errors:
        raise ValidationError(errors)
    contact = EmployerContact.objects.create(
        referral=referral,
        employer=employer,
        contact_person=contact_person,
        coach=by,
        contacted_on=contacted_on,
        kind=kind,
        outcome=outcome,
        hidden_job=bool(hidden_job),
        notes=notes or "",
    )
    _log(by, referral, AccessLog.Action.CREATE, kind="employer_contact")
    return contact


def recent_contacts_with(employer: Organization, *, days: int = 7, today=None):
    """Contacts with the employer by anyone in the last `days` days (today included), so
    that the team does not call the same employer twice in a week."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=days - 1)
    return EmployerContact.objects.filter(employer=employer, contacted_on__gte=since)


def _hours(value, errors: dict) -> Decimal | None:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors["hours_per_week"] = [_("Give the hours per week as a number.")]
        return None
    if not hours.is_finite() or hours <= 0:
        errors["hours_per_week"] = [_("Hours per week must be more than zero.")]
    elif hours > 80:
        errors["hours_per_week"] = [_("Hours per week cannot be more than 80.")]
    elif hours != hours.quantize(Decimal("0.1")):
        errors["hours_per_week"] = [_("Give the hours with at most one decimal.")]
    return hours


def turning_point_prompt(referral: Referral, job: JobStart) -> dict | None:
    """A job start is a turning point: the client's network meets to update the plan
    (seed 003). The network's responsible coordinator gets a reminder in the inbox; the
    page says the same with a link to schedule the meeting. Returns what the page needs,
    or None when the client has no open network."""
    network = (
        ClientNetwork.objects.filter(client_id=referral.client_id)
        .exclude(status=ClientNetwork.Status.CLOSED)
        .order_by("-opened_at", "-pk")
        .first()
    )
    if network is None:
        return None
    url = reverse("networks:meeting_create", args=[network.uuid])
    if network.coordinator_id is not None:
        announce(
            network.coordinator_id,
            Kind.JOB_START,
            job,
            due_date=job.started_on,
            key=f"job_start:{job.uuid}:{job.started_on.isoformat()}",
            url=url,
        )
    return {"network": network, "meeting_url": url}


@transaction.atomic
def record_job_start(
    referral: Referral,
    *,
    by: User,
    employer: Organization,
    started_on: datetime.date | None,
    hours_per_week,
    open_labour_market: bool = True,
    wage_subsidy: bool = False,
    modifications: str = "",
    job_title: str = "",
) -> JobStart:
    """The client started a job: the referral moves to follow-along support and the
    network's coordinator is prompted to call a meeting to update the plan."""
    _locked(referral)
    _require_writer(by, referral)
    if not referral.in_caseload:
        raise InvalidTransition(gettext_lazy("Take the referral before recording a job start."))
    errors: dict[str, list] = {}
    if employer is None or employer.kind != Organization.Kind.EMPLOYER:
        errors["employer"] = [_("Choose an employer.")]
    if started_on is None:
        errors["started_on"] = [_("Give the start date.")]
    elif started_on < referral.referred_on:
        errors["started_on"] = [
            _("A job start cannot be before the referral (%(date)s).")
            % {"date": date_text(referral.referred_on)}
        ]
    hours = _hours(hours_per_week, errors)
    if errors:
        raise ValidationError(errors)
    job = JobStart.objects.create(
        referral=referral,
        employer=employer,
        job_title=job_title or "",
        started_on=started_on,
        hours_per_week=hours,
        open_labour_market=bool(open_labour_market),
        wage_subsidy=bool(wage_subsidy),
        modifications=modifications or "",
        recorded_by=by,
    )
    if referral.status == Status.ACTIVE:
        referral.status = Status.FOLLOW_ALONG
        referral.save(update_fields=["status"])
    job.prompt = turning_point_prompt(referral, job)
    _log(by, referral, AccessLog.Action.CREATE, kind="job_start")
    return job


@transaction.atomic
def end_job(
    job: JobStart, *, by: User, ended_on: datetime.date | None, end_reason: str
) -> JobStart:
    """The job ended. When no job is left, the client goes back to job search (active)."""
    referral = job.referral
    _locked(referral)
    _require_writer(by, referral)
    job = JobStart.objects.select_for_update().get(pk=job.pk)
    if job.ended_on is not None:
        raise InvalidTransition(gettext_lazy("The job has already ended."))
    errors: dict[str, list] = {}
    if end_reason not in JobStart.EndReason.values:
        errors["end_reason"] = [_("Choose why the job ended.")]
    if ended_on is None:
        errors["ended_on"] = [_("Give the end date.")]
    elif ended_on < job.started_on:
        errors["ended_on"] = [_("The job cannot end before it started.")]
    if errors:
        raise ValidationError(errors)
    job.ended_on = ended_on
    job.end_reason = end_reason
    job.save(update_fields=["ended_on", "end_reason"])
    ongoing = referral.job_starts.filter(ended_on__isnull=True).exists()
    if not ongoing and referral.status == Status.FOLLOW_ALONG:
        referral.status = Status.ACTIVE
        referral.save(update_fields=["status"])
    job.referral = referral
    _log(by, referral, AccessLog.Action.UPDATE, kind="job_start")
    return job


@transaction.atomic
def add_follow_along_note(
    referral: Referral,
    *,
    by: User,
    text: str,
    written_on: datetime.date | None = None,
    job_start: JobStart | None = None,
) -> FollowAlongNote:
    """Follow-along support after a job start: time-unlimited."""
    _locked(referral)
    _require_writer(by, referral)
    written_on = written_on or timezone.localdate()
    errors: dict[str, list] = {}
    if not (text or "").strip():
        errors["text"] = [_("Write the note.")]
    if job_start is not None and job_start.referral_id != referral.pk:
        errors["job_start"] = [_("The job is not this client's.")]
    if not referral.job_starts.exists():
        errors.setdefault("text", []).append(
            _("Follow-along support begins after a job start: record the job start first.")
        )
    _check_date(
        errors,
        "written_on",
        written_on,
        not_before=referral.referred_on,
        before_label=_("The date cannot be before the referral (%(date)s)."),
    )
    if errors:
        raise ValidationError(errors)
    note = FollowAlongNote.objects.create(
        referral=referral, job_start=job_start, written_on=written_on, author=by, text=text
    )
    _log(by, referral, AccessLog.Action.CREATE, kind="follow_along_note")
    return note


# --- Employers -------------------------------------------------------------------------


@transaction.atomic
def add_employer(*, by: User, name: str, municipality: str = "") -> Organization:
    """A new employer (an organisation of kind employer)."""
    if not (by.is_active and (by.is_job_coach or by.is_coordinator)):
        raise InvalidTransition(gettext_lazy("Only job coaches and coordinators add employers."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the employer's name.")]})
    if Organization.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": [_("An organisation with this name already exists.")]})
    municipality = (municipality or "").strip()
    try:
        validate_municipality(municipality)
    except ValidationError as error:
        raise ValidationError({"municipality": error.messages}) from None
    return Organization.objects.create(
        name=name, kind=Organization.Kind.EMPLOYER, municipality=municipality
    )


@transaction.atomic
def add_contact_person(
    employer: Organization, *, by: User, name: str, title: str = "", phone: str = "", email=""
) -> EmployerContactPerson:
    if not (by.is_active and (by.is_job_coach or by.is_coordinator)):
        raise InvalidTransition(gettext_lazy("Only job coaches and coordinators can do this."))
    if employer.kind != Organization.Kind.EMPLOYER:
        raise ValidationError({"organization": [_("Choose an employer.")]})
    if not (name or "").strip():
        raise ValidationError({"name": [_("Give the name.")]})
    return EmployerContactPerson.objects.create(
        organization=employer,
        name=name.strip(),
        title=title or "",
        phone=phone or "",
        email=email or "",
    )


# --- Fidelity --------------------------------------------------------------------------


def item_field(number: int) -> str:
    return f"item_{number}"


@transaction.atomic
def save_fidelity_review(
    *,
    by: User,
    team: Organization | None,
    reviewed_on: datetime.date | None,
    scores: dict,
    notes: str = "",
) -> FidelityReview:
    """A team's fidelity self-review: every one of the 25 items scored 1–5. `scores`
    maps item numbers (1–25) to scores; errors are keyed `item_<n>`."""
    errors: dict[str, list] = {}
    if team is None:
        errors["team"] = [_("Choose the job coaching team.")]
    elif not can_review_fidelity(by, team):
        raise InvalidTransition(
            gettext_lazy("Only a coordinator or a job coach of the team can save its review.")
        )
    if reviewed_on is None:
        errors["reviewed_on"] = [_("Give the date.")]
    elif reviewed_on > timezone.localdate():
        errors["reviewed_on"] = [_("The date cannot be in the future.")]
    elif past_date_error(reviewed_on):
        errors["reviewed_on"] = [past_date_error(reviewed_on)]
    known = {number for number, _label in FIDELITY_ITEMS}
    clean: dict[int, int] = {}
    for key in scores or {}:
        try:
            number = int(key)
        except (TypeError, ValueError):
            number = None
        if number not in known:
            errors.setdefault("scores", []).append(
                _("There is no item %(item)s on the scale (items 1–25).") % {"item": key}
            )
    for number in sorted(known):
        raw = (scores or {}).get(number, (scores or {}).get(str(number)))
        field = item_field(number)
        if raw is None or raw == "":
            errors[field] = [_("Score this item (1–5).")]
            continue
        try:
            value = int(raw)
            if isinstance(raw, float | Decimal) and value != raw:
                raise ValueError
            if isinstance(raw, bool):
                raise ValueError
        except (TypeError, ValueError):
            errors[field] = [_("A score is a whole number from 1 to 5.")]
            continue
        if not FIDELITY_MIN_SCORE <= value <= FIDELITY_MAX_SCORE:
            errors[field] = [_("A score is a whole number from 1 to 5.")]
            continue
        clean[number] = value
    if errors:
        raise ValidationError(errors)
    review = FidelityReview.objects.create(
        team=team,
        reviewed_on=reviewed_on,
        reviewed_by=by,
        total=sum(clean.values()),
        notes=notes or "",
    )
    FidelityItemScore.objects.bulk_create(
        FidelityItemScore(review=review, item=number, score=value)
        for number, value in sorted(clean.items())
    )
    return review
