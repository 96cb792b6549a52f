from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from coordination import twofactor
from coordination.models import SecurityEvent, UserSession
from coordination.tests.test_twofactor import current_code

pytestmark = pytest.mark.django_db

SESSIONS = reverse("session_list")
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def logged_in(user, password, user_agent=FIREFOX) -> Client:
    browser = Client(HTTP_USER_AGENT=user_agent)
    response = browser.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302
    return browser


# --- Absolute lifetime -----------------------------------------------------------------


def test_the_absolute_lifetime_is_twelve_hours_beside_the_idle_limit(settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_a_busy_session_ends_after_the_absolute_lifetime(alice, password, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    browser = logged_in(alice, password)
    # A request every 20 minutes keeps the idle limit from ever ending it...
    for _ in range(35):
        time_machine.shift(timedelta(minutes=20))
        assert browser.get(reverse("home")).status_code == 200
    time_machine.shift(timedelta(minutes=20))  # 12 h 0 min after the login
    response = browser.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=%2F"
    page = browser.get(response["Location"])
    assert 'name="username"' in page.content.decode()
    assert [str(message) for message in page.context["messages"]] == [
        "Sinut kirjattiin ulos: kirjautuminen on voimassa enintään 12 tuntia. Kirjaudu uudelleen."
    ]
    assert not UserSession.objects.filter(user=alice).exists()
    # ... and a new login starts a new twelve hours.
    browser = logged_in(alice, password)
    assert browser.get(reverse("home")).status_code == 200


def test_the_api_answers_an_expired_session_as_unauthenticated(alice, password, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    browser = logged_in(alice, password)
    url = reverse("consultation-list")
    assert browser.get(url).status_code == 200
    time_machine.shift(timedelta(hours=12, seconds=1))
    response = browser.get(url)
    assert response.status_code in (401, 403)
    assert response.json()["detail"]
    assert browser.get(url).status_code in (401, 403)


# --- The sessions page -----------------------------------------------------------------


def test_a_person_sees_their_sessions_with_browser_and_times(alice, olli, password):
    laptop = logged_in(alice, password)
    logged_in(alice, password, CHROME_ANDROID)
    logged_in(olli, password)
    rows = laptop.get(SESSIONS).context["rows"]
    assert sorted(row["browser"] for row in rows) == ["Chrome, Android", "Firefox, Windows"]
    assert [row["current"] for row in rows].count(True) == 1
    current = next(row for row in rows if row["current"])
    assert current["browser"] == "Firefox, Windows"
    assert all(row["record"].started_at <= row["record"].last_seen_at for row in rows)


def test_ending_another_session_logs_it_out(alice, password):
    laptop = logged_in(alice, password)
    phone = logged_in(alice, password, CHROME_ANDROID)
    record = UserSession.objects.get(user=alice, user_agent=CHROME_ANDROID)
    response = laptop.post(reverse("session_end", args=[record.uuid]))
    assert response.status_code == 302
    assert phone.get(reverse("home")).status_code == 302
    assert laptop.get(reverse("home")).status_code == 200
    assert not Session.objects.filter(session_key=record.session_key).exists()
    assert SecurityEvent.objects.filter(user=alice, kind=SecurityEvent.Kind.SESSION_ENDED).exists()


def test_another_persons_session_cannot_be_ended(alice, olli, password):
    laptop = logged_in(alice, password)
    ollis = logged_in(olli, password)
    record = UserSession.objects.get(user=olli)
    assert laptop.post(reverse("session_end", args=[record.uuid])).status_code == 404
    assert ollis.get(reverse("home")).status_code == 200


def test_the_session_in_use_is_ended_by_logging_out_not_here(alice, password):
    laptop = logged_in(alice, password)
    record = UserSession.objects.get(user=alice)
    assert laptop.post(reverse("session_end", args=[record.uuid])).status_code == 404
    assert laptop.get(reverse("home")).status_code == 200


def test_end_all_other_sessions(alice, password):
    laptop = logged_in(alice, password)
    others = [logged_in(alice, password, CHROME_ANDROID) for _ in range(3)]
    laptop.post(reverse("session_end_others"))
    assert [other.get(reverse("home")).status_code for other in others] == [302, 302, 302]
    assert laptop.get(reverse("home")).status_code == 200
    assert UserSession.objects.filter(user=alice).count() == 1


def test_logging_out_removes_the_row(alice, password):
    laptop = logged_in(alice, password)
    laptop.post(reverse("logout"))
    assert not UserSession.objects.filter(user=alice).exists()


def test_the_row_follows_the_key_rotated_at_the_second_factor(
    kaisa, password, settings, time_machine
):
    settings.TWO_FACTOR_REQUIRED = True
    time_machine.move_to(timezone.now(), tick=False)
    device = TOTPDevice.objects.create(
        user=kaisa, name=twofactor.AUTHENTICATOR_NAME, confirmed=True
    )
    laptop = logged_in(kaisa, password)
    laptop.post(reverse("two_factor_verify"), {"token": current_code(device)})
    time_machine.shift(timedelta(seconds=31))  # a code works once: the next one
    phone = logged_in(kaisa, password, CHROME_ANDROID)
    before = UserSession.objects.get(user=kaisa, user_agent=CHROME_ANDROID).session_key
    phone.post(reverse("two_factor_verify"), {"token": current_code(device)})
    record = UserSession.objects.get(user=kaisa, user_agent=CHROME_ANDROID)
    assert record.session_key != before
    assert record.session_key == phone.session.session_key
    assert phone.get(reverse("home")).status_code == 200
    laptop.post(reverse("session_end", args=[record.uuid]))
    assert phone.get(reverse("home")).status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(alice, password, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    laptop = logged_in(alice, password)
    started = UserSession.objects.get(user=alice).last_seen_at
    time_machine.shift(timedelta(seconds=30))
    laptop.get(reverse("home"))
    assert UserSession.objects.get(user=alice).last_seen_at == started
    time_machine.shift(timedelta(seconds=31))
    laptop.get(reverse("home"))
    assert UserSession.objects.get(user=alice).last_seen_at == started + timedelta(seconds=61)


def test_the_sessions_page_reads_the_same_number_of_queries_for_few_and_many(alice, password):
    laptop = logged_in(alice, password)
    laptop.get(SESSIONS)  # the first request after login writes "last seen"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert laptop.get(SESSIONS).status_code == 200
        return len(queries)

    # Expect the same queries for 1 and 9 rows: the session and user, the sessions with
    # a subquery for the live keys, the navigation's counts; none per row.
    few = count()
    for _ in range(8):
        logged_in(alice, password, CHROME_ANDROID)
    assert len(laptop.get(SESSIONS).context["rows"]) == 9
    assert count() == few


# --- Deactivation ----------------------------------------------------------------------


def test_deactivating_a_person_ends_all_their_sessions(alice, olli, password):
    browsers = [logged_in(alice, password), logged_in(alice, password, CHROME_ANDROID)]
    ollis = logged_in(olli, password)
    keys = list(UserSession.objects.filter(user=alice).values_list("session_key", flat=True))
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=alice).exists()
    assert [browser.get(reverse("home")).status_code for browser in browsers] == [302, 302]
    assert ollis.get(reverse("home")).status_code == 200


def test_deactivating_on_the_people_pages_ends_the_sessions(alice, ylva, password, settings):
    settings.TWO_FACTOR_REQUIRED = False
    alices = logged_in(alice, password)
    admin = logged_in(ylva, password)
    url = reverse("people:person_deactivate", args=[alice.uuid])
    response = admin.post(url, {"confirm": "on"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active
    assert alices.get(reverse("home")).status_code == 302
    assert not UserSession.objects.filter(user=alice).exists()


def test_logging_in_again_in_the_same_session_keeps_one_row(client, alice):
    client.force_login(alice)
    client.force_login(alice)  # the same person in the same session: Django keeps its key
    assert client.get(reverse("home")).status_code == 200
    assert UserSession.objects.filter(user=alice).count() == 1


def test_changing_the_password_ends_the_other_sessions(alice, password):
    laptop = logged_in(alice, password)
    phone = logged_in(alice, password, CHROME_ANDROID)
    new = "another-long-password-for-alice"
    response = laptop.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert [row["current"] for row in laptop.get(SESSIONS).context["rows"]] == [True]
    assert phone.get(reverse("home")).status_code == 302
