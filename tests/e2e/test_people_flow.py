"""An administrator invites a Kela officer, who sets her password from the e-mailed link
and lands on her home page; then the administrator deactivates the leaving coordinator
and hands her work over to a colleague. Chromium at 1366 px and 375 px."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from coordination.models import Organization, User
from demo.management.commands.seed_demo import seed_demo
from outbox.models import OutboxMessage
from people.handover import ACTIVE_WORK

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Liisan-oma-pitka-salasana-7"


def both_widths(page, screenshot, step):
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(f"{step}-375")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(f"{step}-1366")


def test_an_administrator_invites_a_kela_officer_who_sets_her_password(
    page, live_server, screenshot, login_as, settings
):
    settings.TWO_FACTOR_REQUIRED = False
    seed_demo()
    ylva = User.objects.get(username="yllapitaja")
    kela = Organization.objects.get(kind=Organization.Kind.KELA)
    page.set_viewport_size({"width": 1366, "height": 900})
    login_as(ylva)

    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation").get_by_role("link", name="Käyttäjät").click()
    expect(page.get_by_role("heading", name="Käyttäjät", level=1)).to_be_visible()
    expect(page.locator(".people-table")).to_contain_text("Koordinaattori")
    both_widths(page, screenshot, "list")

    page.get_by_role("link", name="Kutsu käyttäjä").click()
    page.get_by_label("Sähköpostiosoite").fill("liisa.laine@kela.invalid")
    page.get_by_label("Etunimi").fill("Liisa")
    page.get_by_label("Sukunimi").fill("Laine")
    page.locator("#id_organization").select_option(label=kela.name)
    page.locator("#id_role").select_option(value=User.Role.PROFESSIONAL)
    page.get_by_label("Nimike").fill("etuuskäsittelijä")
    both_widths(page, screenshot, "invite")
    page.get_by_role("button", name="Lähetä kutsu").click()
    expect(page.get_by_role("heading", name="Liisa Laine")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Kutsuttu")
    both_widths(page, screenshot, "invited")

    # Liisa opens the link in her e-mail: read from the outbox row, as the worker sends it.
    message = OutboxMessage.objects.get(recipient="liisa.laine@kela.invalid")
    (link,) = re.findall(r"https?://\S+/invitation/\S+/", message.body)
    page.context.clear_cookies()
    page.goto(live_server.url + urlsplit(link).path)
    expect(page.get_by_role("heading", name="Tervetuloa Työkyky-palveluun")).to_be_visible()
    page.locator("input[name=new_password1]").fill(PASSWORD)
    page.locator("input[name=new_password2]").fill(PASSWORD)
    both_widths(page, screenshot, "set-password")
    page.get_by_role("button", name="Aseta salasana").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Tervetuloa, Liisa")).to_be_visible()
    both_widths(page, screenshot, "home")

    # The link works once.
    page.context.clear_cookies()
    page.goto(live_server.url + urlsplit(link).path)
    expect(page.get_by_role("heading", name="Kutsulinkki ei enää toimi")).to_be_visible()


def test_an_administrator_hands_a_leaving_coordinators_work_over(
    page, live_server, screenshot, login_as, settings
):
    settings.TWO_FACTOR_REQUIRED = False
    seed_demo()
    ylva = User.objects.get(username="yllapitaja")
    leaving = User.objects.get(username="koordinaattori")
    held = {kind.key: kind.of(leaving).count() for kind in ACTIVE_WORK}
    assert sum(held.values()) > 0
    colleague = User.objects.create_user(
        username="hilkka",
        first_name="Hilkka",
        last_name="Seuraaja",
        email="hilkka@demo.invalid",
        organization=leaving.organization,
        role=User.Role.COORDINATOR,
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    login_as(ylva)

    page.goto(f"{live_server.url}/people/?q=Koordinaattori")
    page.get_by_role("link", name="Kaisa Koordinaattori").click()
    page.get_by_role("link", name="Poista käytöstä").click()
    expect(page.get_by_role("heading", name="Siirrettävät työt")).to_be_visible()
    page.get_by_label("Työt vastaanottava kollega").select_option(value=str(colleague.pk))
    page.get_by_label("Ymmärrän, että henkilö ei voi enää kirjautua sisään.").check()
    both_widths(page, screenshot, "handover")
    page.get_by_role("button", name="Siirrä työt ja poista käytöstä").click()
    expect(page.locator(".messages")).to_contain_text("poistettiin käytöstä")
    expect(page.locator(".change-history")).to_contain_text("Työt siirretty")
    both_widths(page, screenshot, "handed-over")

    leaving.refresh_from_db()
    assert not leaving.is_active
    for kind in ACTIVE_WORK:
        assert not kind.of(leaving).exists(), kind.key
        assert kind.of(colleague).count() >= held[kind.key], kind.key
