"""The people and organisation pages of administrators and organisation administrators,
and the invitation link."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from common.errors import InvalidTransition
from common.formerrors import errors_onto
from coordination.models import Organization, User
from coordination.twofactor import has_two_factor
from outbox import services as outbox
from outbox.models import OutboxMessage
from people import access, handover, services
from people.forms import (
    HandoverForm,
    InviteForm,
    OrganizationFilterForm,
    OrganizationForm,
    PersonFilterForm,
    PersonForm,
)
from people.models import ChangeRecord, Invitation

PAGE_SIZE = 25
RECENT_CHANGES = 50


def _require_manager(request: HttpRequest) -> None:
    if not access.can_manage_people(request.user):
        raise Http404


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def with_status(queryset: QuerySet[User]) -> QuerySet[User]:
    pending = Invitation.objects.filter(
        user=OuterRef("pk"), accepted_at__isnull=True, withdrawn_at__isnull=True
    )
    return queryset.annotate(invitation_open=Exists(pending))


def _filtered_people(form: PersonFilterForm, queryset: QuerySet[User]) -> QuerySet[User]:
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    if data.get("q"):
        for word in data["q"].split():
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(username__icontains=word)
                | Q(title__icontains=word)
            )
    if data.get("organization"):
        queryset = queryset.filter(organization=data["organization"])
    if data.get("role"):
        queryset = queryset.filter(role=data["role"])
    status = data.get("status")
    if status == PersonFilterForm.Status.ACTIVE:
        queryset = queryset.filter(is_active=True)
    elif status == PersonFilterForm.Status.INVITED:
        queryset = queryset.filter(Q(is_active=False) & Q(invitation_open=True))
    elif status == PersonFilterForm.Status.DEACTIVATED:
        queryset = queryset.filter(Q(is_active=False) & Q(invitation_open=False))
    return queryset


@login_required
def person_list(request):
    _require_manager(request)
    form = PersonFilterForm(request.GET or None, user=request.user)
    people = _filtered_people(
        form,
        with_status(access.people_managed_by(request.user)).select_related("organization"),
    ).order_by("last_name", "first_name", "pk")
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/person_list.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


@login_required
def person_invite(request):
    _require_manager(request)
    form = InviteForm(
        request.POST or None,
        user=request.user,
        initial={"organization": request.user.organization_id},
    )
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            invitation, _token = services.invite_person(by=request.user, **form.cleaned_data)
        if saved.ok:
            messages.success(
                request,
                _("The invitation was sent to %(email)s. The link works for %(days)d days.")
                % {"email": invitation.user.email, "days": services.INVITATION_DAYS},
            )
            return redirect("people:person_detail", invitation.user.uuid)
    return render(request, "people/person_invite.html", {"form": form}, status=_status(form))


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _history(records: QuerySet[ChangeRecord]) -> list[ChangeRecord]:
    return list(records.select_related("actor")[:RECENT_CHANGES])


@login_required
def person_detail(request, person_id):
    person = access.access_person(request.user, person_id)
    invitation = person.invitations.order_by("-created_at").first()
    context = {
        "person": person,
        "invitation": invitation,
        "history": _history(person.change_records.all()),
        "has_second_factor": has_two_factor(person),
        "work": handover.work_of(person) if person.is_active else None,
        "may_change": access.may_grant(request.user, person.role),
        "is_self": person.pk == request.user.pk,
    }
    return render(request, "people/person_detail.html", context)


@login_required
def person_edit(request, person_id):
    person = access.access_person(request.user, person_id)
    initial = {
        "organization": person.organization_id,
        "role": person.role,
        "is_org_admin": person.is_org_admin,
        "title": person.title,
        "phone": person.phone,
        "language": person.language,
    }
    form = PersonForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            services.change_person(person, by=request.user, **form.cleaned_data)
        if saved.ok:
            messages.success(request, _("The changes were saved."))
            return redirect("people:person_detail", person.uuid)
    return render(
        request, "people/person_edit.html", {"form": form, "person": person}, status=_status(form)
    )


@login_required
def person_deactivate(request, person_id):
    """The person's open work, the colleague who takes it over, and the deactivation: one
    transaction (people.handover)."""
    person = access.access_person(request.user, person_id)
    if not person.is_active:
        return redirect("people:person_detail", person.uuid)
    form = HandoverForm(request.POST or None, user=request.user, leaver=person)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            work = handover.hand_over_and_deactivate(
                person, by=request.user, receiver=form.cleaned_data["receiver"]
            )
        if saved.ok:
            if work.count:
                messages.success(
                    request,
                    _(
                        "%(name)s was deactivated and %(count)d pieces of work handed "
                        "over to %(receiver)s."
                    )
                    % {
                        "name": person,
                        "count": work.count,
                        "receiver": form.cleaned_data["receiver"],
                    },
                )
            else:
                messages.success(request, _("%(name)s was deactivated.") % {"name": person})
            return redirect("people:person_detail", person.uuid)
    context = {
        "person": person,
        "form": form,
        "work": handover.work_of(person),
        "refusals": services.deactivation_errors(person, by=request.user),
    }
    return render(request, "people/person_deactivate.html", context, status=_status(form))


def _person_action(request, person_id, action, success: str):
    person = access.access_person(request.user, person_id)
    try:
        action(person, by=request.user)
    except (InvalidTransition, ValidationError) as refusal:
        text = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
        messages.error(request, text)
    else:
        messages.success(request, success)
    return redirect("people:person_detail", person.uuid)


@require_POST
@login_required
def person_reactivate(request, person_id):
    return _person_action(
        request, person_id, services.reactivate_person, _("The account is active again.")
    )


@require_POST
@login_required
def person_reset_second_factor(request, person_id):
    return _person_action(
        request,
        person_id,
        services.reset_second_factor,
        _("The second factor was reset. The person sets up a new one at their next login."),
    )


@require_POST
@login_required
def person_resend_invitation(request, person_id):
    return _person_action(
        request, person_id, services.resend_invitation, _("A new invitation was sent.")
    )


# --- Organisations ------------------------------------------------------------------------


@login_required
def organization_list(request):
    _require_manager(request)
    form = OrganizationFilterForm(request.GET or None)
    organizations = (
        access.organizations_managed_by(request.user)
        .select_related("parent")
        .annotate(people=Count("users", filter=Q(users__is_active=True)))
        .order_by("name")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            organizations = organizations.filter(name__icontains=data["q"])
        if data.get("kind"):
            organizations = organizations.filter(kind=data["kind"])
        if data.get("active"):
            organizations = organizations.filter(active=data["active"] == "yes")
    page = Paginator(organizations, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "may_edit": access.can_edit_organizations(request.user),
    }
    return render(request, "people/organization_list.html", context)


@login_required
def organization_detail(request, managed_organization_id):
    organization = access.access_managed_organization(request.user, managed_organization_id)
    context = {
        "organization": organization,
        "units": list(organization.units.order_by("name")),
        "people_count": organization.users.filter(is_active=True).count(),
        "history": _history(organization.change_records.all()),
        "may_edit": access.can_edit_organizations(request.user),
    }
    return render(request, "people/organization_detail.html", context)


def _organization_form(request, organization: Organization):
    if not access.can_edit_organizations(request.user):
        raise Http404
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            services.save_organization(form.instance, by=request.user)
        if saved.ok:
            messages.success(request, _("The organisation was saved."))
            return redirect("people:organization_detail", form.instance.uuid)
    context = {"form": form, "organization": organization if organization.pk else None}
    return render(request, "people/organization_form.html", context, status=_status(form))


@login_required
def organization_create(request):
    return _organization_form(request, Organization())


@login_required
def organization_edit(request, managed_organization_id):
    organization = access.access_managed_organization(request.user, managed_organization_id)
    return _organization_form(request, organization)


# --- The invitation link --------------------------------------------------------------------

SESSION_TOKEN = "invitation_token"  # noqa: S105 (the session key's name, not a secret)


@never_cache
@sensitive_variables("token")
def invitation_open(request, token):
    """The link from the e-mail: the token moves into the session and out of the address
    (as Django's password reset does), so that it leaks through no Referer header."""
    try:
        services.usable_invitation(token)
    except services.InvitationUnusable:
        return render(request, "people/invitation_unusable.html")
    request.session[SESSION_TOKEN] = token
    return redirect("people:invitation_accept")


@never_cache
@sensitive_variables("token")
@sensitive_post_parameters("new_password1", "new_password2")
def invitation_accept(request):
    token = request.session.get(SESSION_TOKEN, "")
    try:
        invitation = services.usable_invitation(token)
    except services.InvitationUnusable:
        return render(request, "people/invitation_unusable.html")
    user = invitation.user
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(token, password=form.cleaned_data["new_password1"])
        except services.InvitationUnusable:
            return render(request, "people/invitation_unusable.html")
        except ValidationError as invalid:
            form.add_error("new_password1", invalid)
        else:
            request.session.pop(SESSION_TOKEN, None)
            # The second factor, where the role needs one, is asked next by the
            # two-factor middleware, which sends her to its setup page first.
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            with translation.override(user.language):
                messages.success(request, _("Welcome! Your account is ready."))
            response = redirect("home")
            samesite: Any = settings.LANGUAGE_COOKIE_SAMESITE  # a setting: any of the four
            # Her pages open in the language the invitation named, as after a login.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=samesite,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
            return response
    context = {"form": form, "invited": user}
    return render(request, "people/invitation_accept.html", context, status=_status(form))


# --- Outgoing e-mail ----------------------------------------------------------------------


@login_required
def outbox_list(request):
    """E-mail that has not gone out, for the service's administrators: recipient,
    subject and the error, never the texts (a body may carry a one-time link). A retry
    queues the failed ones again."""
    if not access.is_administrator(request.user):
        raise Http404
    if request.method == "POST":
        with transaction.atomic():
            count = outbox.retry_messages(OutboxMessage.objects.all())
        messages.success(
            request,
            ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count)
            % {"count": count},
        )
        return redirect("people:outbox_list")
    rows = (
        OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT)
        .only("recipient", "subject", "state", "attempts", "last_error", "created_at")
        .order_by("-created_at")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/outbox_list.html", {"page": page, "query": ""})
