"""Pages of the coaching app: parse, access, service, render. Every page that shows a
client's data writes the access log (clients.audit)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.access import access_client
from clients.audit import log_client_access
from clients.models import AccessLog
from coaching import services
from coaching.access import (
    access_employer,
    access_job_start,
    access_referral,
    can_end_referral,
    can_review_fidelity,
    can_see_record,
    can_take_referral,
    can_write_referral,
    coaching_teams,
    employer_history_visible_to,
    employers_visible_to,
    fidelity_reviews_visible_to,
    list_basis,
    records_visible_to,
    referral_basis,
    referrals_visible_to,
    writable_caseload,
)
from coaching.forms import (
    BenefitsForm,
    ContactPersonForm,
    EmployerContactForm,
    EmployerForm,
    EndReferralForm,
    FidelityReviewForm,
    FollowAlongNoteForm,
    JobEndForm,
    JobStartForm,
    ProfileForm,
    ReferForm,
)
from coaching.models import (
    CASELOAD_LIMIT,
    FIDELITY_ITEMS,
    EmployerContact,
    FidelityBand,
    FidelityReview,
    Referral,
    VocationalProfile,
)
from common.formerrors import errors_onto
from common.municipalities import municipality_codes_matching
from common.roles import role_required
from coordination.access import access_consultation, can_see_client_of
from coordination.models import User

# Who reaches the referral pages at all; the access rules decide the rest (404).
REFERRAL_ROLES = (User.Role.PROFESSIONAL, User.Role.JOB_COACH, User.Role.COORDINATOR)
EMPLOYER_ROLES = (User.Role.JOB_COACH, User.Role.COORDINATOR)
FIDELITY_ROLES = (User.Role.JOB_COACH, User.Role.COORDINATOR, User.Role.MANAGER)
# "So the team does not call the same employer twice in a week."
RECENT_CONTACT_DAYS = 7
# How long after a job start the record page reminds to update the plan.
TURNING_POINT_DAYS = 30


def _log(request, referral, action=AccessLog.Action.VIEW, kind="coaching_referral"):
    log_client_access(
        request,
        referral.client,
        action=action,
        kind=kind,
        basis=referral_basis(request.user, referral),
    )


def _last_contact():
    return Subquery(
        EmployerContact.objects.filter(referral=OuterRef("pk"))
        .order_by("-contacted_on")
        .values("contacted_on")[:1]
    )


def _days_since(value: datetime.date | None, today: datetime.date) -> int | None:
    return None if value is None else (today - value).days


# --- Valmennettavat: the caseload ------------------------------------------------------


@role_required(User.Role.JOB_COACH, User.Role.COORDINATOR)
def caseload(request):
    """A job coach's clients (active and in follow-along) with the days since the
    referral and since the last employer contact, the waiting referrals of their team to
    take, and a warning over the IPS caseload limit (20). A coordinator sees every
    coach's caseload and every waiting referral."""
    user = request.user
    today = timezone.localdate()
    visible = referrals_visible_to(user)
    served = visible.filter(status__in=Referral.CASELOAD_STATUSES)
    waiting = visible.filter(status=Referral.Status.WAITING)
    if user.is_job_coach:
        served = served.filter(coach=user)
        waiting = (
            waiting.filter(team=user.organization_id) if user.organization_id else waiting.none()
        )
    rows = list(
        served.select_related("client", "coach")
        .annotate(last_contact_on=_last_contact())
        .order_by("coach__last_name", "coach__first_name", "referred_on", "pk")
    )
    waiting_rows = list(
        waiting.select_related("client", "team", "referred_by").order_by("referred_on", "pk")
    )
    for referral in rows:
        referral.days_since_referral = _days_since(referral.referred_on, today)
        referral.days_since_contact = _days_since(referral.last_contact_on, today)
    for referral in waiting_rows:
        referral.days_since_referral = _days_since(referral.referred_on, today)
        referral.can_take = can_take_referral(user, referral)
    # Caseload sizes per coach: the warning when anyone has more than 20 clients.
    loads: dict[int, dict] = {}
    for referral in rows:
        load = loads.setdefault(referral.coach_id, {"coach": referral.coach, "count": 0})
        load["count"] += 1
    over_limit = [load for load in loads.values() if load["count"] > CASELOAD_LIMIT]
    log_client_access(
        request,
        [r.client for r in rows] + [r.client for r in waiting_rows],
        action=AccessLog.Action.LIST,
        kind="coaching_referral",
        basis=list_basis(user),
    )
    return render(
        request,
        "coaching/caseload.html",
        {
            "rows": rows,
            "waiting": waiting_rows,
            "caseload_count": len(rows) if user.is_job_coach else None,
            "over_limit": over_limit,
            "caseload_limit": CASELOAD_LIMIT,
            "loads": sorted(loads.values(), key=lambda load: str(load["coach"])),
        },
    )


