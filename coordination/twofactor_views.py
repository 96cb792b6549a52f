"""Pages for the second factor: set up an authenticator, verify at login, manage."""

from functools import wraps
from urllib.parse import urlencode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coordination import twofactor


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy(
            "The six-digit code from your authenticator app, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def second_factor_verified(view):
    """For the pages that set up, replace or turn off the second factor, or make recovery
    codes: a person who has an authenticator must first verify this session with it. The
    middleware sends such sessions to the verify page too; this holds even when its note
    in the session is stale (a login from before the authenticator was added)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not twofactor.may_change_second_factor(request):
            query = urlencode({"next": reverse("two_factor_manage")})
            return redirect(f"{reverse('two_factor_verify')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@never_cache
@login_required
@second_factor_verified
def setup(request):
    """Set up an authenticator, or (from a verified session) replace the one in use."""
    device = twofactor.pending_authenticator(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_authenticator(request, device, form.cleaned_data["token"])
        if codes is not None:
            return render(
                request,
                "coordination/twofactor_recovery_codes.html",
                {"codes": codes, "next": _safe_next(request)},
            )
        form.add_error("token", _("The code is wrong or has expired. Try the newest code."))
    context = {
        "form": form,
        "secret": twofactor.secret_for_display(device),
        "next": _safe_next(request, default=""),
        "required": twofactor.role_requires_two_factor(request.user),
        "replacing": twofactor.has_two_factor(request.user),
    }
    return render(request, "coordination/twofactor_setup.html", context)


@never_cache
@login_required
@second_factor_verified
def qr_code(request):
    """The setup QR code as SVG, a file of its own so that no inline image data is needed."""
    device = twofactor.pending_authenticator(request.user)
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)
    return HttpResponse(svg, content_type="image/svg+xml")


@never_cache
@login_required
def verify(request):
    if request.user.is_verified():
        return redirect(_safe_next(request))
    if not twofactor.has_two_factor(request.user):
        return redirect("two_factor_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify_second_factor(request, form.cleaned_data["token"]):
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is wrong or has expired. Try the newest code."))
    return render(
        request, "coordination/twofactor_verify.html", {"form": form, "next": _safe_next(request)}
    )


@never_cache
@login_required
@second_factor_verified
def manage(request):
    context = {
        "enabled": twofactor.has_two_factor(request.user),
        "required": twofactor.role_requires_two_factor(request.user),
    }
    return render(request, "coordination/twofactor_manage.html", context)


@never_cache
@require_POST
@login_required
@second_factor_verified
def regenerate_codes(request):
    if not twofactor.has_two_factor(request.user):
        raise Http404
    codes = twofactor.regenerate_recovery_codes(request)
    return render(
        request, "coordination/twofactor_recovery_codes.html", {"codes": codes, "next": ""}
    )


@never_cache
@require_POST
@login_required
@second_factor_verified
def disable(request):
    if not twofactor.has_two_factor(request.user):
        return redirect("two_factor_manage")
    if twofactor.role_requires_two_factor(request.user):
        messages.error(request, _("Your role requires two-factor login: it cannot be turned off."))
        return redirect("two_factor_manage")
    twofactor.disable_two_factor(request)
    messages.success(request, _("Two-factor login is off."))
    return redirect("two_factor_manage")


urlpatterns = [
    path("account/two-factor/", manage, name="two_factor_manage"),
    path("account/two-factor/setup/", setup, name="two_factor_setup"),
    path("account/two-factor/qr.svg", qr_code, name="two_factor_qr"),
    path("account/two-factor/verify/", verify, name="two_factor_verify"),
    path("account/two-factor/recovery-codes/", regenerate_codes, name="two_factor_codes"),
    path("account/two-factor/disable/", disable, name="two_factor_disable"),
]
