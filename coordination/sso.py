"""Single sign-on with the organisations' identity providers (OpenID Connect).

Authlib does the protocol: the authorisation code flow with PKCE (S256), the state and
the nonce kept in the session and checked at the callback, the ID token's signature
checked against the provider's published keys (fetched once, and fetched again when a
token names a key we have not seen: the provider rotated its keys), and its issuer,
audience, expiry and nonce. One Authlib client per configured provider (settings'
OIDC_PROVIDERS, config/oidc.py), so that several providers can sit side by side.

Here: which account a verified ID token opens. Only the pair (issuer, subject) finds an
account (ExternalIdentity), never an e-mail address or a name. A first sign-in makes an
account only when the claims name an organisation and a group that the provider's
mapping knows; anything else is refused with a reason the person can act on, and the
refusal goes to the security log. The provider's MFA claim (amr/acr) stands for our own
second factor, when the provider's accepted values say so.
"""

import contextlib
import hashlib
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from joserfc import errors as joserfc_errors
from requests import RequestException

from coordination import twofactor
from coordination.models import ExternalIdentity, Organization, SecurityEvent, User
from coordination.security import record_security_event, record_user_rights_change, user_rights

logger = logging.getLogger("coordination.sso")

# In the session of a person signed in through a provider: which one, and the ID token
# that the provider's logout is asked to end.
SESSION_KEY = "sso"
NEXT_KEY = "sso_next"
BACKEND = "django.contrib.auth.backends.ModelBackend"
USERNAME = re.compile(r"^[\w.@+-]{1,150}$")

# Why a sign-in was refused: what the person reads (the log keeps the reason's key).
MESSAGES = {
    "state": _(
        "The sign-in could not be matched to this browser, or it took too long. "
        "Start the sign-in again from the login page."
    ),
    "provider_error": _("The identity provider did not complete the sign-in."),
    "unreachable": _("The identity provider could not be reached. Try again in a moment."),
    "token": _(
        "The identity provider's answer could not be verified, so the sign-in was refused. "
        "Start the sign-in again from the login page."
    ),
    "no_subject": _("The identity provider did not tell who you are."),
    "unmapped": _(
        "Your organisation or group at the identity provider has no access to Työkyky. "
        "If you need access, ask your organisation's Työkyky administrator."
    ),
    "disabled": _("Your Työkyky account is not in use. Contact your organisation's administrator."),
    "account_exists": _(
        "Työkyky already has an account with your username or e-mail address. An "
        "administrator must link your organisation sign-in to it before you can use it."
    ),
}
TOKEN_REASONS = {
    "ExpiredTokenError": "expired",
    "BadSignatureError": "signature",
    "InvalidKeyIdError": "signature",
    "DecodeError": "malformed",
}


class SignInRefused(Exception):
    """A sign-in that opens no account. `reason` keys MESSAGES; `detail` says more in
    the log (which claim failed, which error the provider gave)."""

    def __init__(
        self, reason: str, *, detail: str = "", user: User | None = None, subject: str = ""
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.user = user
        self.subject = subject

    @property
    def message(self) -> str:
        return str(MESSAGES.get(self.reason, MESSAGES["token"]))


@dataclass
class SignIn:
    user: User
    id_token: str
    mfa: bool
    created: bool = False
    claims: dict[str, Any] = field(default_factory=dict)


def providers() -> list[dict[str, Any]]:
    return list(settings.OIDC_PROVIDERS)


def get_provider(name: str) -> dict[str, Any] | None:
    return next((entry for entry in providers() if entry["name"] == name), None)


# One Authlib client per provider's settings, kept for the life of the process: it holds
# the provider's metadata and keys, so these are fetched once and not on every sign-in.
_clients: dict[str, Any] = {}


def client_for(provider: dict[str, Any]) -> Any:
    key = hashlib.sha256(json.dumps(provider, sort_keys=True).encode()).hexdigest()
    client = _clients.get(key)
    if client is None:
        oauth = OAuth()
        client = oauth.register(
            name=f"oidc-{provider['name']}",
            client_id=provider["client_id"],
            client_secret=provider["client_secret"],
            server_metadata_url=provider["issuer"].rstrip("/")
            + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": provider["scope"],
                "code_challenge_method": "S256",
                "default_timeout": settings.OIDC_TIMEOUT_SECONDS,
            },
        )
        _clients[key] = client
    return client