@require_POST
@role_required(User.Role.JOB_COACH)
def take(request, referral_id):
    referral = access_referral(request.user, referral_id)
    try:
        services.take_referral(referral, by=request.user)
    except services.InvalidTransition as refusal:
        messages.error(request, str(refusal))
        return redirect("coaching:caseload")
    messages.success(
        request, _("%(client)s is now in your caseload.") % {"client": referral.client}
    )
    return redirect("coaching:referral_detail", referral.uuid)


# --- Referring -------------------------------------------------------------------------


@role_required(*REFERRAL_ROLES)
def refer(request):
    """Refer a client to job coaching: `?plan_action=` (an IPS plan action),
    `?consultation=` (a consultation that asked for job coaching) or `?client=`."""
    user = request.user
    source = request.GET
    plan_action = consultation = None
    if source.get("plan_action"):
        from serviceplans.access import access_action

        plan_action = access_action(user, source["plan_action"])
        client = plan_action.plan.client
    elif source.get("consultation"):
        consultation = access_consultation(user, source["consultation"])
        if not can_see_client_of(user, consultation):
            raise Http404
        client = consultation.client
    elif source.get("client"):
        client = access_client(user, source["client"])
    else:
        raise Http404
    teams = coaching_teams()
    form = ReferForm(
        request.POST or None,
        teams=teams,
        initial={"source": services.source_for(user, consultation)},
    )
    open_referral = client.coaching_referrals.exclude(status=Referral.Status.ENDED).first()
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            referral = services.refer(
                by=user,
                client=client,
                team=form.cleaned_data["team"],
                source=form.cleaned_data["source"],
                plan_action=plan_action,
                consultation=consultation,
                notes=form.cleaned_data["notes"],
            )
        if saved.ok:
            messages.success(request, _("The client has been referred to job coaching."))
            return redirect("coaching:referral_detail", referral.uuid)
    log_client_access(request, client, action=AccessLog.Action.VIEW, kind="coaching_referral")
    return render(
        request,
        "coaching/refer.html",
        {
            "form": form,
            "client": client,
            "plan_action": plan_action,
            "consultation": consultation,
            "open_referral": open_referral,
            "no_teams": not teams.exists(),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- The record ------------------------------------------------------------------------


def _network_link(user, referral):
    """Where the turning-point prompt points: scheduling a meeting in the client's open
    network when the user may, else the network page when the user sees it."""
    from networks.access import can_manage_meetings, networks_visible_to
    from networks.models import ClientNetwork

    network = (
        ClientNetwork.objects.filter(client_id=referral.client_id)
        .exclude(status=ClientNetwork.Status.CLOSED)
        .order_by("-opened_at", "-pk")
        .first()
    )
    if network is None:
        return None
    if can_manage_meetings(user, network):
        return {"url": reverse("networks:meeting_create", args=[network.uuid]), "schedule": True}
    if networks_visible_to(user).filter(pk=network.pk).exists():
        return {"url": reverse("networks:network_detail", args=[network.uuid]), "schedule": False}
    return {"url": None, "schedule": False}


@role_required(*REFERRAL_ROLES)
def referral_detail(request, referral_id):
    user = request.user
    referral = access_referral(user, referral_id)
    today = timezone.localdate()
    context = {
        "referral": referral,
        "client": referral.client,
        "full": can_see_record(user, referral),
        "can_write": can_write_referral(user, referral),
        "can_take": can_take_referral(user, referral),
        "can_end": can_end_referral(user, referral),
        "days_since_referral": _days_since(referral.referred_on, today),
    }
    if context["full"]:
        profile = _profile(referral)
        contacts = list(
            referral.employer_contacts.select_related("employer", "coach", "contact_person")
        )
        jobs = list(referral.job_starts.select_related("employer"))
        notes = list(referral.follow_along_notes.select_related("author", "job_start__employer"))
        recent_start = next(
            (
                job
                for job in jobs
                if job.started_on >= today - datetime.timedelta(days=TURNING_POINT_DAYS)
            ),
            None,
        )
        context.update(
            {
                "profile": profile,
                "contacts": contacts,
                "jobs": jobs,
                "notes": notes,
                "last_contact": contacts[0] if contacts else None,
                "recent_start": recent_start,
                "network_link": _network_link(user, referral) if recent_start else None,
                "end_form": EndReferralForm() if context["can_end"] else None,
            }
        )
    _log(request, referral)
    return render(request, "coaching/referral_detail.html", context)


def _profile(referral):
    try:
        return referral.profile
    except VocationalProfile.DoesNotExist:
        return None


def _writable(request, referral_id):
    referral = access_referral(request.user, referral_id)
    if not can_write_referral(request.user, referral):
        raise Http404
    return referral


def _form_page(request, referral, form, *, title, form_id, submit, extra=None, status=None):
    context = {
        "referral": referral,
        "client": referral.client if referral else None,
        "form": form,
        "title": title,
        "form_id": form_id,
        "submit": submit,
        **(extra or {}),
    }
    if referral is not None:
        _log(request, referral)
    return render(
        request,
        "coaching/form.html",
        context,
        status=status or (400 if request.method == "POST" else 200),
    )


@role_required(User.Role.JOB_COACH, User.Role.COORDINATOR)
def profile_edit(request, referral_id):
    referral = _writable(request, referral_id)
    profile = _profile(referral)
    initial = {"lock_version": 0}
    if profile is not None:
        initial = {
            "lock_version": profile.lock_version,
            "preferences": profile.preferences,
            "strengths": profile.strengths,
            "restrictions": profile.restrictions,
            "disclosure": profile.disclosure,
            "agreed_with_client_on": profile.agreed_with_client_on,
        }
    form = ProfileForm(request.POST or None, initial=initial)
    stale = False
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            services.save_vocational_profile(referral, by=request.user, **form.cleaned_data)
        if saved.ok:
            messages.success(request, _("The vocational profile has been saved."))
            return redirect("coaching:referral_detail", referral.uuid)
        stale = saved.stale
    return _form_page(
        request,
        referral,
        form,
        title=_("Vocational profile"),
        form_id="profile-form",
        submit=_("Save the profile"),
        status=409 if stale else None,
    )


@role_required(User.Role.JOB_COACH, User.Role.COORDINATOR)
def benefits(request, referral_id):
    referral = _writable(request, referral_id)
    form = BenefitsForm(
        request.POST or None,
        initial={
            "benefits_counselling_on": referral.benefits_counselling_on or timezone.localdate(),
            "benefits_counselling_notes": referral.benefits_counselling_notes,
            "lock_version": referral.lock_version,
        },
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            services.record_benefits_counselling(
                referral,
                by=request.user,
                done_on=form.cleaned_data["benefits_counselling_on"],
                notes=form.cleaned_data["benefits_counselling_notes"],
                lock_version=form.cleaned_data["lock_version"],
            )
        if saved.ok:
            messages.success(request, _("The benefits counselling has been recorded."))
            return redirect("coaching:referral_detail", referral.uuid)
        stale = saved.stale
    return _form_page(
        request,
        referral,
        form,
        title=_("Benefits counselling"),
        form_id="benefits-form",
        submit=_("Save"),
        status=409 if stale else None,
    )


def _recent_contacts(employer):
    if employer is None:
        return []
    return list(
        services.recent_contacts_with(employer, days=RECENT_CONTACT_DAYS)
        .select_related("coach")
        .order_by("-contacted_on", "-pk")
    )


@role_required(User.Role.JOB_COACH, User.Role.COORDINATOR)
def contact_create(request):
    """Record a contact with an employer for a client in the caseload (`?referral=` and
    `?employer=` preselect). Warns when anyone contacted the employer in the last week."""
    user = request.user
    referrals = writable_caseload(user)
    employers = employers_visible_to(user)
    initial = {}
    referral = None
    if request.GET.get("referral"):
        referral = access_referral(user, request.GET["referral"])
        initial["referral"] = referral.uuid
    if request.GET.get("employer"):
        initial["employer"] = access_employer(user, request.GET["employer"]).uuid
    form = EmployerContactForm(
        request.POST or None, referrals=referrals, employers=employers, initial=initial
    )
    employer = None
    if request.method == "POST" and form.is_valid():
        referral = form.cleaned_data["referral"]
        employer = form.cleaned_data["employer"]
        with errors_onto(form) as saved:
            services.record_employer_contact(
                referral,
                by=user,
                employer=employer,
                contact_person=form.cleaned_data["contact_person"],
                contacted_on=form.cleaned_data["contacted_on"],
                kind=form.cleaned_data["kind"],
                outcome=form.cleaned_data["outcome"],
                hidden_job=form.cleaned_data["hidden_job"],
                notes=form.cleaned_data["notes"],
            )
        if saved.ok:
            messages.success(request, _("The employer contact has been recorded."))
            return redirect("coaching:referral_detail", referral.uuid)
    # The client choices show the names of the user's clients: a list read.
    log_client_access(
        request,
        [choice.client for choice in form.fields["referral"].queryset],
        action=AccessLog.Action.LIST,
        kind="coaching_referral",
        basis=list_basis(user),
    )
    if employer is None:
        key = form.data.get("employer") if form.is_bound else initial.get("employer")
        if key:
            employer = employers.filter(uuid=key).first() if _is_uuid(key) else None
    return _form_page(
        request,
        referral if referral is not None and can_see_record(user, referral) else None,
        form,
        title=_("Record an employer contact"),
        form_id="employer-contact-form",
        submit=_("Save the contact"),
        extra={"employer": employer, "recent_contacts": _recent_contacts(employer)},
    )


@role_required(*EMPLOYER_ROLES)
def employer_recent(request):
    """The week's warning for the employer chosen on the contact form (`?employer=`):
    a fragment that htmx swaps in; empty when nobody contacted the employer. Not a page
    of its own: without htmx it is 404."""
    if request.headers.get("HX-Request") != "true":
        raise Http404
    key = request.GET.get("employer") or ""
    employer = None
    if _is_uuid(key):
        employer = employers_visible_to(request.user).filter(uuid=key).first()
    return render(
        request,
        "coaching/_recent_contacts.html",
        {"employer": employer, "recent_contacts": _recent_contacts(employer)},
    )


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@role_required(User.Role.JOB_COACH, User.Role.COORDINATOR)
def job_start_create(request, referral_id):
    referral = _writable(request, referral_id)
    form = JobStartForm(request.POST or None, employers=employers_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            job = services.record_job_start(referral, by=request.user, **form.cleaned_data)
        if saved.ok:
            messages.success(
                request,
                _(
                    "The job start has been recorded. A job start is a turning point: "
                    "update the plan with the client's network."
                ),
            )
            return redirect(
                reverse("coaching:referral_detail", args=[referral.uuid]) + f"#job-{job.uuid}"
            )
    return _form_page(
        request,
        referral,
        form,
        title=_("Record a job start"),
        form_id="job-start-form",
        submit=_("Save the job start"),
    )


@role_required(User.Role.JOB_COACH, User.Role.COORDINATOR)
def job_end(request, job_start_id):
    job = access_job_start(request.user, job_start_id)
    referral = job.referral
    if not can_write_referral(request.user, referral) or not job.is_ongoing:
        raise Http404
    form = JobEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            services.end_job(job, by=request.user, **form.cleaned_data)
        if saved.ok:
            messages.success(request, _("The end of the job has been recorded."))
            return redirect("coaching:referral_detail", referral.uuid)
    return _form_page(
        request,
        referral,
        form,
        title=_("The job ended"),
        form_id="job-end-form",
        submit=_("Save"),
        extra={"job": job},
    )


@role_required(User.Role.JOB_COACH, User.Role.COORDINATOR)
def note_create(request, referral_id):
    referral = _writable(request, referral_id)
    form = FollowAlongNoteForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            services.add_follow_along_note(referral, by=request.user, **form.cleaned_data)
        if saved.ok:
            messages.success(request, _("The follow-along note has been saved."))
            return redirect("coaching:referral_detail", referral.uuid)
    return _form_page(
        request,
        referral,
        form,
        title=_("Follow-along support"),
        form_id="follow-along-form",
        submit=_("Save the note"),
    )


@role_required(User.Role.JOB_COACH, User.Role.COORDINATOR)
def referral_end(request, referral_id):
    referral = access_referral(request.user, referral_id)
    if not can_end_referral(request.user, referral):
        raise Http404
    form = EndReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            services.end_referral(
                referral,
                by=request.user,
                reason=form.cleaned_data["end_reason"],
                ended_on=form.cleaned_data["ended_on"],
            )
        if saved.ok:
            messages.success(request, _("The job coaching has ended."))
            return redirect("coaching:referral_detail", referral.uuid)
    return _form_page(
        request,
        referral,
        form,
        title=_("End the job coaching"),
        form_id="end-referral-form",
        submit=_("End the job coaching"),
    )


# --- Employers -------------------------------------------------------------------------


@role_required(*EMPLOYER_ROLES)
def employer_list(request):
    """Employers with the latest contact by anyone, and a flag when someone contacted
    the employer in the last week. A job coach or coordinator adds a new employer here."""
    user = request.user
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            employer = services.add_employer(by=user, **form.cleaned_data)
        if saved.ok:
            messages.success(request, _("The employer has been added."))
            return redirect("coaching:employer_detail", employer.uuid)
    today = timezone.localdate()
    since = today - datetime.timedelta(days=RECENT_CONTACT_DAYS - 1)
    query = (request.GET.get("q") or "").strip()[:100]
    employers = employers_visible_to(user)
    if query:
        employers = employers.filter(
            Q(name__icontains=query) | Q(municipality__in=municipality_codes_matching(query))
        )
    employers = list(
        employers.annotate(
            last_contact_on=Max("employer_contacts__contacted_on"),
            contact_count=Count("employer_contacts", distinct=True),
            person_count=Count("employer_contact_persons", distinct=True),
        ).order_by("name", "pk")
    )
    for employer in employers:
        employer.contacted_recently = bool(
            employer.last_contact_on and employer.last_contact_on >= since
        )
    return render(
        request,
        "coaching/employer_list.html",
        {"employers": employers, "form": form, "query": query},
        status=400 if request.method == "POST" else 200,
    )


@role_required(*EMPLOYER_ROLES)
def employer_detail(request, employer_id):
    user = request.user
    employer = access_employer(user, employer_id)
    person_form = ContactPersonForm(request.POST or None)
    if request.method == "POST" and person_form.is_valid():
        with errors_onto(person_form) as saved:
            services.add_contact_person(employer, by=user, **person_form.cleaned_data)
        if saved.ok:
            messages.success(request, _("The contact person has been added."))
            return redirect("coaching:employer_detail", employer.uuid)
    history = list(
        employer_history_visible_to(user)
        .filter(employer=employer)
        .select_related("coach", "contact_person", "referral__client")
        .order_by("-contacted_on", "-pk")[:200]
    )
    # The client's name only where the user sees the referral's record.
    shown = set(
        records_visible_to(user)
        .filter(pk__in={contact.referral_id for contact in history})
        .values_list("pk", flat=True)
    )
    for contact in history:
        contact.client_shown = contact.referral_id in shown
    log_client_access(
        request,
        [contact.referral.client for contact in history if contact.client_shown],
        action=AccessLog.Action.LIST,
        kind="employer_contact",
        basis=list_basis(user),
    )
    return render(
        request,
        "coaching/employer_detail.html",
        {
            "employer": employer,
            "persons": list(employer.employer_contact_persons.all()),
            "history": history,
            "recent_contacts": _recent_contacts(employer),
            "person_form": person_form,
            "can_record": user.is_job_coach or user.is_coordinator,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Fidelity --------------------------------------------------------------------------


def _band_class(band: str) -> str:
    return {
        FidelityBand.EXEMPLARY: "success",
        FidelityBand.GOOD: "primary",
        FidelityBand.FAIR: "warning",
        FidelityBand.NOT_SUPPORTED_EMPLOYMENT: "danger",
    }.get(band, "secondary")


@role_required(*FIDELITY_ROLES)
def fidelity_list(request):
    """The trend of each team's fidelity reviews: a table per team (the accessible source)
    and a line chart drawn from it."""
    user = request.user
    reviews = list(
        fidelity_reviews_visible_to(user)
        .select_related("team", "reviewed_by")
        .order_by("team__name", "team_id", "reviewed_on", "pk")
    )
    teams: dict[int, dict] = {}
    for review in reviews:
        review.band_class = _band_class(review.band)
        team = teams.setdefault(
            review.team_id, {"team": review.team, "reviews": [], "key": review.team.uuid}
        )
        team["reviews"].append(review)
    for team in teams.values():
        previous = None
        for review in team["reviews"]:
            review.change = None if previous is None else review.total - previous.total
            previous = review
        team["latest"] = team["reviews"][-1]
    return render(
        request,
        "coaching/fidelity_list.html",
        {
            "teams": list(teams.values()),
            "can_review": can_review_fidelity(user),
            "bands": FidelityBand.choices,
        },
    )


@role_required(User.Role.JOB_COACH, User.Role.COORDINATOR)
def fidelity_create(request):
    user = request.user
    teams = coaching_teams()
    if user.is_job_coach:
        teams = teams.filter(pk=user.organization_id)
    initial = {"team": teams.first().uuid} if teams.count() == 1 else {}
    form = FidelityReviewForm(request.POST or None, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            review = services.save_fidelity_review(
                by=user,
                team=form.cleaned_data["team"],
                reviewed_on=form.cleaned_data["reviewed_on"],
                scores=form.scores(),
                notes=form.cleaned_data["notes"],
            )
        if saved.ok:
            messages.success(
                request,
                _("The fidelity review has been saved: %(total)d/125, %(band)s.")
                % {"total": review.total, "band": review.get_band_display()},
            )
            return redirect("coaching:fidelity_detail", review.uuid)
    return render(
        request,
        "coaching/fidelity_form.html",
        {"form": form, "no_teams": not teams.exists()},
        status=400 if request.method == "POST" else 200,
    )


@role_required(*FIDELITY_ROLES)
def fidelity_detail(request, review_id):
    try:
        review = (
            fidelity_reviews_visible_to(request.user)
            .select_related("team", "reviewed_by")
            .get(uuid=review_id)
        )
    except (FidelityReview.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    labels = dict(FIDELITY_ITEMS)
    scores = [(s.item, labels.get(s.item, s.item), s.score) for s in review.scores.all()]
    return render(
        request,
        "coaching/fidelity_detail.html",
        {"review": review, "scores": scores, "band_class": _band_class(review.band)},
    )
