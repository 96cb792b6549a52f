import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from coordination import twofactor

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True
    return settings


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def log_in(client, user, password):
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302
    return client.get(response.url)


def set_up_authenticator(client, user) -> list[str]:
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"token": current_code(device)})
    assert response.status_code == 200
    return response.context["codes"]


def test_coordinator_must_set_up_a_second_factor_before_anything_else(
    client, kaisa, password, required
):
    response = log_in(client, kaisa, password)
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_setup"))
    assert client.get(reverse("consultation_queue")).status_code == 302
    assert client.get("/api/v1/organizations/").status_code == 403


def test_setup_with_a_wrong_code_says_so_next_to_the_field(client, kaisa, password, required):
    log_in(client, kaisa, password)
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"token": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert not TOTPDevice.objects.filter(user=kaisa, confirmed=True).exists()


def test_setup_keeps_the_same_secret_when_the_page_is_reloaded(client, kaisa, password, required):
    log_in(client, kaisa, password)
    first = client.get(reverse("two_factor_setup")).context["secret"]
    assert client.get(reverse("two_factor_setup")).context["secret"] == first
    qr = client.get(reverse("two_factor_qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content


def test_setup_then_work_then_next_login_asks_for_the_code(
    client, kaisa, password, required, time_machine
):
    time_machine.move_to("2026-11-23 09:00:00+02:00")
    log_in(client, kaisa, password)
    codes = set_up_authenticator(client, kaisa)
    assert len(codes) == twofactor.RECOVERY_CODE_COUNT
    assert client.get(reverse("consultation_queue")).status_code == 200

    client.post(reverse("logout"))
    # A code is accepted once: the next login uses the app's next code.
    time_machine.shift(60)
    response = log_in(client, kaisa, password)
    assert response.url.startswith(reverse("two_factor_verify"))
    device = TOTPDevice.objects.get(user=kaisa, confirmed=True)
    response = client.post(
        reverse("two_factor_verify"), {"token": current_code(device), "next": "/"}
    )
    assert response.status_code == 302
    assert client.get(reverse("consultation_queue")).status_code == 200


def test_a_recovery_code_works_once(client, kaisa, password, required):
    log_in(client, kaisa, password)
    codes = set_up_authenticator(client, kaisa)
    client.post(reverse("logout"))

    log_in(client, kaisa, password)
    assert client.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 302
    client.post(reverse("logout"))

    log_in(client, kaisa, password)
    response = client.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]


def test_verify_does_not_follow_an_off_site_next(client, kaisa, password, required):
    log_in(client, kaisa, password)
    codes = set_up_authenticator(client, kaisa)
    client.post(reverse("logout"))
    log_in(client, kaisa, password)
    response = client.post(
        reverse("two_factor_verify"), {"token": codes[1], "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_professional_works_without_a_second_factor(client, alice, password, required):
    assert log_in(client, alice, password).status_code == 200


def test_professional_who_turns_it_on_is_asked_for_it(client, alice, password, required):
    log_in(client, alice, password)
    set_up_authenticator(client, alice)
    client.post(reverse("logout"))
    response = log_in(client, alice, password)
    assert response.url.startswith(reverse("two_factor_verify"))


def test_professional_may_turn_it_off_but_a_coordinator_may_not(
    client, alice, kaisa, password, required
):
    log_in(client, alice, password)
    set_up_authenticator(client, alice)
    client.post(reverse("two_factor_disable"))
    assert not TOTPDevice.objects.filter(user=alice).exists()

    client.post(reverse("logout"))
    log_in(client, kaisa, password)
    set_up_authenticator(client, kaisa)
    client.post(reverse("two_factor_disable"))
    assert TOTPDevice.objects.filter(user=kaisa, confirmed=True).exists()


def test_new_recovery_codes_replace_the_old(client, kaisa, password, required, time_machine):
    time_machine.move_to("2026-11-23 09:00:00+02:00")
    log_in(client, kaisa, password)
    old = set_up_authenticator(client, kaisa)
    new = client.post(reverse("two_factor_codes")).context["codes"]
    assert not set(old) & set(new)
    client.post(reverse("logout"))
    log_in(client, kaisa, password)
    assert client.post(reverse("two_factor_verify"), {"token": old[0]}).status_code == 200
    # After a wrong code django-otp makes the next try wait a moment (brute force).
    time_machine.shift(5)
    assert client.post(reverse("two_factor_verify"), {"token": new[0]}).status_code == 302


def test_the_requirement_can_be_turned_off_for_development(client, kaisa, password, settings):
    settings.TWO_FACTOR_REQUIRED = False
    assert log_in(client, kaisa, password).status_code == 200


def test_administrator_reaches_the_admin_only_after_the_second_factor(
    client, ylva, password, required
):
    log_in(client, ylva, password)
    assert client.get(reverse("admin:coordination_user_changelist")).status_code == 302
    set_up_authenticator(client, ylva)
    assert client.get(reverse("admin:coordination_user_changelist")).status_code == 200


def test_admin_login_is_our_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=/admin/"