def start(request: HttpRequest, provider: dict[str, Any], redirect_uri: str, next_url: str):
    """The redirect to the provider's sign-in; state, nonce and PKCE verifier wait in
    the session for the callback."""
    request.session[NEXT_KEY] = next_url
    try:
        return client_for(provider).authorize_redirect(request, redirect_uri)
    except RequestException as error:
        raise SignInRefused("unreachable", detail=type(error).__name__) from None


def _token_reason(error: Exception) -> str:
    name = type(error).__name__
    if name in TOKEN_REASONS:
        return TOKEN_REASONS[name]
    claim = getattr(error, "claim", None)
    if claim in {"nonce", "aud", "iss", "azp", "exp", "iat", "nbf"}:
        return {"aud": "audience", "azp": "audience", "iss": "issuer"}.get(claim, claim)
    return "invalid"


def exchange_code(request: HttpRequest, provider: dict[str, Any]) -> dict[str, Any]:
    """The callback's code for tokens, with every check of the ID token; the token
    response with its verified claims under "userinfo"."""
    client = client_for(provider)
    try:
        metadata = client.load_server_metadata()
        returned_issuer = request.GET.get("iss")
        if returned_issuer and returned_issuer != metadata.get("issuer"):
            # RFC 9207: an answer from another provider than the one we sent the person to.
            raise SignInRefused("token", detail="issuer in the response")
        token = client.authorize_access_token(request, leeway=settings.OIDC_CLOCK_SKEW_SECONDS)
    except MismatchingStateError:
        raise SignInRefused("state", detail="state") from None
    except OAuthError as error:
        raise SignInRefused("provider_error", detail=str(error.error)[:100]) from None
    except RequestException as error:
        raise SignInRefused("unreachable", detail=type(error).__name__) from None
    except (joserfc_errors.JoseError, ValueError) as error:
        raise SignInRefused("token", detail=_token_reason(error)) from None
    if not token.get("userinfo") or not token.get("id_token"):
        raise SignInRefused("token", detail="no ID token")
    return token


def _values(claim: Any) -> list[str]:
    if isinstance(claim, str):
        return [claim]
    if isinstance(claim, list):
        return [value for value in claim if isinstance(value, str)]
    return []


def mapped_organisation(provider: dict[str, Any], claims: dict[str, Any]) -> Organization | None:
    """The organisation the claims name through the provider's mapping (the first
    mapped value, in the claim's order), or its one fixed organisation."""
    if provider["organisation"]:
        wanted = [provider["organisation"]]
    else:
        values = _values(claims.get(provider["organisation_claim"]))
        wanted = [provider["organisations"][v] for v in values if v in provider["organisations"]]
    for reference in wanted:
        query = Q(name=reference)
        with contextlib.suppress(ValueError):
            query |= Q(uuid=uuid.UUID(str(reference)))
        organisation = Organization.objects.filter(query, active=True).first()
        if organisation is not None:
            return organisation
    return None


def mapped_role(provider: dict[str, Any], claims: dict[str, Any]) -> str | None:
    """The role of the first group in the provider's mapping (its order decides) that
    the person is a member of."""
    groups = set(_values(claims.get(provider["group_claim"])))
    for group, role in provider["roles"].items():
        if group in groups and role in User.Role.values:
            return str(role)
    return None


def provider_did_mfa(provider: dict[str, Any], claims: dict[str, Any]) -> bool:
    """Does the ID token say the person gave a second factor at the provider?"""
    amr = set(_values(claims.get("amr")))
    acr = claims.get("acr")
    return bool(amr & set(provider["mfa_amr"])) or (
        isinstance(acr, str) and acr in provider["mfa_acr"]
    )


def _username(provider: dict[str, Any], claims: dict[str, Any], subject: str) -> str:
    wanted = claims.get(provider["username_claim"])
    if isinstance(wanted, str) and USERNAME.match(wanted):
        return wanted
    digest = hashlib.sha256(f"{provider['issuer']} {subject}".encode()).hexdigest()[:16]
    return f"{provider['name']}-{digest}"


def _text(claims: dict[str, Any], name: str, length: int) -> str:
    value = claims.get(name)
    return value[:length] if isinstance(value, str) else ""


