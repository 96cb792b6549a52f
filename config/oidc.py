"""The single sign-on providers, read from settings' JSON (README "Single sign-on").

Each provider is one OpenID Connect client of one identity provider:

    {"name": "county", "label": "Hyvinvointialue (Entra ID)",
     "issuer": "https://login.microsoftonline.com/<tenant>/v2.0",
     "client_id": "...", "client_secret_file": "/run/secrets/oidc-county",
     "subject_claim": "oid", "username_claim": "preferred_username",
     "organisation_claim": "org", "organisations": {"<claim value>": "<organisation name>"},
     "group_claim": "groups", "roles": {"<group>": "coordinator"},
     "mfa_amr": ["mfa"], "mfa_acr": []}

"organisation" (an organisation's name) instead of the claim and its mapping ties every
person of the provider to one organisation. The secret is only ever read from a file.
"""

import json
import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
DEFAULTS: dict[str, Any] = {
    "scope": "openid profile email",
    "subject_claim": "sub",
    "username_claim": "preferred_username",
    "organisation_claim": "",
    "organisations": {},
    "organisation": "",
    "group_claim": "groups",
    "mfa_amr": ["mfa"],
    "mfa_acr": [],
}


def _fail(index: int, message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"OIDC provider #{index + 1}: {message}")


def _secret(index: int, entry: dict) -> str:
    path = entry.get("client_secret_file")
    if not path:
        raise _fail(index, "client_secret_file is required (the secret is read from a file)")
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise _fail(index, f"client_secret_file {path!r} cannot be read: {error}") from None


def parse_provider(index: int, entry: Any) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise _fail(index, "must be a JSON object")
    provider = {**DEFAULTS, **entry}
    for key in ("name", "issuer", "client_id"):
        if not isinstance(provider.get(key), str) or not provider[key]:
            raise _fail(index, f"{key} is required")
    if not NAME.match(provider["name"]):
        raise _fail(index, "name must be lower-case letters, digits and hyphens")
    if not provider["issuer"].startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise _fail(index, "issuer must be an https:// address")
    roles = provider.get("roles")
    if not isinstance(roles, dict) or not roles:
        raise _fail(index, "roles must map at least one group to a role")
    if not (
        provider["organisation"] or (provider["organisation_claim"] and provider["organisations"])
    ):
        raise _fail(index, "give either organisation, or organisation_claim with organisations")
    for key in ("mfa_amr", "mfa_acr"):
        if not isinstance(provider[key], list):
            raise _fail(index, f"{key} must be a list")
    provider["client_secret"] = _secret(index, entry)
    provider.pop("client_secret_file", None)
    provider.setdefault("label", provider["name"])
    return provider


def parse_providers(entries: Any) -> list[dict[str, Any]]:
    if not isinstance(entries, list):
        raise ImproperlyConfigured("OIDC providers: a JSON list of providers is expected")
    providers = [parse_provider(index, entry) for index, entry in enumerate(entries)]
    names = [provider["name"] for provider in providers]
    if len(set(names)) != len(names):
        raise ImproperlyConfigured("OIDC providers: each provider needs a name of its own")
    return providers


def load_oidc_providers(inline: str, path: str) -> list[dict[str, Any]]:
    """The providers from OIDC_PROVIDERS (JSON) or the file OIDC_PROVIDERS_FILE; none
    when neither is set."""
    if path:
        try:
            inline = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise ImproperlyConfigured(f"OIDC_PROVIDERS_FILE cannot be read: {error}") from None
    if not inline.strip():
        return []
    try:
        entries = json.loads(inline)
    except ValueError as error:
        raise ImproperlyConfigured(f"OIDC providers: not valid JSON: {error}") from None
    return parse_providers(entries)


def provider_origins(providers: list[dict[str, Any]]) -> list[str]:
    """The providers' origins (scheme, host and port of their issuers), for the
    form-action of the Content Security Policy: the logout form's answer sends a person
    who signed in through a provider on to the provider's logout, and browsers hold a
    form's redirects to form-action too."""
    origins = []
    for provider in providers:
        match = re.match(r"^(https?://[^/]+)", provider["issuer"])
        if match and match.group(1) not in origins:
            origins.append(match.group(1))
    return origins
