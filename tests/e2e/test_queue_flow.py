"""The coordinator's morning in headless Chromium: the home page's worklist shows the
urgent request first and opens it; in the queue she finds a request by its reference,
changes tab, and assigns two requests to a colleague at once. Screenshots at 1366 and
375 px wide."""

import datetime

import pytest
from django.utils import timezone

from conftest import require_chromium
from coordination.models import ConsultationRequest
from coordination.tests.factories import ConsultationFactory, UserFactory
from tests.e2e.test_accessibility import SERIOUS, check_pages
from tests.test_worklists import _coach_world, _professional_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1366, 900), "phone": (375, 800)}


def _ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def morning(alice, olli, kaisa, hub):
    pekka = UserFactory(
        username="pekka", first_name="Pekka", last_name="Parkkinen", organization=hub,
        role="coordinator",
    )  # fmt: skip
    return {
        "old": ConsultationFactory(requester=alice, submitted_at=_ago(6)),
        "urgent": ConsultationFactory(requester=olli, urgency="urgent", submitted_at=_ago(1)),
        "third": ConsultationFactory(requester=alice, submitted_at=_ago(3)),
        "answered": ConsultationFactory(
            requester=alice, status=ConsultationRequest.Status.ANSWERED, submitted_at=_ago(9)
        ),
        "pekka": pekka,
    }


def _search(page, text):
    page.fill("#queue-q", text)
    page.locator("form.queue-filters button[type=submit]").click()
    page.wait_for_load_state()


def _on_a_phone(page, live_server, screenshot):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/")
    screenshot("home-375")
    page.goto(f"{live_server.url}/consultations/queue/?tab=all")
    screenshot("queue-375")
    # Nothing wider than the screen but the table, which scrolls in its own box.
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 376 && !e.closest('.table-responsive'))
            .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 8)"""
    )
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 375, wide


def test_coordinator_starts_the_day_from_home_and_works_the_queue(
    page, live_server, login_as, screenshot, kaisa, morning
):
    require_chromium()
    page.set_default_timeout(15_000)
    page.set_viewport_size({"width": 1366, "height": 900})
    login_as(kaisa)
    urgent, old, third = morning["urgent"], morning["old"], morning["third"]

    # 1. Home: "Minulle nyt", the urgent request first.
    page.goto(f"{live_server.url}/")
    assert page.locator("#now-heading").inner_text() == "Minulle nyt"
    first = page.locator("#now-requests .worklist-item").first
    assert urgent.reference in first.inner_text()
    assert "Kiireellinen" in first.inner_text()
    screenshot("home-1366")
    first.get_by_role("link").click()
    page.wait_for_url(f"**/consultations/{urgent.uuid}/")
    assert urgent.reference in page.locator("h1").inner_text()

    # 2. The queue opens on what waits: urgent first, then the longest waiting.
    page.goto(f"{live_server.url}/consultations/queue/")
    references = page.locator("tbody th[scope=row]").all_inner_texts()
    assert references == [urgent.reference, old.reference, third.reference]

    # 3. Search by reference, typed carelessly.
    _search(page, old.reference.lower().replace("-", " "))
    assert page.locator("tbody th[scope=row]").all_inner_texts() == [old.reference]
    screenshot("queue-search-1366")

    # 4. Another tab: answered, not closed.
    _search(page, "")
    page.locator("#tab-answered").click()
    page.wait_for_url("**tab=answered*")
    assert page.locator("tbody th[scope=row]").all_inner_texts() == [morning["answered"].reference]
    assert page.locator("#tab-answered").get_attribute("aria-current") == "page"

    # 5. Back to the waiting ones; choose two by their labels and assign them to Pekka.
    page.locator("#tab-waiting").click()
    page.wait_for_url("**tab=waiting*")
    page.get_by_label(f"Valitse {old.reference}").check()
    page.get_by_label(f"Valitse {third.reference}").check()
    page.select_option("#id_action", "assign")
    page.select_option("#id_assignee", str(morning["pekka"].uuid))
    screenshot("queue-chosen-1366")
    page.locator("#bulk-submit").click()
    page.wait_for_load_state()
    assert "2 pyyntöä osoitettu käsittelijälle Pekka Parkkinen." in page.content()
    screenshot("queue-assigned-1366")
    for consultation in (old, third):
        consultation.refresh_from_db()
        assert consultation.assigned_to == morning["pekka"]
    urgent.refresh_from_db()
    assert urgent.assigned_to is None

    # 6. The same pages on a phone.
    _on_a_phone(page, live_server, screenshot)


@pytest.fixture
def worlds(alice, kaisa, tuula, eero):
    """Each role's home with something in every list it has."""
    today = timezone.localdate()
    _professional_world(kaisa, alice, today, n=2)
    _coach_world(tuula, today, n=2)
    ConsultationFactory.create_batch(6, requester=alice)
    return {"alice": alice, "tuula": tuula, "eero": eero}


@pytest.mark.parametrize("who", ["alice", "tuula", "eero"])
def test_every_roles_worklist_at_desktop_and_phone_width(
    page, live_server, login_as, screenshot, worlds, who
):
    require_chromium()
    page.set_default_timeout(15_000)
    login_as(worlds[who])
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/")
        assert page.locator("h2#now-heading").inner_text() == "Minulle nyt"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(f"{who}-{name}")


@pytest.mark.parametrize("who", ["kaisa", "alice", "tuula", "eero"])
def test_home_and_queue_have_no_serious_accessibility_violations(
    page, live_server, login_as, worlds, kaisa, morning, who
):
    """axe-core (WCAG 2.1 A/AA) on the home pages with full worklists, and on the queue
    with a search, a sort and a bulk error showing."""
    require_chromium()
    page.set_default_timeout(15_000)
    user = {"kaisa": kaisa, **worlds}[who]
    login_as(user)
    urls = ["/"]
    if who == "kaisa":
        urls += ["/consultations/queue/?q=Alice&sort=-urgency", "/consultations/queue/?tab=all"]
    report = check_pages(page, live_server.url, urls)
    serious = {
        url: {rule: impact for rule, impact in entry["violations"].items() if impact in SERIOUS}
        for url, entry in report.items()
    }
    assert set(report) == set(urls)
    assert all(not rules for rules in serious.values()), serious
