"""Starts the real OpenID provider (server.mjs: oidc-provider under Node) for a test, and
walks its sign-in pages over HTTP the way a browser would.

The test suite makes the provider's signing keys, so that a refusal test can also sign a
token with the provider's own key (a wrong audience, an expired token) or with a key of
its own (a forged signature), beside the real tokens the provider issues.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from joserfc.jwk import RSAKey

HERE = Path(__file__).resolve().parent
IN_CI = os.environ.get("CI", "").lower() == "true"
CLIENT_ID = "tyokyky"
CLIENT_SECRET = "test-client-secret-not-for-production"

# The county's groups and organisations as the provider names them, and the mapping
# of them that the service is configured with (see test_settings in the tests).
HUB_NAME = "Työikäisten koordinaatio"
HEALTH_CENTRE_NAME = "Oulun sote-keskus Tuira"
ACCOUNTS: dict[str, dict[str, Any]] = {
    "kaisa.sso": {
        "password": "kaisa-pass",
        "amr": ["pwd", "mfa"],
        "acr": "urn:test:mfa",
        "claims": {
            "sub": "3f6c1e9a-kaisa",
            "preferred_username": "kaisa.sso",
            "email": "kaisa.sso@county.example",
            "given_name": "Kaisa",
            "family_name": "Koordinaattori",
            "groups": ["staff", "tyokyky-coordinators"],
            "org": "hub",
        },
    },
    "kalle.nomfa": {
        "password": "kalle-pass",
        "amr": ["pwd"],
        "acr": "urn:test:pwd",
        "claims": {
            "sub": "8d1b-kalle",
            "preferred_username": "kalle.nomfa",
            "email": "kalle@county.example",
            "groups": ["tyokyky-coordinators"],
            "org": "hub",
        },
    },
    "pekka": {
        "password": "pekka-pass",
        "amr": ["pwd"],
        "acr": "urn:test:pwd",
        "claims": {
            "sub": "77aa-pekka",
            "preferred_username": "pekka",
            "email": "pekka@health.example",
            "given_name": "Pekka",
            "family_name": "Hoitaja",
            "groups": ["tyokyky-professionals"],
            "org": "health",
        },
    },
    "ville.visitor": {
        "password": "ville-pass",
        "amr": ["pwd", "mfa"],
        "acr": "urn:test:mfa",
        "claims": {
            "sub": "c0ff-ville",
            "preferred_username": "ville.visitor",
            "email": "ville@county.example",
            "groups": ["staff", "library"],
            "org": "hub",
        },
    },
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_node() -> str:
    """Node and the provider's packages: an error in CI, a skip on a laptop without."""
    node = shutil.which("node")
    npm = shutil.which("npm")
    if not node or not npm:
        if IN_CI:
            pytest.fail("CI=true but node/npm is missing: the OpenID provider tests need Node.")
        pytest.skip("no node/npm: the real OpenID provider cannot run")
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=HERE, check=True)
    return node


def make_key(kid: str) -> dict[str, Any]:
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})
    return dict(key.as_dict(private=True))


