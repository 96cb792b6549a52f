"""The record of one referral: the profile, benefits counselling, employer contacts,
job starts, follow-along notes and the end of the coaching."""

import datetime
import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.audit import log_client_access
from clients.models import AccessLog
from coaching import services
from coaching.access import (
    TURNING_POINT_DAYS,
    access_employer,
    access_job_start,
    access_referral,
    can_end_referral,
    can_see_record,
    can_take_referral,
    can_write_referral,
    employers_visible_to,
    list_basis,
    writable_caseload,
)
from coaching.forms import (
    BenefitsForm,
    EmployerContactForm,
    EndReferralForm,
    FollowAlongNoteForm,
    JobEndForm,
    JobStartForm,
    ProfileForm,
)
from coaching.models import VocationalProfile
from coaching.views.base import (
    EMPLOYER_ROLES,
    REFERRAL_ROLES,
    days_since,
    log_referral,
    recent_contacts,
)
from common.formerrors import errors_onto
from common.roles import role_required
from coordination.models import User
from networks.access import can_manage_meetings, networks_visible_to
from networks.models import ClientNetwork


def _network_link(user, referral):
    """Where the turning-point prompt points: scheduling a meeting in the client's open
    network when the user may, else the network page when the user sees it."""
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
        "days_since_referral": days_since(referral.referred_on, today),
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
    log_referral(request, referral)
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
        log_referral(request, referral)
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
        extra={"employer": employer, "recent_contacts": recent_contacts(employer)},
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
        {"employer": employer, "recent_contacts": recent_contacts(employer)},
    )


def _is_uuid(value) -> bool:
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
