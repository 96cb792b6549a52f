"""A coordinator who forgot her password asks for a link, sets a new password with it and
logs in, second factor and all, in Chromium at 1366 px."""

import re
from urllib.parse import urlsplit

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from coordination import twofactor
from coordination.models import User
from coordination.tests.test_twofactor import current_code
from demo.management.commands.seed_demo import seed_demo
from outbox.models import OutboxMessage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "kaisan-uusi-pitka-salasana"


def test_a_coordinator_resets_her_password_and_logs_in_with_her_second_factor(
    page, live_server, screenshot, settings
):
    settings.TWO_FACTOR_REQUIRED = True
    seed_demo()
    kaisa = User.objects.get(username="koordinaattori")
    device = TOTPDevice.objects.create(
        user=kaisa, name=twofactor.AUTHENTICATOR_NAME, confirmed=True
    )
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Unohditko salasanan?").click()
    expect(page.get_by_role("heading", name="Salasanan vaihtaminen")).to_be_visible()
    page.get_by_label("Sähköpostiosoite").fill(kaisa.email)
    screenshot("ask")
    page.get_by_role("button", name="Lähetä linkki").click()
    expect(page.locator("#reset-sent")).to_contain_text("Jos osoite kuuluu jollekin tunnukselle")
    screenshot("sent")

    message = OutboxMessage.objects.get(dedupe_key__startswith="password-reset:")
    (link,) = re.findall(r"https?://\S+", message.body)
    page.goto(live_server.url + urlsplit(link).path)
    expect(page.get_by_role("heading", name="Aseta uusi salasana")).to_be_visible()
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    screenshot("set-password")
    page.get_by_role("button", name="Aseta salasana").click()
    expect(page.locator("#reset-complete")).to_be_visible()
    screenshot("complete")

    page.get_by_role("main").get_by_role("link", name="Kirjaudu sisään").click()
    page.get_by_label("Käyttäjätunnus").fill(kaisa.username)
    page.get_by_label("Salasana").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor/verify/"))
    page.get_by_label("Koodi").fill(current_code(device))
    page.get_by_role("button", name="Jatka").click()
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_role("button", name=re.compile("Kaisa")).click()
    page.get_by_role("link", name="Aktiiviset istunnot").click()
    expect(page.locator("#session-table")).to_contain_text("Tämä istunto")
    screenshot("sessions")
