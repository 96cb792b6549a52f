"""Single sign-on against a real OpenID provider (oidc-provider under Node, started here:
tests/oidc_provider). The provider's pages are walked over HTTP and its answer handed to
the service's callback through Django's test client, as a browser would; the refusals
tamper with what comes back (state, nonce, issuer) or sign a token of their own."""

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse
from django.utils import translation
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from config.oidc import parse_provider
from coordination import sso
from coordination.models import ExternalIdentity, SecurityEvent, User, UserSession
from tests.oidc_provider.harness import (
    ACCOUNTS,
    CLIENT_ID,
    HEALTH_CENTRE_NAME,
    Browser,
    Provider,
    make_key,
)

pytestmark = [pytest.mark.django_db, pytest.mark.oidc]

SERVICE = "http://testserver"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    running = Provider(tmp_path_factory.mktemp("oidc"), [SERVICE]).start()
    yield running
    running.stop()


@pytest.fixture
def county(provider, settings, hub, health_centre):
    """The service configured with the provider, the hub and the health centre existing."""
    settings.OIDC_PROVIDERS = [provider.settings_entry()]
    settings.TWO_FACTOR_REQUIRED = True
    return settings.OIDC_PROVIDERS[0]


def begin(client, next_url="/"):
    response = client.get(reverse("sso_start", args=["county"]), {"next": next_url})
    assert response.status_code == 302
    return response["Location"]


def walk_to_callback(client, username, browser=None):
    """From the service's button through the provider's pages; the callback address."""
    authorize = begin(client)
    browser = browser or Browser()
    return browser.walk(authorize, SERVICE, username, ACCOUNTS[username]["password"])


def call_back(client, callback_url, **replace):
    parts = urlsplit(callback_url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(replace)
    return client.get(parts.path, query)


def sign_in(client, username, browser=None, **replace):
    return call_back(client, walk_to_callback(client, username, browser), **replace)


def refusals(reason=None):
    events = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SSO_REFUSED)
    if reason:
        events = events.filter(details__reason=reason)
    return events


def assert_refused(response, reason, detail=None):
    assert response.status_code == 403
    assert response.templates[0].name == "registration/sso_refused.html"
    assert response.context["reason"] == reason
    assert AUTH_SESSION_KEY not in response.wsgi_request.session
    event = refusals(reason).get()
    if detail:
        assert event.details["detail"] == detail
    return event


# --- Signing in -------------------------------------------------------------------------


