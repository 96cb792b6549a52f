"""Integration credentials: how a program (never a person) reads the API.

A person's account never signs in to the API with a key: it would skip the second factor
and CSRF, and a key does not die with a password change. A program gets a credential of
its own instead: one scope, an expiry date, revocable, shown once and kept only as a hash.

A request made with a credential is nobody's: `request.user` stays anonymous and
`request.auth` is the credential. The API's default permission (`PersonOrScopedCredential`)
lets such a request through only to views that name its scope in `credential_scopes`; no
view of client data names any, so they all refuse it.

Each use is written to the log (logger `coordination.integrations`) and sets
`last_used_at`, at most once a minute so that a busy program does not write on every
request.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission

from common.ratelimit import client_address
from coordination.models import IntegrationCredential, SecurityEvent, User
from coordination.security import record_security_event
from coordination.services import InvalidTransition

logger = logging.getLogger(__name__)

KEY_MARK = "tyk_"  # lets a secret scanner (and a person) recognise a leaked key
PREFIX_LENGTH = len(KEY_MARK) + 8
USE_NOTED_EVERY = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# --- Services ----------------------------------------------------------------------------


def create_integration_credential(
    *, by: User, name: str, scope: str, days: int, organization=None, request=None
) -> tuple[IntegrationCredential, str]:
    """Make a credential; returns it and its key, which is shown once and never kept."""
    if by.role != User.Role.ADMINISTRATOR:
        raise InvalidTransition(gettext_lazy("Only an administrator can make credentials."))
    errors = {}
    if not name.strip():
        errors["name"] = [_("Give the credential a name.")]
    if scope not in IntegrationCredential.Scope.values:
        errors["scope"] = [_("Choose the scope from the list.")]
    if not 1 <= days <= IntegrationCredential.MAX_DAYS:
        errors["days"] = [
            _("A credential is valid for 1 to %(max)d days.")
            % {"max": IntegrationCredential.MAX_DAYS}
        ]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for _attempt in range(5):
        key = KEY_MARK + secrets.token_urlsafe(40)
        try:
            with transaction.atomic():
                credential = IntegrationCredential.objects.create(
                    name=name.strip(),
                    scope=scope,
                    organization=organization,
                    prefix=key[:PREFIX_LENGTH],
                    key_hash=_hash(key),
                    created_by=by,
                    created_at=now,
                    expires_at=now + timedelta(days=days),
                )
                record_security_event(
                    SecurityEvent.Kind.CREDENTIAL_CREATED,
                    user=None,
                    actor=by,
                    request=request,
                    details=_details(credential),
                )
        except IntegrityError:
            continue  # the same prefix by chance: draw another key
        return credential, key
    raise RuntimeError("could not draw a key with a free prefix")


def revoke_integration_credential(credential: IntegrationCredential, *, by: User, request=None):
    """Stop the credential working at once. Revoking a revoked one changes nothing."""
    with transaction.atomic():
        revoked = IntegrationCredential.objects.filter(
            pk=credential.pk, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if revoked:
            record_security_event(
                SecurityEvent.Kind.CREDENTIAL_REVOKED,
                user=None,
                actor=by,
                request=request,
                details=_details(credential),
            )
    credential.refresh_from_db(fields=["revoked_at"])


def _details(credential: IntegrationCredential) -> dict:
    return {
        "credential": str(credential.uuid),
        "name": credential.name,
        "prefix": credential.prefix,
        "scope": credential.scope,
        "expires_at": credential.expires_at.isoformat(),
    }


def find_usable_credential(key: str) -> IntegrationCredential | None:
    """The credential of this key, if it is neither expired nor revoked."""
    if not key.startswith(KEY_MARK) or len(key) <= PREFIX_LENGTH:
        return None
    credential = IntegrationCredential.objects.filter(prefix=key[:PREFIX_LENGTH]).first()
    if credential is None or not hmac.compare_digest(credential.key_hash, _hash(key)):
        return None
    return credential if credential.is_usable() else None


def _note_use(credential: IntegrationCredential, request) -> None:
    now = timezone.now()
    if credential.last_used_at is None or now - credential.last_used_at >= USE_NOTED_EVERY:
        IntegrationCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
    logger.info(
        "integration credential %s (%s, %s) used: %s %s from %s",
        credential.prefix,
        credential.name,
        credential.scope,
        request.method,
        request.path,
        client_address(request),
    )


# --- The API's side ----------------------------------------------------------------------


class IntegrationCredentialAuthentication(BaseAuthentication):
    """`Authorization: Bearer <key>` (or `Token <key>`). A key that is unknown, expired or
    revoked is a 401 – including the person tokens this API once accepted."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise AuthenticationFailed(_("Give the key after the word Bearer, and nothing else."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            key = ""
        credential = find_usable_credential(key)
        if credential is None:
            raise AuthenticationFailed(_("The key is unknown, expired or revoked."))
        _note_use(credential, request)
        return AnonymousUser(), credential

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def credential_of(request) -> IntegrationCredential | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, IntegrationCredential) else None


def has_scope(request, scope: str) -> bool:
    credential = credential_of(request)
    return credential is not None and credential.scope == scope


class PersonOrScopedCredential(BasePermission):
    """The API's default: a logged-in person, or a credential whose scope the view names in
    `credential_scopes`. A view that names none refuses every credential."""

    def has_permission(self, request, view):
        credential = credential_of(request)
        if credential is not None:
            return credential.scope in getattr(view, "credential_scopes", ())
        return bool(request.user and request.user.is_authenticated)


class IntegrationCredentialScheme(OpenApiAuthenticationExtension):
    """How the schema describes the credential (drf-spectacular finds it by its class)."""

    target_class = IntegrationCredentialAuthentication
    name = "integrationCredential"

    def get_security_requirement(self, auto_schema):
        # Only the operations that accept a credential's scope say they take one.
        if getattr(auto_schema.view, "credential_scopes", ()):
            return super().get_security_requirement(auto_schema)
        return None

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An integration credential's key. Only the operations that "
            "accept the credential's scope answer it; every other answers 401 or 403.",
        }
