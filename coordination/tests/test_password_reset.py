import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from coordination import twofactor
from coordination.models import SecurityEvent, UserSession
from coordination.tests.test_twofactor import current_code
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")
NEW_PASSWORD = "a-new-and-long-one-for-tests"
CSRF_VALUE = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def ask(client, email, **extra):
    return client.post(RESET, {"email": email}, **extra)


def reset_rows():
    return OutboxMessage.objects.filter(dedupe_key__startswith="password-reset:")


def link_path(message: OutboxMessage) -> str:
    (link,) = re.findall(r"https?://\S+", message.body)
    return urlsplit(link).path


def set_password(client, path, password=NEW_PASSWORD):
    """Open the link (Django moves the token into the session and redirects), then post
    the new password to the page it lands on."""
    response = client.get(path)
    if response.status_code != 302:
        return response
    return client.post(response.url, {"new_password1": password, "new_password2": password})


def test_the_login_page_links_to_the_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{RESET}"' in page


def test_known_and_unknown_addresses_get_the_same_answer(client, alice):
    known = ask(client, alice.email)
    unknown = ask(client, "nobody@example.invalid")
    assert (known.status_code, known["Location"], known.content) == (
        unknown.status_code,
        unknown["Location"],
        unknown.content,
    )
    assert known.status_code == 302
    # The page it leads to is the same too (but for the footer form's masked CSRF token).
    after_known = CSRF_VALUE.sub(b"", client.get(known["Location"]).content)
    after_unknown = CSRF_VALUE.sub(b"", client.get(unknown["Location"]).content)
    assert after_known == after_unknown
    assert 'id="reset-sent"' in after_known.decode()


def test_a_known_address_gets_one_e_mail_in_its_language_with_only_the_link(client, alice):
    alice.language = "sv"
    alice.save(update_fields=["language"])
    ask(client, alice.email.upper())
    (message,) = reset_rows()
    assert message.recipient == alice.email
    assert message.language == "sv"
    assert "lösenord" in message.subject.lower()
    assert link_path(message).startswith("/account/password/reset/")
    assert alice.username not in message.body
    assert alice.last_name not in message.body


def test_unknown_and_inactive_addresses_get_no_e_mail(client, alice):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    ask(client, alice.email)
    ask(client, "nobody@example.invalid")
    assert not reset_rows().exists()


def test_an_account_without_a_password_of_its_own_gets_no_e_mail(client, alice):
    alice.set_unusable_password()
    alice.save(update_fields=["password"])
    ask(client, alice.email)
    assert not reset_rows().exists()


def test_the_link_sets_a_password_once(client, alice):
    ask(client, alice.email)
    path = link_path(reset_rows().get())
    response = set_password(client, path)
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    again = set_password(client, path, "yet-another-long-password")
    assert again.status_code == 200
    assert not again.context["validlink"]
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_the_link_expires_after_the_timeout(client, alice, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    ask(client, alice.email)
    path = link_path(reset_rows().get())
    time_machine.shift(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1))
    response = client.get(path, follow=True)
    assert not response.context["validlink"]
    assert 'id="reset-link-invalid"' in response.content.decode()


def test_the_timeout_is_two_hours(settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 2 * 3600


def test_a_common_password_is_refused_next_to_the_field(client, alice, settings):
    validators = [entry["NAME"] for entry in settings.AUTH_PASSWORD_VALIDATORS]
    assert "django.contrib.auth.password_validation.CommonPasswordValidator" in validators
    ask(client, alice.email)
    response = set_password(client, link_path(reset_rows().get()), "password1234")
    assert response.status_code == 200
    codes = [error.code for error in response.context["form"].errors.as_data()["new_password2"]]
    assert "password_too_common" in codes
    alice.refresh_from_db()
    assert not alice.check_password("password1234")


def test_setting_the_password_is_logged_and_the_person_told(client, alice):
    ask(client, alice.email)
    set_password(client, link_path(reset_rows().get()))
    event = SecurityEvent.objects.get(user=alice, kind=SecurityEvent.Kind.PASSWORD_RESET)
    assert event.actor is None
    assert event.ip_address == "127.0.0.1"
    notice = OutboxMessage.objects.get(dedupe_key=f"security-event:{event.pk}")
    assert notice.recipient == alice.email
    assert "/account/password/reset/" in notice.body
    assert "set-password" not in notice.body


def test_the_reset_ends_every_session_and_logs_nobody_in(client, alice, password):
    other = client.__class__()
    other.post(reverse("login"), {"username": alice.username, "password": password})
    assert other.get(reverse("home")).status_code == 200
    ask(client, alice.email)
    set_password(client, link_path(reset_rows().get()))
    assert not UserSession.objects.filter(user=alice).exists()
    assert other.get(reverse("home")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_after_a_reset_the_login_still_asks_for_the_second_factor(client, kaisa, settings):
    settings.TWO_FACTOR_REQUIRED = True
    device = TOTPDevice.objects.create(
        user=kaisa, name=twofactor.AUTHENTICATOR_NAME, confirmed=True
    )
    ask(client, kaisa.email)
    set_password(client, link_path(reset_rows().get()))
    response = client.post(reverse("login"), {"username": kaisa.username, "password": NEW_PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home.url.startswith(reverse("two_factor_verify"))
    verified = client.post(home.url, {"token": current_code(device)})
    assert verified.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_one_address_gets_at_most_its_share_of_links(client, alice, settings, time_machine):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_EMAIL = 2
    time_machine.move_to(timezone.now(), tick=False)
    answers = []
    for n in range(5):
        # A new second makes a new link (the token's resolution), so each could be sent.
        time_machine.shift(timedelta(seconds=2))
        answers.append(ask(client, alice.email, REMOTE_ADDR=f"10.0.0.{n}"))
    # The same answer every time, but no more e-mails: nobody floods a mailbox.
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, reverse("password_reset_done"))
    }
    assert reset_rows().count() == 2


def test_one_client_gets_429_after_its_share_of_requests(client, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_CLIENT = 3
    statuses = [ask(client, f"person{n}@example.invalid").status_code for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert 'id="reset-limited"' in ask(client, "x@example.invalid").content.decode()


def test_a_client_behind_its_limit_learns_nothing_about_addresses(client, alice, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_CLIENT = 1
    ask(client, "first@example.invalid")
    known = ask(client, alice.email)
    unknown = ask(client, "nobody@example.invalid")
    assert known.status_code == unknown.status_code == 429
    assert not reset_rows().exists()
