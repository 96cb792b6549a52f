"""Two-factor login (TOTP, with recovery codes) through django-otp.

Coordinators and administrators must verify a second factor after the password when
settings.TWO_FACTOR_REQUIRED is on (the default outside development); anyone else may
turn it on, and is then asked for it too. Recovery codes are django-otp static tokens:
each works once.

Once a person has an authenticator, only a session verified with it (or with a recovery
code) may replace it, turn it off or make new recovery codes: otherwise a stolen password
would be enough to swap the owner's authenticator for the thief's. Each such change, and
each login with a recovery code, goes to the security log and is e-mailed to the person,
so that a change they did not make does not go unnoticed.
"""

import base64
import time
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from coordination.models import SecurityEvent
from coordination.security import record_security_event
from outbox import services as outbox

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def two_factor_required(user) -> bool:
    """Must this user verify a second factor before they see anything?"""
    if not (user.is_authenticated and user.is_active):
        return False
    return has_two_factor(user) or role_requires_two_factor(user)


def role_requires_two_factor(user) -> bool:
    return settings.TWO_FACTOR_REQUIRED and user.role in settings.TWO_FACTOR_ROLES


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up, made on first call and reused after,
    so that reloading the setup page does not change the secret under the user."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=AUTHENTICATOR_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def may_change_second_factor(request) -> bool:
    """May this session set up, replace or turn off the second factor, or see recovery
    codes? Only if the person has no authenticator yet, or this session proved it has one
    (the password alone is not enough)."""
    return request.user.is_verified() or not has_two_factor(request.user)


def _record_and_tell(request, kind: str) -> None:
    """Write the change to the security log and e-mail the person about it (an outbox
    row in the same transaction, so that a rolled-back change sends nothing)."""
    user = request.user
    event = record_security_event(kind, user=user, request=request)
    if user.email:
        outbox.queue_message(**_security_notice(event))


def _security_notice(event: SecurityEvent) -> dict:
    """The message names what happened and when, never a secret or code: a person who
    did not do it should contact their administrator."""
    user = event.user
    if user is None:  # recorded for the signed-in user, who is told
        raise ValueError("A security notice needs the event's user.")
    context = {
        "recipient": user,
        "what": SecurityEvent.Kind(event.kind).label,
        "kind": event.kind,
        "at": timezone.localtime(event.at),
        "url": settings.SITE_URL.rstrip("/") + reverse("two_factor_manage"),
    }
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string("emails/security_notice_subject.txt", context).strip()
        body = render_to_string("emails/security_notice.txt", context)
    return {
        "key": f"security-event:{event.pk}",
        "to": user.email,
        "subject": subject,
        "body": body,
        "language": language,
    }


@transaction.atomic
def confirm_authenticator(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a code from the app, log the session in with it, and make
    fresh recovery codes. Returns the codes (shown once), or None if the code was wrong.

    A person who already has an authenticator must have verified this session with it
    (the caller checks `may_change_second_factor`; checked again here, as the last line)."""
    if not may_change_second_factor(request):
        return None
    if not device.verify_token(token):
        return None
    replaced = TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk)
    kind = (
        SecurityEvent.Kind.SECOND_FACTOR_REPLACED
        if replaced.exists()
        else SecurityEvent.Kind.SECOND_FACTOR_ADDED
    )
    replaced.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    # A new key for the now-verified session: a key seen before (fixed by someone else,
    # or read while only the password was given) must not carry the new rights.
    request.session.cycle_key()
    request.session[SESSION_KEY] = True
    _record_and_tell(request, kind)
    return _make_recovery_codes(device.user)


@transaction.atomic
def regenerate_recovery_codes(request) -> list[str]:
    """Replace every recovery code of the user with new ones; the old stop working."""
    _record_and_tell(request, SecurityEvent.Kind.RECOVERY_CODES_CREATED)
    return _make_recovery_codes(request.user)


def _make_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def verify_second_factor(request, token: str) -> bool:
    """Check a code from the authenticator app or a recovery code (used up)."""
    token = "".join(token.split()).lower()
    device = match_token(request.user, token)
    if device is None:
        return False
    otp_login(request, device)
    # The session now carries more rights than the password gave it: a new key.
    request.session.cycle_key()
    if isinstance(device, StaticDevice):
        _record_and_tell(request, SecurityEvent.Kind.RECOVERY_CODE_USED)
    return True


@transaction.atomic
def disable_two_factor(request) -> None:
    for device in devices_for_user(request.user, confirmed=None):
        device.delete()
    _remember(request, request.user)
    _record_and_tell(request, SecurityEvent.Kind.SECOND_FACTOR_REMOVED)


SESSION_KEY = "two_factor_needed"
CHECKED_KEY = "two_factor_checked_at"
# A "not needed" in the session is asked again after this long: a session that logged in
# before its user turned two-factor login on (perhaps someone else, with the password)
# must not keep working without it.
RECHECK_SECONDS = 60


def _remember(request, user) -> bool:
    needed = two_factor_required(user)
    request.session[SESSION_KEY] = needed
    request.session[CHECKED_KEY] = time.time()
    return needed


def remember_whether_needed(sender, request, user, **kwargs) -> None:
    """At login, note in the session whether this user owes a second factor, so that the
    middleware need not ask the database on every request (user_logged_in receiver)."""
    if request is not None and hasattr(request, "session"):
        _remember(request, user)


# Set at a single sign-on whose provider says the person gave a second factor there (its
# amr/acr claim, with the values accepted for that provider, coordination/sso.py): our
# own authenticator is not asked again in this session.
PROVIDER_MFA_KEY = "two_factor_by_provider"


def second_factor_by_provider(request) -> None:
    request.session[PROVIDER_MFA_KEY] = True
    request.session[SESSION_KEY] = False
    request.session[CHECKED_KEY] = time.time()


def needs_second_factor(request) -> bool:
    if request.session.get(PROVIDER_MFA_KEY):
        return False
    needed = request.session.get(SESSION_KEY)
    if needed is None or (
        not needed and time.time() - request.session.get(CHECKED_KEY, 0) >= RECHECK_SECONDS
    ):
        needed = _remember(request, request.user)
    return needed


# Paths a user who still owes the second factor may open.
EXEMPT_URL_NAMES = (
    "two_factor_verify",
    "logout",
    "set_language",
    "accessibility",
    "healthz",
    "readyz",
    "workerz",
)
# ... and, only while they have no authenticator yet, the pages that set one up.
SETUP_URL_NAMES = ("two_factor_setup", "two_factor_qr")


class TwoFactorMiddleware:
    """After the password, nothing but the second-factor pages until it is verified.

    Sits after django_otp's OTPMiddleware, which tells whether the session is verified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith("/" + settings.STATIC_URL.lstrip("/"))
            and needs_second_factor(request)
            and not self._is_exempt(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Verify your second factor in the browser first.")}, status=403
                )
            target = "two_factor_verify" if has_two_factor(user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _is_exempt(request) -> bool:
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            return False
        if name in SETUP_URL_NAMES:
            return not has_two_factor(request.user)
        return name in EXEMPT_URL_NAMES
