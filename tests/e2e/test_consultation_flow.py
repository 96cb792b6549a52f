"""A consultation from end to end in headless Chromium: a professional sends an identified
request, the coordinator finds it in the queue and answers, the professional reads the
answer and gives feedback. Screenshots of each step go to var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings

from conftest import require_chromium
from coordination.models import ConsultationRequest, Feedback

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.VAR_DIR) / "screenshots"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"consultation_{name}.png"), full_page=True)


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form [type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def log_out(page):
    page.click("header form button[type=submit]")


def test_request_answer_and_feedback(page, live_server, alice, kaisa, password):
    require_chromium()
    page.set_default_timeout(15_000)
    page.set_viewport_size({"width": 1280, "height": 900})
    # English, so that the test reads the same before and after translation.
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    alice.language = kaisa.language = "en"
    alice.save(update_fields=["language"])
    kaisa.save(update_fields=["language"])

    # 1. Alice, a nurse at a health centre, sends an identified request.
    log_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}/consultations/new/")
    assert page.is_hidden("#section-anonymous")
    page.fill("#id_client-personal_identity_code", "131052-308T")
    page.fill("#id_client-first_name", "Matti")
    page.fill("#id_client-last_name", "Meikäläinen")
    page.select_option("#id_client-municipality", "564")
    page.check("#id_consent-consent_given")
    page.select_option("#id_consent-method", "verbal")
    page.check("input[name=reasons][value=mental_health]")
    page.check("input[name=reasons][value=long_unemployment]")
    page.check("input[name=asked][value=network]")
    page.fill(
        "#id_description",
        "Matti has been unemployed for two years and his depression makes job search "
        "hard. <b>Could the hub assess whether a client network would help?</b>",
    )
    shot(page, "1_request_form")
    page.click("form.consultation-form button[type=submit]")
    page.wait_for_selector("#reference")
    reference = page.inner_text("#reference")
    consultation = ConsultationRequest.objects.get()
    assert reference == consultation.reference
    shot(page, "2_confirmation")
    log_out(page)

    # 2. Kaisa, the hub's coordinator, finds it in the queue and answers.
    log_in(page, live_server, "kaisa", password)
    page.goto(f"{live_server.url}/consultations/queue/")
    row = page.locator(f"#request-{consultation.uuid}")
    assert "Meikäläinen" in row.inner_text()
    shot(page, "3_queue")
    row.get_by_role("link", name=reference).click()
    page.wait_for_selector("#answer-form")
    # The HTML Alice typed is shown as text.
    assert "<b>Could the hub" in page.inner_text(".free-text")
    page.fill("#id_advice", "Book a health check for the unemployed and a network meeting.")
    page.fill("#id_next_step", "The coordinator calls Matti this week.")
    shot(page, "4_answer_form")
    page.click("#answer-form button[type=submit]")
    page.wait_for_selector("#h-answer")
    shot(page, "5_answered")
    consultation.refresh_from_db()
    assert consultation.status == ConsultationRequest.Status.ANSWERED
    log_out(page)

    # 3. Alice reads the answer in "My requests" and gives feedback.
    log_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}/consultations/mine/")
    card = page.locator(f"#request-{consultation.uuid}")
    assert "Book a health check" in card.inner_text()
    card.locator("summary").click()
    card.locator("input[name=usefulness][value='5']").check()
    card.locator("textarea[name=text]").fill("Clear advice, thank you.")
    shot(page, "6_feedback_form")
    card.locator("button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    shot(page, "7_feedback_given")
    feedback = Feedback.objects.get()
    assert (feedback.usefulness, feedback.given_by) == (5, alice)


def test_coordinator_finds_a_client_by_code_and_sees_the_timeline(
    page, live_server, alice, kaisa, password
):
    """The identity code goes in a POST form; the client's page shows the timeline, and
    withdrawing a consent is confirmed with its day, channel and who withdrew it."""
    require_chromium()
    from clients.tests.factories import ClientFactory
    from coordination import services
    from coordination.tests.factories import ConsultationFactory

    page.set_default_timeout(15_000)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    kaisa.language = "en"
    kaisa.save(update_fields=["language"])
    person = ClientFactory(
        first_name="Matti", last_name="Meikäläinen", personal_identity_code="131052-308T"
    )
    consultation = ConsultationFactory(requester=alice, client=person)
    services.answer_consultation(consultation, by=kaisa, advice="Health check first.")

    log_in(page, live_server, "kaisa", password)
    page.goto(f"{live_server.url}/clients/")
    page.fill("#id_personal_identity_code", "131052-308t")
    page.click("#code-search button[type=submit]")
    page.wait_for_selector("#h-timeline")
    assert "131052" not in page.url
    assert page.locator(".timeline li").count() == 3
    shot(page, "8_client_timeline")
    page.click(".consent a.btn-outline-danger")
    page.wait_for_selector("#h-confirm")
    page.check("#id_withdrawal_channel_1")
    page.check("#id_withdrawal_reported_by_0")
    page.click(".confirmation button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert page.locator(".consent .badge").first.inner_text().startswith("Withdrawn")
    shot(page, "9_consent_withdrawn")

    # A code typed into the name search is sent by the identity-code search instead
    # (POST): it never reaches the address.
    page.goto(f"{live_server.url}/clients/")
    page.fill("#id_q", "131052-308T")
    page.click("#name-search button[type=submit]")
    page.wait_for_selector("#h-timeline")
    assert "131052" not in page.url and "q=" not in page.url


def test_bad_input_is_shown_at_the_field_and_anonymous_hides_identity(
    page, live_server, alice, password
):
    require_chromium()
    page.set_default_timeout(15_000)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    alice.language = "en"
    alice.save(update_fields=["language"])
    log_in(page, live_server, "alice", password)
    page.goto(f"{live_server.url}/consultations/new/")
    page.fill("#id_client-personal_identity_code", "131052-308U")  # wrong check character
    page.fill("#id_client-first_name", "Matti")
    page.fill("#id_client-last_name", "Meikäläinen")
    page.select_option("#id_client-municipality", "564")
    page.check("input[name=reasons][value=other]")
    page.fill("#id_description", "Something")
    page.click("form.consultation-form button[type=submit]")
    page.wait_for_selector("#form-errors")
    assert page.locator("#id_client-personal_identity_code.is-invalid").count() == 1
    assert page.locator("#id_consent-consent_given.is-invalid").count() == 1
    shot(page, "10_field_errors")
    assert not ConsultationRequest.objects.exists()
    # Choosing "anonymous" hides every identifying field.
    page.check("input[name=kind][value=anonymous]")
    assert page.is_hidden("#section-identified") and page.is_hidden("#section-consent")
    assert page.is_visible("#section-anonymous")
    page.select_option("#id_anon-age_band", "25_29")
    page.select_option("#id_anon-municipality", "678")
    shot(page, "11_anonymous")
    page.click("form.consultation-form button[type=submit]")
    page.wait_for_selector("#reference")
    consultation = ConsultationRequest.objects.get()
    assert consultation.anonymous and consultation.client is None