def _existing(
    identity: ExternalIdentity, organisation, role, request: HttpRequest, subject: str
) -> User:
    user = identity.user
    if not user.is_active:
        raise SignInRefused("disabled", user=user, subject=subject)
    if organisation is None or role is None:
        raise SignInRefused("unmapped", user=user, subject=subject, detail="no longer mapped")
    if user.organization_id != organisation.pk or user.role != role:
        # The provider's groups decide: a person moved to another group or organisation
        # there has the mapped role and organisation here from this sign-in on.
        before = user_rights(user)
        user.organization = organisation
        user.role = role
        user.save(update_fields=["organization", "role"])
        record_user_rights_change(user, before, request=request)
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["last_login_at"])
    return user


def _first_sign_in(
    provider, claims, subject: str, organisation, role, request: HttpRequest
) -> User:
    if organisation is None or role is None:
        raise SignInRefused("unmapped", subject=subject)
    username = _username(provider, claims, subject)
    email = _text(claims, "email", 254)
    taken = Q(username__iexact=username)
    if email:
        taken |= Q(email__iexact=email)
    if User.objects.filter(taken).exists():
        # Never taken over by a matching name or address: an administrator links them.
        raise SignInRefused("account_exists", subject=subject, detail="username or e-mail")
    user = User(
        username=username,
        email=email,
        first_name=_text(claims, "given_name", 150),
        last_name=_text(claims, "family_name", 150),
        organization=organisation,
        role=role,
    )
    user.set_unusable_password()
    user.save()
    ExternalIdentity.objects.create(
        user=user,
        issuer=claims["iss"],
        subject=subject,
        provider=provider["name"],
        last_login_at=timezone.now(),
    )
    record_user_rights_change(user, None, request=request)
    record_security_event(
        SecurityEvent.Kind.SSO_LINKED,
        user=user,
        request=request,
        details={"provider": provider["name"], "issuer": claims["iss"], "subject": subject},
    )
    return user


@transaction.atomic
def account_for(request: HttpRequest, provider: dict[str, Any], claims: dict[str, Any]) -> tuple:
    """The account the verified claims open, made at the first sign-in; (user, created).
    All or nothing: a refusal leaves no account, identity or change behind."""
    subject = claims.get(provider["subject_claim"])
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise SignInRefused("no_subject", detail=provider["subject_claim"])
    organisation = mapped_organisation(provider, claims)
    role = mapped_role(provider, claims)
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=claims["iss"], subject=subject)
        .first()
    )
    if identity is not None:
        return _existing(identity, organisation, role, request, subject), False
    return _first_sign_in(provider, claims, subject, organisation, role, request), True


def complete(request: HttpRequest, provider: dict[str, Any]) -> SignIn:
    """The callback: check the answer, find or make the account, log the session in."""
    token = exchange_code(request, provider)
    claims = dict(token["userinfo"])
    user, created = account_for(request, provider, claims)
    mfa = provider_did_mfa(provider, claims)
    login(request, user, backend=BACKEND)
    request.session[SESSION_KEY] = {"provider": provider["name"], "id_token": token["id_token"]}
    if mfa:
        twofactor.second_factor_by_provider(request)
    return SignIn(user=user, id_token=token["id_token"], mfa=mfa, created=created, claims=claims)


def record_refusal(request: HttpRequest, provider_name: str, refusal: SignInRefused) -> None:
    """The security log and the application log, in a transaction of their own: the
    refused sign-in's own changes were rolled back."""
    details = {"provider": provider_name, "reason": refusal.reason}
    if refusal.detail:
        details["detail"] = refusal.detail
    if refusal.subject:
        details["subject"] = refusal.subject
    with transaction.atomic():
        record_security_event(
            SecurityEvent.Kind.SSO_REFUSED, user=refusal.user, request=request, details=details
        )
    logger.warning("Single sign-on refused: %s", details)


def logout_url(request: HttpRequest, sso: dict[str, Any], after: str) -> str | None:
    """The provider's end-session address for a person signed in through it (RP-initiated
    logout), or None when it has none or cannot be reached."""
    provider = get_provider(sso.get("provider", ""))
    if provider is None:
        return None
    try:
        result = client_for(provider).create_logout_url(
            post_logout_redirect_uri=after,
            id_token_hint=sso.get("id_token"),
            client_id=provider["client_id"],
        )
    except (RequestException, RuntimeError) as error:
        logger.warning("No logout at the identity provider %s: %s", provider["name"], error)
        return None
    url: str = result["url"]
    return url
