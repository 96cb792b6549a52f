"""A person's own account pages: password reset by e-mail, and their sessions."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from coordination import passwords, sessions


class ResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        help_text=gettext_lazy("The e-mail address of your Työkyky account."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Django's page, but the e-mail goes through the outbox (passwords.py), and the
    answer is the same redirect for every address. Too many requests from one client
    get 429: that says something about the client, nothing about any account."""

    form_class = ResetRequestForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        if passwords.reset_over_limit(request):
            context = {
                "form": self.get_form_class()(),
                "limited": True,
            }
            return render(request, self.template_name, context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        passwords.request_password_reset(form.cleaned_data["email"])
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }


@method_decorator(sensitive_post_parameters("new_password1", "new_password2"), name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's check of the link (and its move of the token out of the address before
    the form is shown), then the new password, the security log, the notice and the
    end of every session of the person, in one transaction. No login: the person logs
    in with the new password, and with their second factor."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            passwords.password_was_reset(form.user, request=self.request)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


@never_cache
@login_required
def session_list(request):
    records = list(sessions.sessions_of(request.user))
    current = sessions.current_record(request)
    rows = [
        {
            "record": record,
            "browser": sessions.describe_browser(record.user_agent),
            "current": str(record.uuid) == current,
        }
        for record in records
    ]
    return render(request, "coordination/session_list.html", {"rows": rows})


@require_POST
@login_required
def session_end(request, record_uuid):
    record = sessions.access_session(request.user, record_uuid)
    if str(record.uuid) == sessions.current_record(request):
        # The one in use ends with "Log out"; here only the others.
        raise Http404
    sessions.end_session(record, request=request)
    messages.success(request, _("The session has ended."))
    return redirect("session_list")


@require_POST
@login_required
def session_end_others(request):
    sessions.end_other_sessions(request)
    messages.success(request, _("Your other sessions have ended."))
    return redirect("session_list")


urlpatterns = [
    path("account/password/reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "account/password/reset/sent/",
        PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/password/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/password/reset/done/",
        PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/sessions/", session_list, name="session_list"),
    path("account/sessions/end-others/", session_end_others, name="session_end_others"),
    path("account/sessions/<uuid:record_uuid>/end/", session_end, name="session_end"),
]
