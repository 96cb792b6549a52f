"""Pages of the hub: login, the home page of each role, the language choice."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from clients.audit import log_client_access
from clients.forms import ClientIdentityForm
from clients.models import AccessLog
from common import ratelimit
from common.formerrors import apply_errors, errors_onto
from common.roles import role_required
from common.workdays import working_days_between
from coordination import services, sessions
from coordination.access import (
    access_consultation,
    can_see_client_as_sent,
    can_see_client_of,
    consultations_visible_to,
    consultations_with_details,
    identity_match,
)
from coordination.filters import OPEN, ConsultationFilterSet
from coordination.forms import (
    AnonymousClientForm,
    AnswerForm,
    AssignForm,
    CloseForm,
    ConsultationConsentForm,
    ConsultationForm,
    FeedbackForm,
    LoginForm,
    RequestKindForm,
    TriageForm,
)
from coordination.models import ConsultationRequest, SecurityEvent, User
from coordination.security import record_security_event


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if ratelimit.login_over_limit(request):
            context = {
                "form": self.get_form_class()(request, data=None),
                "locked_out": True,
                "lockout_message": _(
                    "Too many login attempts from your address. Wait a few minutes and try again."
                ),
            }
            return render(request, "registration/login.html", context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        ratelimit.count_failed_login(self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        # The language a user last chose follows them from one login to the next.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            form.get_user().language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, and a row in the security log: a changed password is how an
    account is taken over, so the administrators can see when and from where. The
    person's other sessions end: Django would refuse them at their next request (their
    password hash is old), and the sessions page must not list them as open."""

    def form_valid(self, form):
        response = super().form_valid(form)
        record_security_event(
            SecurityEvent.Kind.PASSWORD_CHANGED, user=self.request.user, request=self.request
        )
        sessions.end_other_sessions(self.request)
        return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this when a username-and-address pair is locked: the login page
    again, with a message that says what happened and for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = LoginForm(request, data=None, initial={"username": (credentials or {}).get("username")})
    context = {
        "form": form,
        "locked_out": True,
        "lockout_message": _(
            "Too many failed login attempts with this username from your address. "
            "Logging in as this user is locked for %(minutes)d minutes. "
            "If you have forgotten your password, contact your organisation's administrator."
        )
        % {"minutes": minutes},
    }
    return render(request, "registration/login.html", context, status=429)