def test_first_sign_in_makes_the_mapped_account(client, county, health_centre):
    response = sign_in(client, "pekka")

    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(username="pekka")
    assert user.organization == health_centre
    assert user.role == User.Role.PROFESSIONAL
    assert user.email == "pekka@health.example"
    assert not user.has_usable_password()
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (county["issuer"], "77aa-pekka")
    assert client.session[AUTH_SESSION_KEY] == str(user.pk)
    # The same session record as a password login: the sessions page lists it.
    assert UserSession.objects.filter(user=user, session_key=client.session.session_key).exists()
    kinds = set(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert kinds == {SecurityEvent.Kind.USER_CREATED, SecurityEvent.Kind.SSO_LINKED}
    assert client.get("/").status_code == 200


def test_next_sign_in_finds_the_account_by_subject_alone(client, county):
    sign_in(client, "pekka")
    user = User.objects.get(username="pekka")
    # Name and address changed here: the subject still finds the person.
    User.objects.filter(pk=user.pk).update(email="changed@example.org", username="p.hoitaja")
    client.logout()

    response = sign_in(client, "pekka")

    assert response.status_code == 302
    assert client.session[AUTH_SESSION_KEY] == str(user.pk)
    assert User.objects.count() == User.objects.filter(external_identities=None).count() + 1
    assert ExternalIdentity.objects.get().last_login_at is not None


def test_an_account_with_the_same_address_is_never_taken_over(client, county, alice):
    alice.email = "pekka@health.example"
    alice.save()

    response = sign_in(client, "pekka")

    event = assert_refused(response, "account_exists")
    assert event.details["subject"] == "77aa-pekka"
    assert not ExternalIdentity.objects.exists()
    assert not User.objects.filter(username="pekka").exists()
    assert response.context["message"] == sso.MESSAGES["account_exists"]
    assert response.context["message"] in response.content.decode()


def test_an_unmapped_group_is_refused_with_a_clear_page(client, county):
    users_before = User.objects.count()

    response = sign_in(client, "ville.visitor")

    event = assert_refused(response, "unmapped")
    assert event.user is None
    assert event.details["provider"] == "county"
    assert User.objects.count() == users_before
    assert not ExternalIdentity.objects.exists()
    page = response.content.decode()
    assert response.context["message"] == sso.MESSAGES["unmapped"]
    assert "ei ole pääsyä Työkykyyn" in page  # in the person's language
    assert 'href="/login/"' in page


def test_an_unmapped_organisation_is_refused(client, provider, settings, hub):
    # The health centre's mapping points at an organisation that does not exist here.
    settings.OIDC_PROVIDERS = [
        provider.settings_entry(organisations={"health": "Ei tällaista organisaatiota"})
    ]
    assert_refused(sign_in(client, "pekka"), "unmapped")
    assert not User.objects.filter(username="pekka").exists()


def test_a_disabled_account_is_refused(client, county):
    sign_in(client, "pekka")
    user = User.objects.get(username="pekka")
    user.is_active = False
    user.save()
    client.logout()

    event = assert_refused(sign_in(client, "pekka"), "disabled")
    assert event.user == user


def test_moving_to_another_group_changes_the_role_and_is_logged(client, county, provider, settings):
    sign_in(client, "pekka")
    client.logout()
    settings.OIDC_PROVIDERS = [provider.settings_entry(roles={"tyokyky-professionals": "manager"})]

    sign_in(client, "pekka")

    user = User.objects.get(username="pekka")
    assert user.role == User.Role.MANAGER
    change = SecurityEvent.objects.get(user=user, kind=SecurityEvent.Kind.USER_CHANGED)
    assert change.details["role"] == ["professional", "manager"]


# --- The second factor ------------------------------------------------------------------


def test_the_providers_mfa_claim_stands_for_the_coordinators_second_factor(client, county, hub):
    response = sign_in(client, "kaisa.sso")

    assert response.status_code == 302
    kaisa = User.objects.get(username="kaisa.sso")
    assert (kaisa.role, kaisa.organization) == (User.Role.COORDINATOR, hub)
    home = client.get("/")
    assert home.status_code == 200
    # Still so after the middleware's periodic recheck of whether a factor is owed.
    session = client.session
    session["two_factor_checked_at"] = time.time() - 3600
    session.save()
    assert client.get("/").status_code == 200


def test_a_coordinator_without_the_mfa_claim_is_asked_for_our_own(client, county):
    sign_in(client, "kalle.nomfa")

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_the_accepted_mfa_values_are_the_providers_own(client, provider, settings, hub):
    # This provider's MFA is said with acr only: "mfa" in amr is not taken as it.
    settings.OIDC_PROVIDERS = [provider.settings_entry(mfa_amr=[], mfa_acr=["urn:other"])]
    settings.TWO_FACTOR_REQUIRED = True
    sign_in(client, "kaisa.sso")
    assert client.get("/")["Location"].startswith(reverse("two_factor_setup"))


# --- Refused answers --------------------------------------------------------------------


def test_a_wrong_state_is_refused(client, county):
    response = sign_in(client, "pekka", state="not-the-state-we-sent")

    assert_refused(response, "state")
    assert not User.objects.filter(username="pekka").exists()


def test_an_answer_from_another_issuer_is_refused(client, county):
    response = sign_in(client, "pekka", iss="https://attacker.example")
    assert_refused(response, "token", detail="issuer in the response")


def test_a_wrong_nonce_is_refused(client, county):
    callback = walk_to_callback(client, "pekka")
    # The nonce this session expects is not the one the provider put in the token.
    session = client.session
    # (A session is not iterable: its keys() it has.)
    key = next(key for key in session.keys() if key.startswith("_state_oidc-county_"))  # noqa: SIM118
    stored = session[key]
    stored["data"]["nonce"] = "another-nonce"
    session[key] = stored
    session.save()

    response = call_back(client, callback)

    assert_refused(response, "token", detail="nonce")
    assert not User.objects.filter(username="pekka").exists()


def test_an_expired_token_is_refused(client, county):
    callback = walk_to_callback(client, "pekka")
    # The provider's ID tokens live ten minutes; a quarter of an hour later (within the
    # session's idle time) the token it issues now has expired by our clock.
    with time_machine.travel(timedelta(minutes=15), tick=True):
        response = call_back(client, callback)
    assert_refused(response, "token", detail="expired")


def _forging(monkeypatch, provider_settings, **changes):
    """The real token exchange, with the ID token replaced by `changes` made to it."""
    client = sso.client_for(provider_settings)
    real = client.fetch_access_token

    def fetch(**kwargs):
        token = real(**kwargs)
        claims = jwt.decode(token["id_token"], KeySet.import_key_set(client.fetch_jwk_set()))
        key = changes.pop("key")
        token["id_token"] = jwt.encode(
            {"alg": "RS256", "kid": key.kid}, {**claims.claims, **changes}, key
        )
        return token

    monkeypatch.setattr(client, "fetch_access_token", fetch)


def test_a_forged_signature_is_refused(client, county, monkeypatch):
    # Another key that calls itself the provider's: the signature does not hold.
    forger = RSAKey.import_key(make_key("key-1"))
    _forging(monkeypatch, county, key=forger)

    assert_refused(sign_in(client, "pekka"), "token", detail="signature")
    assert not User.objects.filter(username="pekka").exists()


def test_a_token_signed_with_an_unknown_key_is_refused(client, county, monkeypatch):
    forger = RSAKey.import_key(make_key("key-of-nobody"))
    _forging(monkeypatch, county, key=forger)
    assert_refused(sign_in(client, "pekka"), "token", detail="signature")


def test_a_token_for_another_client_is_refused(client, county, provider, monkeypatch):
    # Signed with the provider's own key, but for another audience.
    real_key = RSAKey.import_key(provider.keys[0])
    _forging(monkeypatch, county, key=real_key, aud="another-client")
    assert_refused(sign_in(client, "pekka"), "token", detail="audience")


def test_a_cancelled_sign_in_is_refused(client, county):
    begin(client)
    state = next(
        key.rsplit("_", 1)[1]
        for key in client.session.keys()  # noqa: SIM118
        if key.startswith("_state_")
    )
    response = client.get(
        reverse("sso_callback", args=["county"]), {"error": "access_denied", "state": state}
    )
    assert_refused(response, "provider_error", detail="access_denied")


def test_a_rotated_key_is_fetched_when_a_token_names_it(client, tmp_path, settings, hub):
    rotating = Provider(tmp_path, [SERVICE]).start()
    try:
        settings.OIDC_PROVIDERS = [rotating.settings_entry()]
        assert sign_in(client, "kaisa.sso").status_code == 302
        client.logout()
        cached = sso.client_for(settings.OIDC_PROVIDERS[0])
        assert [key["kid"] for key in cached.fetch_jwk_set()["keys"]] == ["key-1"]

        rotating.rotate_keys()
        response = sign_in(client, "kaisa.sso")

        assert response.status_code == 302
        assert [key["kid"] for key in cached.fetch_jwk_set()["keys"]] == ["key-2", "key-1"]
    finally:
        rotating.stop()


# --- Logout -----------------------------------------------------------------------------


def test_logout_ends_the_providers_session_too(client, county):
    browser = Browser()
    sign_in(client, "pekka", browser)

    response = client.post(reverse("logout"))

    assert AUTH_SESSION_KEY not in client.session
    end_session = response["Location"]
    assert end_session.startswith(county["issuer"] + "/session/end")
    query = parse_qs(urlsplit(end_session).query)
    assert query["post_logout_redirect_uri"] == [f"{SERVICE}/login/"]
    assert query["client_id"] == [CLIENT_ID]
    assert "id_token_hint" in query
    assert browser.log_out(end_session, SERVICE).startswith(f"{SERVICE}/login/")
    # The provider asks for the password again: its session ended as well.
    authorize = begin(client)
    page = browser.http.get(authorize, timeout=10)
    assert 'name="password"' in page.text


def test_a_password_login_logs_out_as_before(client, alice, password, county):
    client.post(reverse("login"), {"username": "alice", "password": password})
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")


# --- The login page and the settings ----------------------------------------------------


def test_the_login_page_has_a_button_for_each_provider(client, provider, settings):
    settings.OIDC_PROVIDERS = [
        provider.settings_entry(),
        provider.settings_entry(name="kela", label="Kelan tunnus"),
    ]
    page = client.get(reverse("login")).content.decode()
    assert page.count("data-sso=") == 2
    assert 'href="/sso/kela/"' in page
    assert "Kelan tunnus" in page


def test_without_providers_the_login_page_is_as_before(client, settings):
    settings.OIDC_PROVIDERS = []
    page = client.get(reverse("login")).content.decode()
    assert "data-sso" not in page
    assert client.get("/sso/county/").status_code == 404


def test_the_secret_is_read_from_its_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n", encoding="utf-8")
    entry = {
        "name": "county",
        "issuer": "https://login.example/tenant/v2.0",
        "client_id": "abc",
        "client_secret_file": str(secret),
        "organisation": HEALTH_CENTRE_NAME,
        "roles": {"g": "professional"},
    }
    assert parse_provider(0, entry)["client_secret"] == "s3cret"
    with pytest.raises(ImproperlyConfigured, match="client_secret_file"):
        parse_provider(0, {**entry, "client_secret_file": str(tmp_path / "missing")})
    with pytest.raises(ImproperlyConfigured, match="https"):
        parse_provider(0, {**entry, "issuer": "http://login.example"})
    with pytest.raises(ImproperlyConfigured, match="roles"):
        parse_provider(0, {**entry, "roles": {}})


def test_an_identity_tied_to_another_account_cannot_be_linked_again(alice, olli):
    ExternalIdentity.objects.create(
        user=alice, issuer="https://login.example", subject="s-1", provider="county"
    )
    duplicate = ExternalIdentity(
        user=olli, issuer="https://login.example", subject="s-1", provider="county"
    )
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="already linked to another account"),
    ):
        duplicate.validate_constraints()


