"""A coordinator signs in through the county's identity provider in Chromium: the real
provider (tests/oidc_provider) with its own login and consent pages, clicked through, and
logs out of both. A person of an unmapped group sees the refusal page."""

import copy
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from coordination.models import ExternalIdentity, User
from tests.oidc_provider.harness import ACCOUNTS, Provider

pytestmark = [pytest.mark.e2e, pytest.mark.oidc, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(live_server, settings, tmp_path, hub, health_centre):
    provider = Provider(tmp_path, [live_server.url]).start()
    settings.OIDC_PROVIDERS = [provider.settings_entry()]
    settings.TWO_FACTOR_REQUIRED = True
    # The logout form's answer goes on to the provider: the policy names its origin, as
    # settings does for the configured providers.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], provider.issuer]
    settings.CONTENT_SECURITY_POLICY = policy
    yield provider
    provider.stop()


def serious(page):
    results = Axe().run(page)
    return [
        violation["id"]
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_a_coordinator_signs_in_through_the_provider_and_out(page, live_server, county, screenshot):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    button = page.get_by_role("link", name="Hyvinvointialueen tunnus")
    expect(page.get_by_role("heading", name="Kirjaudu organisaation tunnuksella")).to_be_visible()
    assert serious(page) == []
    screenshot("login")

    button.click()
    expect(page).to_have_url(re.compile(re.escape(f"{county.issuer}/interaction/")))
    page.get_by_label("Username").fill("kaisa.sso")
    page.get_by_label("Password").fill(ACCOUNTS["kaisa.sso"]["password"])
    screenshot("provider-login")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()

    # Back at the service, signed in: the provider's MFA claim stands for the second
    # factor, so the coordinator's home opens without our own code.
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("main").get_by_text("Konsultaatiojono").first).to_be_visible()
    screenshot("home")
    kaisa = User.objects.get(username="kaisa.sso")
    assert kaisa.role == User.Role.COORDINATOR
    assert ExternalIdentity.objects.filter(user=kaisa, subject="3f6c1e9a-kaisa").exists()

    page.get_by_role("button", name="Kirjaudu ulos").click()
    expect(page).to_have_url(re.compile(re.escape(f"{county.issuer}/session/end")))
    screenshot("provider-logout")
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(re.compile(re.escape(f"{live_server.url}/login/")))
    expect(page.get_by_role("heading", name="Kirjaudu sisään")).to_be_visible()
    screenshot("logged-out")

    # The provider's session ended too: its sign-in asks for the password again.
    page.get_by_role("link", name="Hyvinvointialueen tunnus").click()
    expect(page.get_by_label("Password")).to_be_visible()


def test_a_person_of_an_unmapped_group_sees_why_not(page, live_server, county, screenshot):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/login/")
    screenshot("login-narrow")
    page.get_by_role("link", name="Hyvinvointialueen tunnus").click()
    page.get_by_label("Username").fill("ville.visitor")
    page.get_by_label("Password").fill(ACCOUNTS["ville.visitor"]["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()

    expect(page.get_by_role("heading", name="Kirjautuminen estetty")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("ei ole pääsyä Työkykyyn")
    assert serious(page) == []
    screenshot("refused-narrow")
    assert not User.objects.filter(username="ville.visitor").exists()
