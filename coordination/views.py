"""Pages of the hub: login, the language choice, consultation requests and the queue."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from clients.audit import log_client_access
from clients.forms import ClientIdentityForm
from clients.models import AccessLog, looks_like_identity_code
from common import ratelimit
from common.confirm import ReasonForm, render_confirmation
from common.formerrors import apply_errors, errors_onto
from common.roles import role_required
from coordination import queue, services, sessions
from coordination.access import (
    access_consultation,
    can_see_client_as_sent,
    can_see_client_of,
    consultations_visible_to,
    consultations_with_details,
    identity_match,
)
from coordination.filters import QueueFilterSet
from coordination.forms import (
    AnonymousClientForm,
    AnswerForm,
    AssignForm,
    CloseForm,
    ConsultationConsentForm,
    ConsultationForm,
    FeedbackForm,
    LoginForm,
    MessageForm,
    QueueBulkForm,
    RequestKindForm,
    TriageForm,
)
from coordination.models import ConsultationRequest, SecurityEvent, User
from coordination.security import record_security_event


def _sso_providers() -> list[dict]:
    """The login page's single sign-on buttons: one for each configured provider."""
    return [
        {"name": provider["name"], "label": provider["label"]}
        for provider in settings.OIDC_PROVIDERS
    ]


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_providers": _sso_providers()}

    def post(self, request, *args, **kwargs):
        if ratelimit.login_over_limit(request):
            context = {
                "form": self.get_form_class()(request, data=None),
                "locked_out": True,
                "sso_providers": _sso_providers(),
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
        "sso_providers": _sso_providers(),
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
    """Working days from sending to the first response (or to today, while waiting),
    without the days the hub waited for the requester's reply."""
    return consultation.waiting_days(today)[0]


@role_required(User.Role.COORDINATOR)
def consultation_queue(request):
    """What waits for the hub, urgent first and then the longest waiting; tabs for the
    answered, one's own and all requests; search, sortable columns, and moves on several
    requests at once (POST: assign or close)."""
    if looks_like_identity_code(request.GET.get("q")):
        # As in the client search: a code typed here is already in the address and the
        # server's log; it is not searched for, repeated or kept in the address.
        messages.warning(
            request,
            _(
                "To find a client by personal identity code, use the personal identity code "
                "field: a code in the name search would end up in web addresses and logs."
            ),
        )
        return redirect(reverse("consultation_queue") + "?" + _without(request.GET, "q", "page"))
    bulk_form = QueueBulkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and bulk_form.is_valid():
        _bulk(request, bulk_form)
        return redirect(request.get_full_path())
    context = _queue_context(request, bulk_form)
    status = 400 if bulk_form.is_bound else 200
    return render(request, "coordination/consultation_queue.html", context, status=status)


def _queue_context(request, bulk_form) -> dict:
    user = request.user
    tab = request.GET.get("tab")
    tab = tab if tab in dict(queue.TABS) else queue.WAITING
    sort = request.GET.get("sort", "")
    text = request.GET.get("q", "").strip()
    visible = consultations_visible_to(user)
    filterset = QueueFilterSet(request.GET, queryset=visible, request=request)
    matching = queue.search(filterset.qs, text, user)
    rows = queue.sorted_by(queue.in_tab(matching, tab, user), sort).select_related(
        "requester", "requesting_organization", "client", "assigned_to"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    target = settings.CONSULTATION_TARGET_WORKING_DAYS
    chosen = set(request.POST.getlist("selected"))
    for consultation in page:
        consultation.waiting_days = _waiting(consultation, today)
        consultation.overdue = (
            consultation.first_response_at is None and consultation.waiting_days > target
        )
        consultation.chosen = str(consultation.uuid) in chosen
    log_client_access(
        request, [c.client for c in page], action=AccessLog.Action.LIST, kind="consultation"
    )
    counts = queue.tab_counts(matching, user)
    base = request.GET.copy()
    for name in ("page", "tab", "sort"):
        base.pop(name, None)
    return {
        "filter": filterset,
        "page": page,
        "target": target,
        "tab": tab,
        "tabs": [(key, label, counts[key]) for key, label in queue.TABS],
        "sort": sort,
        "columns": _sort_columns(sort),
        "q": text,
        "base_query": base.urlencode(),
        "query": _without(request.GET, "page"),
        "bulk_form": bulk_form,
    }


def _without(data, *names) -> str:
    query = data.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


SORT_LABELS = {
    "reference": gettext_lazy("Reference"),
    "sent": gettext_lazy("Sent"),
    "urgency": gettext_lazy("Urgency"),
    "status": gettext_lazy("Status"),
    "assigned": gettext_lazy("Assigned to"),
}


def _sort_columns(sort: str) -> dict:
    """Each sortable column: its label, the sort its link asks for (the other direction
    when it is the current one), and its aria-sort."""
    columns = {}
    for key, label in SORT_LABELS.items():
        if sort == key:
            columns[key] = {"label": label, "next": f"-{key}", "aria": "ascending"}
        elif sort == f"-{key}":
            columns[key] = {"label": label, "next": key, "aria": "descending"}
        else:
            columns[key] = {"label": label, "next": key, "aria": ""}
    return columns


def _bulk(request, form) -> None:
    """The chosen requests that the user sees, each moved or reported one by one."""
    data = form.cleaned_data
    chosen_ids = data["selected"]
    found = {
        str(c.uuid): c for c in consultations_visible_to(request.user).filter(uuid__in=chosen_ids)
    }
    coordinators = dict(User.objects.filter(role=User.Role.COORDINATOR).values_list("uuid", "pk"))
    chosen = []
    for chosen_id in chosen_ids:
        if chosen_id not in found:
            messages.error(request, _("A chosen request was not found."))
            continue
        status, assignee = form.seen(chosen_id)
        seen_assignee = coordinators.get(_as_uuid(assignee)) if assignee else None
        chosen.append((found[chosen_id], services.Seen(status, seen_assignee)))
    if data["action"] == "assign":
        move = {"assignee": data["assignee"]}
    else:
        move = {"outcome": data["outcome"], "note": data["note"]}
    results = services.transition_consultations(
        chosen, by=request.user, action=data["action"], **move
    )
    done = [result for result in results if result.done]
    if done:
        messages.success(request, _done_message(data, len(done)))
    for result in results:
        if not result.done:
            messages.warning(
                request,
                _("%(reference)s was not changed: %(reason)s")
                % {"reference": result.request.reference, "reason": result.reason},
            )


def _as_uuid(value: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _done_message(data, count: int) -> str:
    if data["action"] == "assign":
        return ngettext(
            "%(count)d request assigned to %(name)s.",
            "%(count)d requests assigned to %(name)s.",
            count,
        ) % {"count": count, "name": data["assignee"]}
    return ngettext("%(count)d request closed.", "%(count)d requests closed.", count) % {
        "count": count
    }


def ask_form(data=None) -> MessageForm:
    return MessageForm(data, label=_("What do you need to know?"), prefix="ask")


def reply_form(data=None) -> MessageForm:
    return MessageForm(data, label=_("Your reply"), prefix="reply")


def _detail_context(request, consultation, **forms):
    user = request.user
    show_client = can_see_client_of(user, consultation)
    feedback = list(consultation.feedback.all())
    answer = getattr(consultation, "answer", None)
    waiting_days, requester_days = consultation.waiting_days(timezone.localdate())
    context = {
        "thread": consultation.messages.select_related("author", "organization"),
        "can_ask": services.can_ask_for_more_information(consultation, user),
        "can_reply": services.can_reply(consultation, user),
        "ask_form": forms.get("ask_form") or ask_form(),
        "reply_form": forms.get("reply_form") or reply_form(),
        "requester_waiting_days": requester_days,
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
        "waiting_days": waiting_days,
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
    "feedback": (FeedbackForm, "feedback_form", None),
    "ask": (ask_form, "ask_form", None),
    "reply": (reply_form, "reply_form", None),
}

# The moves that are not transitions of the request's status.
OTHER_MOVES = {
    "feedback": services.give_feedback,
    "ask": services.ask_for_more_information,
    "reply": services.reply_to_consultation,
}


def _run(action, consultation, user, data):
    move = ACTIONS[action][2]
    if move is None:
        return OTHER_MOVES[action](consultation, by=user, **data)
    return services.transition_consultation(consultation, by=user, action=move, **data)


DONE_MESSAGES = {
    "assign": gettext_lazy("The request has been assigned."),
    "triage": gettext_lazy("The request has been triaged."),
    "answer": gettext_lazy("The answer has been sent to the requester."),
    "close": gettext_lazy("The request has been closed."),
    "network-needed": gettext_lazy("The request has been marked as needing a client network."),
    "link-client": gettext_lazy("The request has been linked to the client."),
    "feedback": gettext_lazy("Thank you for your feedback."),
    "ask": gettext_lazy("Your question has been sent to the requester."),
    "reply": gettext_lazy("Your reply has been sent to the hub."),
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
def consultation_withdraw(request, consultation_id):
    """The requester withdraws the request on a page of its own, saying why."""
    consultation = _load(request, consultation_id)
    detail = reverse("consultation_detail", args=[consultation.uuid])
    if consultation.requester_id != request.user.pk:
        # The hub sees the request, but only its requester takes it back.
        messages.error(request, _("Only the requester can withdraw a request."))
        return redirect(detail)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with errors_onto(form) as saved:
            services.withdraw_consultation(
                consultation, by=request.user, reason=form.cleaned_data["reason"]
            )
        if saved.ok:
            messages.success(request, _("The request has been withdrawn."))
            return redirect(detail)
    return render_confirmation(
        request,
        form=form,
        title=_("Withdraw the request %(reference)s") % {"reference": consultation.reference},
        question=_("Do you want to withdraw this consultation request?"),
        consequence=_(
            "The hub stops working on it and it cannot be sent again: a new request is "
            "needed. The reason is shown to the hub."
        ),
        confirm_label=_("Withdraw the request"),
        cancel_url=detail,
    )


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
