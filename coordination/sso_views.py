"""Single sign-on pages: off to the provider, back from it, and logout through it."""

from typing import Any, cast

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from coordination import sso


def _safe_next(request, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _provider(name: str) -> dict:
    provider = sso.get_provider(name)
    if provider is None:
        raise Http404
    return provider


def _refused(request, provider_name: str, refusal: sso.SignInRefused):
    sso.record_refusal(request, provider_name, refusal)
    context = {"message": refusal.message, "reason": refusal.reason}
    return render(request, "registration/sso_refused.html", context, status=403)


@never_cache
def start(request, provider_name):
    """To the provider's sign-in page (the login page's button)."""
    provider = _provider(provider_name)
    callback = request.build_absolute_uri(reverse("sso_callback", args=[provider_name]))
    try:
        return sso.start(request, provider, callback, _safe_next(request, request.GET.get("next")))
    except sso.SignInRefused as refusal:
        return _refused(request, provider_name, refusal)


@never_cache
def callback(request, provider_name):
    """Back from the provider: every check, then the account, or a page that says why
    not (and the security log)."""
    provider = _provider(provider_name)
    target = _safe_next(request, request.session.get(sso.NEXT_KEY))
    try:
        signed_in = sso.complete(request, provider)
    except sso.SignInRefused as refusal:
        return _refused(request, provider_name, refusal)
    response = HttpResponseRedirect(target)
    # The language a user last chose follows them from one login to the next.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        signed_in.user.language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=cast(Any, settings.LANGUAGE_COOKIE_SAMESITE),
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


class LogoutView(auth_views.LogoutView):
    """Django's logout; a person who signed in through a provider is then sent to the
    provider's logout too, so that the next person at the computer does not get in with
    the provider's session that is still open."""

    def post(self, request, *args, **kwargs):
        signed_in_with = request.session.get(sso.SESSION_KEY)
        response = super().post(request, *args, **kwargs)
        if signed_in_with:
            after = request.build_absolute_uri(reverse("login"))
            url = sso.logout_url(request, signed_in_with, after)
            if url:
                return redirect(url)
        return response


urlpatterns = [
    path("sso/<slug:provider_name>/", start, name="sso_start"),
    path("sso/<slug:provider_name>/callback/", callback, name="sso_callback"),
]
