"""A professional opens the inbox from the navigation badge, opens an item (it is read and
leads to its thing), marks one done and chooses the daily digest – in headless Chromium,
at 1366 px and 375 px. Screenshots go to var/screenshots/test_inbox_*."""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from common.inbox import Kind, announce
from coordination.tests.factories import ConsultationFactory
from inbox.models import EmailPreference, InboxItem

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 375])
def test_a_professional_works_through_the_inbox(
    page, live_server, login_as, alice, screenshot, width
):
    with transaction.atomic():
        for consultation in ConsultationFactory.create_batch(3, requester=alice):
            announce(alice, Kind.REQUEST_ANSWERED, consultation)
    page.set_viewport_size({"width": width, "height": 900})
    login_as(alice)
    page.goto(f"{live_server.url}/")
    expect(page.locator(".new-for-you li")).to_have_count(3)
    screenshot("home")
    if width < 1200:
        page.click("button.navbar-toggler")
    page.click("a.nav-link[href='/inbox/']")
    expect(page.locator("h1")).to_have_text("Saapuneet")
    expect(page.locator(".inbox-items li")).to_have_count(3)
    screenshot("list")

    page.locator(".inbox-items li").first.get_by_role("button").click()
    expect(page.locator(".inbox-items li")).to_have_count(2)
    page.locator(".inbox-items li a").first.click()
    page.wait_for_url("**/consultations/**")
    assert InboxItem.objects.filter(read_at__isnull=False).count() == 2

    page.goto(f"{live_server.url}/account/notifications/")
    page.select_option("#kind-request_answered", "daily_digest")
    screenshot("preferences")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert EmailPreference.objects.get(user=alice, kind="request_answered").delivery == (
        "daily_digest"
    )
