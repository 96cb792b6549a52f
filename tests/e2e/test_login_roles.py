"""Each demo role logs in through the real login page in Chromium and sees its home page."""

import pytest
from playwright.sync_api import expect

from demo.management.commands.seed_demo import DEMO_PASSWORD, seed_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOME_HEADINGS = {
    # username: what the role's home page offers, in the user's saved language (the
    # demo administrator works in Swedish, the others in Finnish)
    "ammattilainen": ["Pyydä konsultaatiota", "Omat pyynnöt"],
    "koordinaattori": ["Konsultaatiojono", "Toiminnan mittarit"],
    "esihenkilo": ["Avaa toiminnan mittarit"],
    "yllapitaja": ["Hantera användare", "Hantera organisationer"],
}
LOG_OUT = {"yllapitaja": "Logga ut"}


@pytest.fixture
def demo(live_server):
    seed_demo()
    return live_server


@pytest.mark.parametrize("username", list(HOME_HEADINGS))
def test_demo_user_logs_in_and_sees_their_home(page, demo, screenshot, username):
    page.goto(f"{demo.url}/")
    expect(page).to_have_url(f"{demo.url}/login/?next=/")
    expect(page.get_by_role("heading", name="Kirjaudu sisään")).to_be_visible()
    if username == "ammattilainen":
        screenshot("login")
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    expect(page).to_have_url(f"{demo.url}/")
    for text in HOME_HEADINGS[username]:
        expect(page.get_by_role("main").get_by_text(text, exact=True).first).to_be_visible()
    screenshot("home")
    page.get_by_role("button", name=LOG_OUT.get(username, "Kirjaudu ulos")).click()
    expect(page.get_by_label("Salasana").or_(page.get_by_label("Lösenord"))).to_be_visible()


def test_keyboard_user_reaches_the_skip_link_first(page, demo):
    # (The login page puts the focus in the username field itself.)
    page.goto(f"{demo.url}/accessibility/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    expect(page.locator(".skip-link")).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_lockout_message_after_five_wrong_passwords(page, demo, screenshot):
    page.goto(f"{demo.url}/login/")
    for _ in range(5):
        page.get_by_label("Käyttäjätunnus").fill("ammattilainen")
        page.get_by_label("Salasana").fill("väärä salasana")
        page.get_by_role("button", name="Kirjaudu sisään").click()
    expect(page.locator("#lockout-message")).to_contain_text("15 minuutiksi")
    screenshot("locked")


def test_language_switch_to_swedish(page, demo, screenshot):
    page.goto(f"{demo.url}/login/")
    page.get_by_label("Kieli").select_option("sv")
    page.get_by_role("button", name="Vaihda kieli").click()
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    screenshot("swedish")


def test_pages_raise_no_content_security_policy_violations(page, demo):
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    page.goto(f"{demo.url}/login/")
    page.get_by_label("Käyttäjätunnus").fill("koordinaattori")
    page.get_by_label("Salasana").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.get_by_role("button", name="Näytä tai piilota valikko").count()
    expect(page).to_have_url(f"{demo.url}/")
    assert not [text for text in violations if "Content Security Policy" in text], violations
