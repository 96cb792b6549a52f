"""Pages of the hub: login, the home page of each role, the language choice."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from coordination import ratelimit, services
from coordination.access import role_required
from coordination.forms import LoginForm
from coordination.models import User


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


HOME_TEMPLATES = {
    User.Role.PROFESSIONAL: "coordination/home_professional.html",
    User.Role.COORDINATOR: "coordination/home_coordinator.html",
    User.Role.MANAGER: "coordination/home_manager.html",
    User.Role.ADMINISTRATOR: "coordination/home_administrator.html",
}


@login_required
def home(request):
    template = HOME_TEMPLATES.get(request.user.role, HOME_TEMPLATES[User.Role.PROFESSIONAL])
    return render(request, template)


# Pages that the consultation issue fills. Each link on the home pages works today and
# says plainly that the feature is coming, for the roles that will use it.


@role_required(User.Role.PROFESSIONAL, User.Role.COORDINATOR)
def consultation_create(request):
    return render(
        request,
        "placeholder.html",
        {"title": _("Request a consultation"), "section": "request"},
    )


@role_required(User.Role.PROFESSIONAL, User.Role.COORDINATOR)
def my_requests(request):
    return render(
        request, "placeholder.html", {"title": _("My requests"), "section": "my_requests"}
    )


@role_required(User.Role.COORDINATOR)
def consultation_queue(request):
    return render(
        request, "placeholder.html", {"title": _("Consultation queue"), "section": "queue"}
    )
