"""Issue 8, health checks for the unemployed in headless Chromium: alice offers a health
check on the client's page, a done date before the offer is an error next to the field,
then the result is recorded and shown on the client page. axe-core finds no serious
violation on the form or the page. Screenshots: var/screenshots/test_nurse_records_*.png."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from clients.tests.factories import member_of_network
from conftest import require_chromium
from coordination.tests.factories import ConsultationFactory, OrganizationFactory, UserFactory
from healthchecks.models import HealthCheck
from tests.e2e.test_accessibility import AXE_OPTIONS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _serious(page):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return {v["id"]: v["impact"] for v in violations if v["impact"] in ("serious", "critical")}


def test_nurse_records_a_health_check(page, live_server, login_as, screenshot, transactional_db):
    require_chromium()
    today = timezone.localdate()
    health = OrganizationFactory(name="Oulun sote-keskus Tuira", kind="health_centre")
    alice = UserFactory(username="alice", first_name="Alice", last_name="Hoitaja",
                        organization=health)  # fmt: skip
    request = ConsultationFactory(
        requester=alice,
        client__first_name="Matti",
        client__last_name="Meikäläinen",
        client__life_situation="unemployed_registered",
    )
    matti = request.client
    # A nurse reaches a client record through the client's network, not her request.
    member_of_network(matti, alice)
    page.set_viewport_size({"width": 1280, "height": 900})
    login_as(alice)

    page.goto(f"{live_server.url}/clients/{matti.uuid}/")
    page.click("#h-health-checks ~ a")
    page.wait_for_selector("#health-check-form")
    page.fill("#id_offered_on", (today - datetime.timedelta(days=3)).isoformat())
    page.select_option("#id_organization", label="Oulun sote-keskus Tuira")
    page.check("input[name=status][value=done]")
    page.fill("#id_done_on", (today - datetime.timedelta(days=10)).isoformat())
    page.check("#id_done_by_me")
    page.click("#health-check-form button[type=submit]")
    # Done before the offer: the message is next to the date, nothing is saved.
    expect(page.locator("#id_done_on")).to_have_class(_contains("is-invalid"))
    expect(page.locator("#error_1_id_done_on")).to_be_visible()
    assert not HealthCheck.objects.exists()
    screenshot("1-error-next-to-the-field")
    assert _serious(page) == {}

    page.fill("#id_done_on", today.isoformat())
    page.select_option("#id_led_to_further_assessment", "yes")
    page.select_option("#id_further_assessment", "medical_assessment")
    page.click("#health-check-form button[type=submit]")
    page.wait_for_url(f"**/clients/{matti.uuid}/**")
    row = page.locator("tr.health-check-done")
    expect(row).to_be_visible()
    check = HealthCheck.objects.get()
    assert (check.status, check.done_on, check.done_by, check.further_assessment) == (
        "done",
        today,
        alice,
        "medical_assessment",
    )
    page.locator("#h-health-checks").scroll_into_view_if_needed()
    screenshot("2-client-page")
    assert _serious(page) == {}


def _contains(text):
    import re

    return re.compile(rf"\b{re.escape(text)}\b")
