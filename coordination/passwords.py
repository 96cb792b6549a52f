"""Password reset by e-mail for local accounts.

The answer to a request never says whether the address belongs to anyone: the same page
follows every request, and only an active person with a password of their own gets an
e-mail. The link in it carries Django's PasswordResetTokenGenerator token, which stops
working once the password changes (it hashes the password and the last login) and
after PASSWORD_RESET_TIMEOUT. Setting the password does not log the person in: they log
in as always, with their second factor if they have one.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from common import ratelimit
from coordination.models import SecurityEvent, User
from coordination.security import record_security_event
from coordination.sessions import end_all_sessions
from outbox import services as outbox


def _users_for(email: str) -> list[User]:
    """Django's own choice: active people with this address and a usable password (an
    account without one signs in some other way and has nothing to reset)."""
    return list(PasswordResetForm().get_users(email))


def reset_link(user: User) -> str:
    # SITE_URL, never the request's Host header: a forged Host would otherwise put the
    # attacker's server in a real person's e-mail, and the token with it.
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def _reset_email(user: User) -> dict:
    link = reset_link(user)
    language = user.language or settings.LANGUAGE_CODE
    context = {"link": link, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
    with translation.override(language):
        subject = render_to_string("emails/password_reset_subject.txt", context).strip()
        body = render_to_string("emails/password_reset.txt", context)
    # One e-mail per link made: a request repeated within the same second (the token's
    # resolution) makes the same link and is not sent twice. The key holds a hash, not
    # the token.
    digest = hashlib.sha256(link.encode()).hexdigest()[:32]
    return {
        "key": f"password-reset:{user.pk}:{digest}",
        "to": user.email,
        "subject": subject,
        "body": body,
        "language": language,
    }


def reset_over_limit(request: HttpRequest) -> bool:
    """Requests from one client address, whatever the e-mail addresses."""
    return ratelimit.over_limit(
        f"password-reset-client:{ratelimit.client_address(request)}",
        settings.PASSWORD_RESET_RATE_LIMIT_PER_CLIENT,
        settings.PASSWORD_RESET_RATE_LIMIT_WINDOW_SECONDS,
    )


def _address_over_limit(email: str) -> bool:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return ratelimit.over_limit(
        f"password-reset-email:{digest}",
        settings.PASSWORD_RESET_RATE_LIMIT_PER_EMAIL,
        settings.PASSWORD_RESET_RATE_LIMIT_WINDOW_SECONDS,
    )


def request_password_reset(email: str) -> None:
    """Queue a reset link to every active local account with this address, unless the
    address has had its share of links in the window. Says nothing either way: the
    caller shows the same page whatever happened here."""
    # Counted for every address asked, known or not: the count itself tells nothing.
    if _address_over_limit(email):
        return
    with transaction.atomic():
        outbox.queue_messages(outbox.Email(**_reset_email(user)) for user in _users_for(email))


def _reset_notice(user: User, event: SecurityEvent) -> dict:
    language = user.language or settings.LANGUAGE_CODE
    context = {
        "recipient": user,
        "at": timezone.localtime(event.at),
        "url": settings.SITE_URL.rstrip("/") + reverse("password_reset"),
    }
    with translation.override(language):
        subject = render_to_string("emails/password_reset_notice_subject.txt", context).strip()
        body = render_to_string("emails/password_reset_notice.txt", context)
    return {
        "key": f"security-event:{event.pk}",
        "to": user.email,
        "subject": subject,
        "body": body,
        "language": language,
    }


def password_was_reset(user: User, *, request: HttpRequest) -> None:
    """After a reset (inside its transaction): the security log, a notice to the person,
    and every session of theirs ended, a thief's included."""
    event = record_security_event(SecurityEvent.Kind.PASSWORD_RESET, user=user, request=request)
    if user.email:
        outbox.queue_message(**_reset_notice(user, event))
    end_all_sessions(user)
