"""An administrator reviews the access log in headless Chromium: finds a client by the
identity code (never shown in the address bar), filters the log by that client and opens
the client's access report; axe finds no serious or critical violation on either page.
Screenshots go to var/screenshots/."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from clients.models import AccessLog
from clients.tests.factories import ClientFactory
from tests.e2e.test_accessibility import AXE_OPTIONS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def serious(page) -> dict:
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return {v["id"]: v["impact"] for v in violations if v["impact"] in ("serious", "critical")}


def test_administrator_finds_a_client_and_reads_the_report(
    page, live_server, login_as, screenshot, ylva, alice, olli, kaisa
):
    matti = ClientFactory(
        first_name="Matti", last_name="Meikäläinen", personal_identity_code="131052-308T",
        created_by=alice,
    )  # fmt: skip
    for user, basis in ((alice, "consultation"), (olli, "network"), (kaisa, "hub_role")):
        AccessLog.objects.create(user=user, client=matti, action="view", basis=basis, path="/x/")
    AccessLog.objects.create(
        user=alice, client=ClientFactory(), action="list", basis="consultation"
    )
    login_as(ylva)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/clients/access-log/")
    expect(page.locator("tbody tr")).to_have_count(4)
    assert serious(page) == {}

    page.fill("input[name=client_query]", "131052-308T")
    page.click("#client-search button[type=submit]")
    expect(page.locator("input[name=client_query]")).to_have_value("")
    assert "131052" not in page.url
    page.get_by_role("link", name="Rajaa loki").click()  # the Finnish default
    expect(page.locator("tbody tr")).to_have_count(3)
    assert str(matti.uuid) in page.url and "131052" not in page.url
    screenshot("list")

    page.goto(f"{live_server.url}/clients/access-log/{matti.uuid}/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("section.report-organization")).to_have_count(3)
    assert "131052-308T" not in page.content()
    assert serious(page) == {}
    screenshot("report")
