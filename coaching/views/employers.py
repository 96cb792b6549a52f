"""The employers the job coaches work with, and their contact people."""

import datetime

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.audit import log_client_access
from clients.models import AccessLog
from coaching import services
from coaching.access import (
    access_employer,
    employer_history_visible_to,
    employers_visible_to,
    list_basis,
    records_visible_to,
)
from coaching.forms import ContactPersonForm, EmployerForm
from coaching.views.base import EMPLOYER_ROLES, RECENT_CONTACT_DAYS, recent_contacts
from common.formerrors import errors_onto
from common.municipalities import municipality_codes_matching
from common.roles import role_required


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
            "recent_contacts": recent_contacts(employer),
            "person_form": person_form,
            "can_record": user.is_job_coach or user.is_coordinator,
        },
        status=400 if request.method == "POST" else 200,
    )
