import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from coordination.models import SecurityEvent, User

pytestmark = pytest.mark.django_db


def login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_login_with_right_password_goes_home(client, alice, password):
    response = login(client, "alice", password)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == alice


def test_login_sets_the_users_language(client, alice, password):
    alice.language = "sv"
    alice.save()
    response = login(client, "alice", password)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    page = client.get(reverse("home"))
    assert '<html lang="sv">' in page.content.decode()


def test_wrong_password_shows_a_message_next_to_the_form(client, alice):
    response = login(client, "alice", "wrong password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "Käyttäjätunnus tai salasana on väärin" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_the_session(client, alice):
    client.force_login(alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_home_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_five_failures_lock_the_username_from_that_address(client, alice, password):
    for _ in range(4):
        assert login(client, "alice", "wrong").status_code == 200
    response = login(client, "alice", "wrong")
    assert response.status_code == 429
    assert 'id="lockout-message"' in response.content.decode()
    # Locked: even the right password from the same address is refused, with the message.
    response = login(client, "alice", password)
    assert response.status_code == 429
    assert "15" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_does_not_lock_the_worker_out_from_another_address(client, alice, password):
    for _ in range(5):
        login(client, "alice", "wrong", address="203.0.113.9")
    assert login(client, "alice", password, address="10.0.0.1").status_code == 302


def test_lockout_ends_after_the_cool_off(client, alice, password, time_machine):
    time_machine.move_to("2026-11-23 10:00:00+02:00", tick=False)
    for _ in range(5):
        login(client, "alice", "wrong")
    assert login(client, "alice", password).status_code == 429
    time_machine.move_to("2026-11-23 10:16:00+02:00", tick=False)
    assert login(client, "alice", password).status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()


def test_lockout_message_is_translated(client, alice):
    for _ in range(5):
        response = login(client, "alice", "wrong")
    assert "Liian monta epäonnistunutta kirjautumisyritystä" in response.content.decode()


def test_session_expires_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_session_is_gone_after_thirty_minutes_idle(client, alice, password, time_machine):
    time_machine.move_to("2026-11-23 10:00:00+02:00", tick=False)
    login(client, "alice", password)
    time_machine.move_to("2026-11-23 10:25:00+02:00", tick=False)
    assert client.get(reverse("home")).status_code == 200  # renews the session
    time_machine.move_to("2026-11-23 10:54:00+02:00", tick=False)
    assert client.get(reverse("home")).status_code == 200
    time_machine.move_to("2026-11-23 11:25:00+02:00", tick=False)
    assert client.get(reverse("home")).status_code == 302


def test_passwords_are_hashed_with_argon2():
    from config import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_password_change(client, alice, password):
    client.force_login(alice)
    new_password = "a-much-longer-new-secret-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new_password)
    # A changed password is how an account is taken over: the security log has it.
    event = SecurityEvent.objects.get(user=alice)
    assert (event.kind, event.actor) == (SecurityEvent.Kind.PASSWORD_CHANGED, alice)


def test_password_change_refuses_a_short_password_with_a_message(client, alice, password):
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    alice.refresh_from_db()
    assert alice.check_password(password)
    assert not SecurityEvent.objects.exists()


def test_inactive_user_cannot_log_in(client, alice, password):
    alice.is_active = False
    alice.save()
    assert login(client, "alice", password).status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_user_model_is_ours():
    assert settings.AUTH_USER_MODEL == "coordination.User"
    assert User._meta.get_field("role").choices