@require_POST
def set_language(request):
    """Django's own language switch, which also remembers the choice for a logged-in user."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.set_user_language(request.user, language)
    return response


REQUESTERS = (User.Role.PROFESSIONAL, User.Role.JOB_COACH, User.Role.COORDINATOR)
PAGE_SIZE = 50

HOME_TEMPLATES = {
    User.Role.PROFESSIONAL: "coordination/home_professional.html",
    User.Role.COORDINATOR: "coordination/home_coordinator.html",
    User.Role.MANAGER: "coordination/home_manager.html",
    User.Role.ADMINISTRATOR: "coordination/home_administrator.html",
}


@login_required
def home(request):
    user = request.user
    template = HOME_TEMPLATES.get(user.role, HOME_TEMPLATES[User.Role.PROFESSIONAL])
    context = {}
    if user.role in REQUESTERS:
        mine = consultations_visible_to(user).filter(requester=user)
        context["my_open_count"] = mine.filter(status__in=ConsultationRequest.OPEN_STATUSES).count()
    if user.is_coordinator:
        context["queue_waiting_count"] = (
            consultations_visible_to(user)
            .filter(status=ConsultationRequest.Status.SUBMITTED)
            .count()
        )
    return render(request, template, context)


# --- Consultation requests -------------------------------------------------------------


# Error reports (to logs or e-mail) must never carry an identity code.
@sensitive_variables()
@sensitive_post_parameters("client-personal_identity_code")
@role_required(*REQUESTERS)
def consultation_create(request):
    data = request.POST if request.method == "POST" else None
    kind_form = RequestKindForm(data)
    client_form = ClientIdentityForm(data, prefix="client")
    anonymous_form = AnonymousClientForm(data, prefix="anon")
    consent_form = ConsultationConsentForm(data, prefix="consent")
    consultation_form = ConsultationForm(data)
    if request.method == "POST" and kind_form.is_valid():
        anonymous = kind_form.anonymous
        # The part not chosen keeps what was typed, but is not validated (no errors).
        if anonymous:
            client_form = _unvalidated(ClientIdentityForm, data, "client")
            consent_form = _unvalidated(ConsultationConsentForm, data, "consent")
            parts = [consultation_form, anonymous_form]
        else:
            anonymous_form = _unvalidated(AnonymousClientForm, data, "anon")
            parts = [consultation_form, client_form, consent_form]
        # Validate every part (not all() over a generator) so each shows its errors.
        valid = [form.is_valid() for form in parts]
        if all(valid):
            fields = dict(consultation_form.cleaned_data)
            # The consent's fields are the service's consent_method and consent_valid_until.
            aliases = {"consent_method": "method", "consent_valid_until": "valid_until"}
            with errors_onto(*parts, mapping=aliases) as saved:
                if anonymous:
                    consultation = services.submit_consultation(
                        requester=request.user,
                        anonymous=True,
                        **fields,
                        **anonymous_form.cleaned_data,
                    )
                else:
                    consultation = services.submit_consultation(
                        requester=request.user,
                        anonymous=False,
                        client_data=client_form.client_data(),
                        consent_method=consent_form.cleaned_data["method"],
                        consent_valid_until=consent_form.cleaned_data["valid_until"],
                        **fields,
                    )
            if saved.ok:
                return redirect("consultation_confirmation", consultation.uuid)
    return render(
        request,
        "coordination/consultation_create.html",
        {
            "kind_form": kind_form,
            "client_form": client_form,
            "anonymous_form": anonymous_form,
            "consent_form": consent_form,
            "consultation_form": consultation_form,
        },
    )


def _unvalidated(form_class, data, prefix):
    """An unbound form showing the values typed into it, without validation errors."""
    form = form_class(prefix=prefix)
    initial = {}
    for name, field in form.fields.items():
        value = field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        if value not in (None, "", []):
            initial[name] = value
    return form_class(prefix=prefix, initial=initial)


@role_required(*REQUESTERS)
def consultation_confirmation(request, consultation_id):
    consultation = access_consultation(
        request.user,
        consultation_id,
        consultations_visible_to(request.user).filter(requester=request.user),
    )
    return render(
        request,
        "coordination/consultation_confirmation.html",
        {"consultation": consultation, "target_days": settings.CONSULTATION_TARGET_WORKING_DAYS},
    )


def _waiting(consultation: ConsultationRequest, today) -> int:
    """Working days from sending to the first response (or to today, while waiting)."""
    start = timezone.localdate(consultation.submitted_at)
    end = (
        timezone.localdate(consultation.first_response_at)
        if consultation.first_response_at
        else today
    )
    return working_days_between(start, end)


@role_required(User.Role.COORDINATOR)
def consultation_queue(request):
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = OPEN
    queryset = consultations_visible_to(request.user).select_related(
        "requester", "requesting_organization", "client", "assigned_to"
    )
    filterset = ConsultationFilterSet(data, queryset=queryset, request=request)
    rows = filterset.qs.order_by("submitted_at", "pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    target = settings.CONSULTATION_TARGET_WORKING_DAYS
    for consultation in page:
        consultation.waiting_days = _waiting(consultation, today)
        consultation.overdue = (
            consultation.first_response_at is None and consultation.waiting_days > target
        )
    log_client_access(
        request, [c.client for c in page], action=AccessLog.Action.LIST, kind="consultation"
    )
    query = data.copy()
    query.pop("page", None)
    return render(
        request,
        "coordination/consultation_queue.html",
        {"filter": filterset, "page": page, "target": target, "query": query.urlencode()},
    )


def _detail_context(request, consultation, **forms):
    user = request.user
    show_client = can_see_client_of(user, consultation)
    feedback = list(consultation.feedback.all())
    answer = getattr(consultation, "answer", None)
    context = {
        "consultation": consultation,
        "answer": answer,
        "feedback": feedback[0] if feedback else None,
        "show_client": show_client,
        "show_client_as_sent": can_see_client_as_sent(user, consultation),
        "is_requester": consultation.requester_id == user.pk,
        "can_act": user.is_coordinator and consultation.is_open,
        "can_withdraw": consultation.requester_id == user.pk
        and consultation.status
        in (ConsultationRequest.Status.SUBMITTED, ConsultationRequest.Status.TRIAGED),
        "can_give_feedback": services.can_give_feedback(consultation, user) and not feedback,
        "waiting_days": _waiting(consultation, timezone.localdate()),
        "target": settings.CONSULTATION_TARGET_WORKING_DAYS,
    }
    if user.is_coordinator:
        S = ConsultationRequest.Status
        context.update(
            {
                "assign_form": forms.get("assign_form")
                or AssignForm(initial={"assignee": consultation.assigned_to or user}),
                "triage_form": forms.get("triage_form")
                or TriageForm(initial={"urgency": consultation.urgency}),
                "answer_form": forms.get("answer_form") or AnswerForm(),
                "close_form": forms.get("close_form") or CloseForm(),
                "can_triage": consultation.status == S.SUBMITTED,
                "can_answer": consultation.status in (S.SUBMITTED, S.TRIAGED),
                "can_mark_network": not consultation.anonymous
                and consultation.status in (S.SUBMITTED, S.TRIAGED, S.ANSWERED),
                "can_close": consultation.status in services.CLOSABLE,
                "identity_match": identity_match(user, consultation),
            }
        )
    context["feedback_form"] = forms.get("feedback_form") or FeedbackForm()
    return context


def _load(request, consultation_id):
    queryset = consultations_with_details(request.user)
    return access_consultation(request.user, consultation_id, queryset)


def _read_basis(user) -> str | None:
    """A coordinator reads through the hub role; anybody else reads a request's client
    only as they sent it, on the basis of their request."""
    return None if user.is_coordinator else AccessLog.Basis.CONSULTATION


@role_required(*REQUESTERS)
def consultation_detail(request, consultation_id):
    consultation = _load(request, consultation_id)
    # Opening the request reads its inbox items (by relation name: the inbox is above
    # this app): one conditional UPDATE.
    request.user.inbox_items.filter(
        content_type__app_label="coordination",
        content_type__model="consultationrequest",
        object_id=consultation.pk,
        read_at__isnull=True,
    ).update(read_at=timezone.now())
    context = _detail_context(request, consultation)
    # The client as the requester sent them is still that client's data: logged too.
    if context["show_client"] or (context["show_client_as_sent"] and consultation.client_id):
        log_client_access(
            request,
            consultation.client,
            action=AccessLog.Action.VIEW,
            kind="consultation",
            basis=_read_basis(request.user),
        )
    if context.get("identity_match"):
        log_client_access(
            request, context["identity_match"], action=AccessLog.Action.VIEW, kind="consultation"
        )
    return render(request, "coordination/consultation_detail.html", context)


ACTIONS = {
    # action in the URL: (form class or None, context name of the form, the service's move)
    "assign": (AssignForm, "assign_form", "assign"),
    "triage": (TriageForm, "triage_form", "triage"),
    "answer": (AnswerForm, "answer_form", "answer"),
    "close": (CloseForm, "close_form", "close"),
    "network-needed": (None, None, "mark_network_needed"),
    "link-client": (None, None, "link_client"),
    "withdraw": (None, None, "withdraw"),
    "feedback": (FeedbackForm, "feedback_form", None),
}


def _run(action, consultation, user, data):
    move = ACTIONS[action][2]
    if move is None:
        return services.give_feedback(consultation, by=user, **data)
    return services.transition_consultation(consultation, by=user, action=move, **data)


DONE_MESSAGES = {
    "assign": gettext_lazy("The request has been assigned."),
    "triage": gettext_lazy("The request has been triaged."),
    "answer": gettext_lazy("The answer has been sent to the requester."),
    "close": gettext_lazy("The request has been closed."),
    "network-needed": gettext_lazy("The request has been marked as needing a client network."),
    "link-client": gettext_lazy("The request has been linked to the client."),
    "withdraw": gettext_lazy("The request has been withdrawn."),
    "feedback": gettext_lazy("Thank you for your feedback."),
}


@require_POST
@role_required(*REQUESTERS)
def consultation_action(request, consultation_id, action):
    """One POST per transition: parse the form, check access, call the service."""
    if action not in ACTIONS:
        raise Http404
    consultation = _load(request, consultation_id)
    form_class, form_name = ACTIONS[action][:2]
    form = form_class(request.POST) if form_class else None
    if form is None or form.is_valid():
        try:
            _run(action, consultation, request.user, form.cleaned_data if form else {})
        except services.InvalidTransition as refusal:
            # A refused move (another coordinator's answer went first, say) is told above
            # the request as it is now, not on the form.
            messages.error(request, str(refusal))
        except ValidationError as invalid:
            if form is None:
                messages.error(request, " ".join(invalid.messages))
            else:
                apply_errors(invalid, form)
        else:
            messages.success(request, str(DONE_MESSAGES[action]))
            if action == "feedback":
                return redirect(reverse("my_requests") + f"#request-{consultation.uuid}")
            return redirect("consultation_detail", consultation.uuid)
        if form is None or not form.errors:
            return redirect("consultation_detail", consultation.uuid)
    consultation = _load(request, consultation_id)
    context = _detail_context(request, consultation, **{form_name: form})
    return render(request, "coordination/consultation_detail.html", context, status=400)


@role_required(*REQUESTERS)
def my_requests(request):
    rows = (
        consultations_visible_to(request.user)
        .filter(requester=request.user)
        .select_related("requesting_organization", "client", "consent", "answer")
        .prefetch_related("feedback")
        .order_by("-submitted_at", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = []
    for consultation in page:
        consultation.show_client = can_see_client_of(request.user, consultation)
        consultation.show_client_as_sent = can_see_client_as_sent(request.user, consultation)
        consultation.given_feedback = next(iter(consultation.feedback.all()), None)
        consultation.can_give_feedback = (
            services.can_give_feedback(consultation, request.user)
            and consultation.given_feedback is None
        )
        if consultation.can_give_feedback:
            consultation.feedback_form = FeedbackForm(auto_id=f"id_{consultation.uuid}_%s")
        if consultation.show_client or (
            consultation.show_client_as_sent and consultation.client_id
        ):
            shown.append(consultation.client)
    log_client_access(
        request,
        shown,
        action=AccessLog.Action.LIST,
        kind="consultation",
        basis=_read_basis(request.user),
    )
    return render(request, "coordination/consultation_mine.html", {"page": page})