class Provider:
    """One running provider. `keys` sign in their order (the first signs)."""

    def __init__(self, workdir: Path, redirect_bases: list[str], id_token_ttl: int = 600):
        self.workdir = workdir
        self.port = free_port()
        self.issuer = f"http://localhost:{self.port}"
        self.redirect_bases = [base.rstrip("/") for base in redirect_bases]
        self.id_token_ttl = id_token_ttl
        self.keys = [make_key("key-1")]
        self.process: subprocess.Popen | None = None
        self.secret_file = workdir / "client-secret"
        self.secret_file.write_text(CLIENT_SECRET, encoding="utf-8")

    def config(self) -> dict[str, Any]:
        return {
            "port": self.port,
            "issuer": self.issuer,
            "keys": {"keys": self.keys},
            "idTokenTtl": self.id_token_ttl,
            "accounts": ACCOUNTS,
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "client_name": "Työkyky",
                    "redirect_uris": [
                        f"{base}/sso/county/callback/" for base in self.redirect_bases
                    ],
                    "post_logout_redirect_uris": [f"{base}/login/" for base in self.redirect_bases],
                    "response_types": ["code"],
                    "grant_types": ["authorization_code"],
                    "token_endpoint_auth_method": "client_secret_basic",
                }
            ],
        }

    def start(self) -> "Provider":
        node = require_node()
        config_file = self.workdir / "provider.json"
        config_file.write_text(json.dumps(self.config()), encoding="utf-8")
        log = (self.workdir / "provider.log").open("a", encoding="utf-8")
        self.process = subprocess.Popen(
            [node, str(HERE / "server.mjs"), str(config_file)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=HERE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the OpenID provider stopped: see {self.workdir}/provider.log")
            try:
                requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=2)
                return self
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the OpenID provider did not answer in 30 seconds")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def rotate_keys(self) -> dict[str, Any]:
        """A new signing key first, the old one still published: the provider restarts
        (its sessions are in memory and go with it) and signs with the new key."""
        new = make_key(f"key-{len(self.keys) + 1}")
        self.keys = [new, *self.keys]
        self.stop()
        self.start()
        return new

    def settings_entry(self, **overrides: Any) -> dict[str, Any]:
        """The service's OIDC_PROVIDERS entry for this provider, read as settings read it."""
        from config.oidc import parse_provider

        entry = {
            "name": "county",
            "label": "Hyvinvointialueen tunnus",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret_file": str(self.secret_file),
            "organisation_claim": "org",
            "organisations": {"hub": HUB_NAME, "health": HEALTH_CENTRE_NAME},
            "group_claim": "groups",
            "roles": {
                "tyokyky-coordinators": "coordinator",
                "tyokyky-professionals": "professional",
            },
            "mfa_amr": ["mfa"],
            "scope": "openid profile email groups organisation",
            **overrides,
        }
        return parse_provider(0, entry)


class Browser:
    """The provider's side of a sign-in, walked over HTTP with the provider's cookies
    kept: follow its redirects, fill in its login form, allow on its consent page, until
    it sends the person back to `back_to` (the service); returns that address."""

    def __init__(self) -> None:
        self.http = requests.Session()

    def _absolute(self, base: str, location: str) -> str:
        return urljoin(base, location)

    def walk(self, url: str, back_to: str, username: str, password: str) -> str:
        for _step in range(20):
            response = self.http.get(url, allow_redirects=False, timeout=10)
            if response.is_redirect:
                url = self._absolute(url, response.headers["Location"])
                if url.startswith(back_to):
                    return url
                continue
            response.raise_for_status()
            action = re.search(r'<form[^>]*action="([^"]+)"', response.text)
            if action is None:
                raise AssertionError(f"no form on the provider's page: {response.text[:500]}")
            data = {}
            if 'name="username"' in response.text:
                data = {"username": username, "password": password}
            posted = self.http.post(
                self._absolute(url, action.group(1)), data=data, allow_redirects=False, timeout=10
            )
            if not posted.is_redirect:
                raise AssertionError(f"the provider did not accept the form: {posted.text[:500]}")
            url = self._absolute(url, posted.headers["Location"])
            if url.startswith(back_to):
                return url
        raise AssertionError("the provider did not send the person back")

    def log_out(self, url: str, back_to: str) -> str:
        """The provider's logout page: confirm, and return where it sends the person."""
        response = self.http.get(url, allow_redirects=False, timeout=10)
        response.raise_for_status()
        form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', response.text, re.S)
        if form is None:
            raise AssertionError(f"no logout form: {response.text[:500]}")
        data = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
        data["logout"] = "yes"
        posted = self.http.post(
            self._absolute(url, form.group(1)), data=data, allow_redirects=False, timeout=10
        )
        location = self._absolute(url, posted.headers["Location"])
        while not location.startswith(back_to):
            step = self.http.get(location, allow_redirects=False, timeout=10)
            location = self._absolute(location, step.headers["Location"])
        return location