def test_the_logout_form_may_go_on_to_the_providers(provider):
    from config.oidc import provider_origins

    entries = [provider.settings_entry(), provider.settings_entry(name="kela")]
    assert provider_origins(entries) == [provider.issuer]


def _link_in_admin(client, user, subject):
    from coordination.tests.test_user_admin import change_url, form_data

    data = form_data(client, user)
    prefix = "external_identities"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-provider": "county",
            f"{prefix}-0-issuer": "https://login.example/tenant/v2.0",
            f"{prefix}-0-subject": subject,
            f"{prefix}-0-user": str(user.pk),
        }
    )
    return client.post(change_url(user), data)


def test_an_administrator_links_an_existing_account_and_it_is_logged(client, alice, olli, hub):
    from coordination.tests.factories import UserFactory

    root = UserFactory(username="root", organization=hub, is_staff=True, is_superuser=True)
    client.force_login(root)

    assert _link_in_admin(client, alice, "s-1").status_code == 302
    identity = ExternalIdentity.objects.get(user=alice)
    assert identity.subject == "s-1"
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SSO_LINKED)
    assert (event.user, event.actor) == (alice, root)

    # The same subject for another account: refused next to the field, nothing saved.
    response = _link_in_admin(client, olli, "s-1")
    assert response.status_code == 200
    # In the administrator's language (Finnish).
    assert "on jo liitetty toiseen käyttäjätiliin" in response.content.decode()
    assert not ExternalIdentity.objects.filter(user=olli).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SSO_LINKED).count() == 1
