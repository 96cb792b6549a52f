"""A manager opens the activity metrics on synthetic data – in headless Chromium.
Screenshots go to var/screenshots/metrics-*.png."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import require_chromium
from coordination.models import User
from coordination.tests.factories import TEST_PASSWORD, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_manager_reads_the_dashboard(page, live_server, transactional_db):
    require_chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    call_command("generate_synthetic", consultations=3000, networks=300, seed=6, verbosity=0)
    hub = OrganizationFactory(name="Työikäisten koordinaatio", kind="social_services", is_hub=True)
    UserFactory(
        username="eero", first_name="Eero", last_name="Esihenkilö", organization=hub,
        role=User.Role.MANAGER,
    )  # fmt: skip

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "eero")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/metrics/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("[data-metric=received]")).not_to_have_text("0")
    # Chart.js drew the charts from the page's json_script data.
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length >= 5")
    tables = page.locator("table caption")
    assert tables.count() >= 8
    page.screenshot(path=str(SCREENSHOTS / "metrics-dashboard.png"), full_page=True)

    page.select_option("#id_org_kind", "te_office")
    page.click("form[method=get] button[type=submit]")
    page.wait_for_url("**org_kind=te_office**")
    expect(page.locator("#id_org_kind")).to_have_value("te_office")
    page.screenshot(path=str(SCREENSHOTS / "metrics-filtered.png"), full_page=False)
