"""The conversation on a request in headless Chromium: the coordinator asks for more
information, the requester logs in and replies on the request page, the coordinator reads
the reply and answers. Screenshots at 1366 px and 375 px go to var/screenshots/."""

import pytest

from conftest import require_chromium
from coordination.models import ConsultationMessage, ConsultationRequest
from coordination.tests.factories import ConsultationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 375, "height": 800}


def log_in(page, live_server, username, password):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form [type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def both_widths(page, screenshot, step):
    page.set_viewport_size(WIDE)
    screenshot(f"{step}-1366")
    page.set_viewport_size(NARROW)
    screenshot(f"{step}-375")
    page.set_viewport_size(WIDE)


def test_ask_reply_and_answer(page, live_server, alice, kaisa, password, screenshot):
    require_chromium()
    page.set_default_timeout(15_000)
    page.set_viewport_size(WIDE)
    alice.phone = "040 123 4567"
    alice.save(update_fields=["phone"])
    consultation = ConsultationFactory(requester=alice)
    detail = f"{live_server.url}/consultations/{consultation.uuid}/"

    # 1. The coordinator opens the request and asks for more information.
    log_in(page, live_server, "kaisa", password)
    page.goto(detail)
    assert "040 123 4567" in page.inner_text(".requester-contact")
    page.fill("#id_ask-text", "Onko asiakkaalla voimassa oleva lääkärinlausunto?")
    page.click("#ask-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert page.is_visible(".waiting-for-requester")
    both_widths(page, screenshot, "1-asked")

    # 2. The requester logs in, opens the request and replies on its page.
    log_in(page, live_server, "alice", password)
    page.goto(detail)
    assert page.locator(".requester-contact").count() == 0  # for the hub only
    assert "lääkärinlausunto" in page.inner_text("#conversation")
    both_widths(page, screenshot, "2-requester-sees-the-question")
    page.keyboard.press("Tab")
    page.fill("#id_reply-text", "Lausunto on kirjoitettu viime viikolla, lähetän sen erikseen.")
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert page.locator(".waiting-for-requester").count() == 0
    both_widths(page, screenshot, "3-replied")

    # 3. The coordinator sees the reply and answers the request.
    log_in(page, live_server, "kaisa", password)
    page.goto(detail)
    assert "Lausunto on kirjoitettu" in page.inner_text("#conversation")
    page.fill("#id_advice", "Työkyvyn arvio terveysasemalla lausunnon pohjalta.")
    page.click("#answer-form button[type=submit]")
    page.wait_for_selector(".alert-success")
    both_widths(page, screenshot, "4-answered")

    consultation.refresh_from_db()
    assert consultation.status == ConsultationRequest.Status.ANSWERED
    assert not consultation.is_waiting_for_requester
    assert list(ConsultationMessage.objects.values_list("kind", flat=True)) == [
        "question",
        "reply",
    ]


def test_withdrawing_a_request_is_confirmed_with_a_reason(
    page, live_server, alice, password, screenshot
):
    """The shared confirmation page, by keyboard alone: no reason, an error next to the
    field; with one, the request is withdrawn."""
    require_chromium()
    page.set_default_timeout(15_000)
    page.set_viewport_size(WIDE)
    consultation = ConsultationFactory(requester=alice)
    log_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}/consultations/{consultation.uuid}/withdraw/")
    page.focus("#id_reason")
    page.keyboard.press("Tab")  # to the confirming button
    page.keyboard.press("Enter")
    page.wait_for_selector("#form-errors")
    both_widths(page, screenshot, "1-reason-missing")
    page.fill("#id_reason", "Asiakas sai avun työterveyshuollosta.")
    page.focus("#id_reason")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".alert-success")
    consultation.refresh_from_db()
    assert consultation.status == ConsultationRequest.Status.WITHDRAWN
    both_widths(page, screenshot, "2-withdrawn")
