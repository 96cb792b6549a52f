"""The organisation picker in a browser: typing lists the matches grouped by kind, a
ticked match stays chosen through a new search, one character asks for more, nothing
found asks the administrator, the keyboard works, and without JavaScript the page has a
plain grouped list. Screenshots at 1366 px and 375 px: var/screenshots/test_picker*."""

import pytest
from playwright.sync_api import expect

from coordination.models import ConsultationRequest, Organization, User
from coordination.tests.factories import ConsultationFactory, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    hub = OrganizationFactory(name="Työikäisten koordinaatio", kind="social_services", is_hub=True)
    health = OrganizationFactory(name="Oulun sote-keskus Tuira", kind="health_centre")
    kinds = ["health_centre", "social_services", "te_office", "kela", "ngo", "education"]
    Organization.objects.bulk_create(
        Organization(name=f"Oulun palvelu {number:03d}", kind=kinds[number % len(kinds)])
        for number in range(60)
    )
    OrganizationFactory(name="Oulun Konepaja Oy", kind=Organization.Kind.EMPLOYER)
    kaisa = UserFactory(username="kaisa", organization=hub, role=User.Role.COORDINATOR)
    alice = UserFactory(username="alice", organization=health)
    consultation = ConsultationFactory(
        requester=alice, status=ConsultationRequest.Status.NETWORK_NEEDED, asked=["network"]
    )
    return {"kaisa": kaisa, "health": health, "consultation": consultation}


def _open(page, live_server, login_as, world):
    login_as(world["kaisa"])
    page.goto(f"{live_server.url}/networks/new/?consultation={world['consultation'].uuid}")


@pytest.mark.parametrize("width", [1366, 375])
def test_picker_searches_as_you_type(page, live_server, login_as, screenshot, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    _open(page, live_server, login_as, world)
    search = page.locator("#id_organizations")
    expect(page.get_by_label("Organisaatiot, joita suostumus koskee")).to_be_visible()
    # The requester's organisation is chosen already.
    expect(page.locator(f"input[name=organizations][value='{world['health'].pk}']")).to_be_checked()
    search.fill("o")
    expect(page.locator("#id_organizations_results")).to_contain_text("vähintään 2")
    search.fill("oulun")
    results = page.locator("#id_organizations_results input[type=checkbox]")
    expect(results).to_have_count(20)
    expect(page.locator("#id_organizations_status")).to_contain_text("Löytyi yli 20")
    expect(page.locator("#id_organizations_results")).not_to_contain_text("Konepaja")
    expect(page.locator("#id_organizations_results legend").first).to_be_visible()
    screenshot(f"{width}-results")
    # The keyboard: from the search field to the first match, Space ticks it.
    search.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("#id_organizations_selected input:checked")).to_have_count(2)
    # Enter in the search field does not send the form.
    search.fill("palvelu 007")
    search.press("Enter")
    expect(page.locator("#id_organizations_results input")).to_have_count(1)
    page.check("#id_organizations_results input")
    search.fill("zzzz")
    expect(page.locator("#id_organizations_results")).to_contain_text(
        "Ei löytynyt – pyydä ylläpitäjää lisäämään."
    )
    expect(page.locator("#id_organizations_selected input:checked")).to_have_count(3)
    screenshot(f"{width}-chosen")


def test_picker_without_javascript_is_a_grouped_list(browser, live_server, world):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(world["kaisa"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/networks/new/?consultation={world['consultation'].uuid}")
    select = page.locator("select#id_organizations")
    expect(select).to_be_visible()
    expect(select.locator("optgroup")).to_have_count(6)
    expect(select.locator("option[selected]")).to_have_count(1)
    assert "Konepaja" not in page.content()
    context.close()
