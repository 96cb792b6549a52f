"""The client's record in headless Chromium: a coordinator corrects the client's language
to Swedish on the edit page, then reads the client's whole history – every app's events –
on one page, filters it and opens the print view; the plan's PDF now comes out in Swedish.
axe-core finds no serious violation. Screenshots at 1366 px and 375 px:
var/screenshots/test_coordinator_corrects_the_language_*.png."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from pypdf import PdfReader

from clients.models import ClientChange, Consent, WorkAbilityAssessment
from clients.tests.factories import ClientFactory, ConsentFactory
from clients.tests.test_record import _coaching, _network_life, _old_network, ago, day
from common.timeline import kind_labels
from conftest import require_chromium
from coordination.models import ConsultationAnswer, ConsultationMessage, ConsultationRequest
from coordination.tests import factories as personas
from coordination.tests.factories import ConsultationFactory
from healthchecks.models import HealthCheck
from networks.tests.factories import network_consent
from serviceplans.models import ServicePlan
from serviceplans.pdf import render_plan_pdf
from tests.e2e.test_accessibility import AXE_OPTIONS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _serious(page):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return {v["id"]: v["impact"] for v in violations if v["impact"] in ("serious", "critical")}


def _world():
    hub = personas.make_hub()
    health = personas.make_health_centre()
    kaisa = personas.make_kaisa(hub)
    alice = personas.make_alice(health)
    matti = ClientFactory(first_name="Matti", last_name="Meikäläinen", language="fi")
    network_consent(matti, [health], kaisa)
    ConsentFactory(
        client=matti,
        scope=Consent.Scope.CONSULTATION,
        recorded_by=kaisa,
        given_at=ago(95),
        withdrawn_at=ago(2),
        withdrawn_by=kaisa,
    )
    request = ConsultationFactory(
        requester=alice,
        client=matti,
        submitted_at=ago(90),
        status=ConsultationRequest.Status.CLOSED,
        closed_at=ago(80),
        outcome=ConsultationRequest.Outcome.NETWORK_FORMED,
    )
    ConsultationAnswer.objects.create(
        request=request, advice="Verkosto koolle.", next_step="Verkosto.", answered_by=kaisa,
        answered_at=ago(85),
    )  # fmt: skip
    ConsultationMessage.objects.create(
        request=request, kind=ConsultationMessage.Kind.QUESTION, author=kaisa,
        organization=kaisa.organization, text="Mikä on asiakkaan toive?", sent_at=ago(86),
    )  # fmt: skip
    _old_network(matti, kaisa)
    _network_life(matti, kaisa, alice)
    WorkAbilityAssessment.objects.create(
        client=matti, assessed_on=day(37), assessed_by=kaisa, kind="professional", score=6
    )
    HealthCheck.objects.create(
        client=matti, offered_on=day(36), offered_by=kaisa, status="declined",
        declined_on=day(34),
    )  # fmt: skip
    HealthCheck.objects.create(
        client=matti, offered_on=day(35), offered_by=kaisa, status="done", done_on=day(33)
    )
    _coaching(matti, kaisa)
    return kaisa, matti


OVERFLOWING = (
    "[...document.querySelectorAll('main *')]"
    ".filter(e => e.getBoundingClientRect().right > 376)"
    ".map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40))"
)
KINDS_SHOWN = "els => els.map(e => e.dataset.kind)"


def _correct_the_language(page, live_server, screenshot, matti):
    page.goto(f"{live_server.url}/clients/{matti.uuid}/")
    page.click("#client-edit-link")
    page.wait_for_selector(".client-edit-form")
    page.select_option("#id_language", "sv")
    page.select_option("#id_municipality", "")
    page.fill("#id_phone", "040 765 4321")
    screenshot("1-edit-1366")
    assert _serious(page) == {}
    page.click("#client-save")
    expect(page.locator(".messages")).to_contain_text("tallennettu")
    expect(page.locator("#h-info ~ dl")).to_contain_text("ruotsi")
    matti.refresh_from_db()
    assert matti.language == "sv"
    assert ClientChange.objects.get(client=matti).fields == ["municipality", "phone", "language"]


def _read_filter_and_print(page, screenshot):
    page.click("#client-record-link")
    page.wait_for_selector("#record-count")
    kinds = set(page.eval_on_selector_all(".timeline-entry", KINDS_SHOWN))
    assert kinds == set(kind_labels()), set(kind_labels()) - kinds
    first = page.locator(".timeline-entry").first
    assert first.get_attribute("data-kind") == "client_changed"  # newest first
    screenshot("2-record-1366")
    assert _serious(page) == {}
    # Only the job starts and the plan reviews
    page.click(".record-filter summary")
    page.check("#kind-job_start")
    page.check("#kind-plan_review")
    page.click(".record-filter button[type=submit]")
    page.wait_for_selector("#record-count")
    kinds = page.eval_on_selector_all(".timeline-entry", KINDS_SHOWN)
    assert sorted(kinds) == ["job_start", "plan_review"]
    screenshot("3-filtered-1366")
    # The print view of the same filter
    page.click("#record-print")
    page.wait_for_selector(".record-print-table")
    expect(page.locator(".record-print-table tbody tr")).to_have_count(2)
    screenshot("4-print-1366")


def _on_a_phone(page, live_server, screenshot, matti):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/clients/{matti.uuid}/record/")
    page.wait_for_selector("#record-count")
    screenshot("5-record-375")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, (width, page.evaluate(OVERFLOWING)[:5])
    page.goto(f"{live_server.url}/clients/{matti.uuid}/edit/")
    screenshot("6-edit-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def _plan_pdf_text(matti) -> str:
    """The plan's PDF as the export makes it: in the client's language of service."""
    plan = ServicePlan.objects.filter(client=matti, closed_at__isnull=True).get()
    language = matti.language if matti.language in ("fi", "sv", "en") else "fi"
    reader = PdfReader(io.BytesIO(render_plan_pdf(plan, language)))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_coordinator_corrects_the_language_and_reads_the_whole_history(
    page, live_server, login_as, screenshot, transactional_db
):
    require_chromium()
    kaisa, matti = _world()
    login_as(kaisa)
    page.set_viewport_size({"width": 1366, "height": 900})
    _correct_the_language(page, live_server, screenshot, matti)
    _read_filter_and_print(page, screenshot)
    _on_a_phone(page, live_server, screenshot, matti)
    text = _plan_pdf_text(matti).lower()
    assert "serviceplan" in text, text[:300]
    assert "palvelusuunnitelma" not in text
