import pytest
from django.urls import reverse, reverse_lazy
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from coordination import twofactor
from coordination.models import SecurityEvent
from outbox.models import OutboxMessage

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


def test_administrator_reaches_the_people_pages_only_after_the_second_factor(
    client, ylva, password, required
):
    log_in(client, ylva, password)
    assert client.get(reverse("people:person_list")).status_code == 302
    set_up_authenticator(client, ylva)
    assert client.get(reverse("people:person_list")).status_code == 200


def test_admin_login_is_our_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=/admin/"


# --- A password alone never replaces, turns off or skips the second factor -------------


def owner_device(user) -> TOTPDevice:
    """The authenticator the account's owner set up earlier (on their own phone)."""
    return TOTPDevice.objects.create(user=user, name=twofactor.AUTHENTICATOR_NAME, confirmed=True)


def log_in_with_password_only(client, user, password):
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302


def get(client, url):
    return client.get(url)


def post_a_code_for_the_new_secret(client, url):
    """The worst case: whoever holds the password also learnt the new secret somehow."""
    pending = TOTPDevice.objects.filter(confirmed=False).first()
    token = current_code(pending) if pending else "123456"
    return client.post(url, {"token": token})


def post(client, url):
    return client.post(url)


PASSWORD_ONLY_ROUTES = [
    pytest.param(get, reverse_lazy("two_factor_manage"), id="manage"),
    pytest.param(get, reverse_lazy("two_factor_setup"), id="setup-get"),
    pytest.param(post_a_code_for_the_new_secret, reverse_lazy("two_factor_setup"), id="setup-post"),
    pytest.param(get, reverse_lazy("two_factor_qr"), id="qr"),
    pytest.param(post, reverse_lazy("two_factor_codes"), id="recovery-codes"),
    pytest.param(post, reverse_lazy("two_factor_disable"), id="disable"),
    pytest.param(get, "/api/v1/organizations/", id="api-organizations"),
    pytest.param(get, "/api/v1/clients/", id="api-clients"),
    pytest.param(get, "/password/change/", id="password-change"),
]


@pytest.mark.parametrize("persona", ["kaisa", "alice"], indirect=True)
@pytest.mark.parametrize(("ask", "url"), PASSWORD_ONLY_ROUTES)
def test_a_password_alone_cannot_replace_turn_off_or_skip_the_second_factor(
    client, persona, password, required, ask, url
):
    device = owner_device(persona)
    log_in_with_password_only(client, persona, password)
    # Whatever was seen in a first visit must not help in a second one.
    ask(client, url)
    response = ask(client, url)

    if response.status_code == 302:
        assert response.url.startswith(reverse("two_factor_verify"))
    else:
        assert response.status_code in (403, 404)
    assert b"<svg" not in response.content
    assert "secret" not in (response.context or {})
    assert "codes" not in (response.context or {})
    # The owner's authenticator is untouched, no other was confirmed, no codes were made,
    # and the session still owes the second factor.
    assert list(TOTPDevice.objects.filter(user=persona, confirmed=True)) == [device]
    assert not StaticDevice.objects.filter(user=persona).exists()
    assert not SecurityEvent.objects.filter(user=persona).exists()
    follow = client.get(reverse("home"))
    assert follow.status_code == 302
    assert follow.url.startswith(reverse("two_factor_verify"))


@pytest.mark.parametrize(
    "url",
    [
        reverse_lazy("two_factor_manage"),
        reverse_lazy("two_factor_setup"),
        reverse_lazy("two_factor_qr"),
    ],
)
def test_a_session_from_before_the_authenticator_still_must_verify_to_change_it(
    client, alice, password, url
):
    # alice logged in on this browser without a second factor (none was needed), then
    # turned it on elsewhere: the pages for changing it ask this session for the code.
    log_in(client, alice, password)
    owner_device(alice)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_verify"))
    assert client.post(reverse("two_factor_disable")).url.startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user=alice, confirmed=True).exists()


def kinds_logged(user) -> list[str]:
    return list(
        SecurityEvent.objects.filter(user=user).order_by("at").values_list("kind", flat=True)
    )


def test_setting_up_an_authenticator_is_logged_and_e_mailed_without_the_secret(
    client, kaisa, password, required, mailoutbox, django_capture_on_commit_callbacks
):
    log_in(client, kaisa, password)
    secret = client.get(reverse("two_factor_setup")).context["secret"]
    key_before = client.session.session_key
    device = TOTPDevice.objects.get(user=kaisa, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("two_factor_setup"), {"token": current_code(device)})

    assert client.session.session_key != key_before
    assert kinds_logged(kaisa) == [SecurityEvent.Kind.SECOND_FACTOR_ADDED]
    event = SecurityEvent.objects.get(user=kaisa)
    assert event.actor == kaisa
    assert event.ip_address == "127.0.0.1"
    [message] = mailoutbox
    assert message.to == [kaisa.email]
    assert "Autentikointisovellus lisätty" in message.body  # kaisa reads Finnish
    assert secret.replace(" ", "") not in message.body.replace(" ", "")


def test_replacing_the_authenticator_needs_the_old_one_and_is_logged(
    client, alice, password, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to("2026-11-23 09:00:00+02:00")
    alice.language = "sv"
    alice.save(update_fields=["language"])
    old = owner_device(alice)
    log_in(client, alice, password)
    client.post(reverse("two_factor_verify"), {"token": current_code(old)})
    assert client.get(reverse("two_factor_manage")).status_code == 200

    time_machine.shift(60)
    page = client.get(reverse("two_factor_setup"))
    assert page.context["replacing"]
    new = TOTPDevice.objects.get(user=alice, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("two_factor_setup"), {"token": current_code(new)})
    assert response.context["codes"]

    assert list(TOTPDevice.objects.filter(user=alice, confirmed=True)) == [new]
    assert kinds_logged(alice) == [SecurityEvent.Kind.SECOND_FACTOR_REPLACED]
    [message] = mailoutbox
    assert "Autentiseringsappen byttes ut" in message.body  # alice reads Swedish


def test_turning_it_off_and_new_recovery_codes_are_logged_and_e_mailed(
    client, alice, password, mailoutbox, django_capture_on_commit_callbacks
):
    log_in(client, alice, password)
    set_up_authenticator(client, alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("two_factor_codes"))
        client.post(reverse("two_factor_disable"))
    assert kinds_logged(alice) == [
        SecurityEvent.Kind.SECOND_FACTOR_ADDED,
        SecurityEvent.Kind.RECOVERY_CODES_CREATED,
        SecurityEvent.Kind.SECOND_FACTOR_REMOVED,
    ]
    # The set-up's notice too: its commit was not captured, so it waited in the outbox
    # until the next delivery.
    assert len(mailoutbox) == 3
    assert OutboxMessage.objects.filter(recipient=alice.email).count() == 3


def test_signing_in_with_a_recovery_code_is_logged_e_mailed_and_gets_a_new_session_key(
    client, alice, password, mailoutbox, django_capture_on_commit_callbacks
):
    log_in(client, alice, password)
    codes = set_up_authenticator(client, alice)
    client.post(reverse("logout"))
    log_in(client, alice, password)
    key_before = client.session.session_key
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 302
    assert client.session.session_key != key_before
    assert kinds_logged(alice)[-1] == SecurityEvent.Kind.RECOVERY_CODE_USED
    # The set-up's notice (waiting in the outbox since its uncaptured commit), then this.
    assert len(mailoutbox) == 2
    assert OutboxMessage.objects.filter(recipient=alice.email).count() == 2
    assert not any(codes[0] in message.body for message in mailoutbox)


def test_a_person_without_an_e_mail_address_gets_the_log_row_only(
    client, alice, password, mailoutbox, django_capture_on_commit_callbacks
):
    alice.email = ""
    alice.save(update_fields=["email"])
    log_in(client, alice, password)
    with django_capture_on_commit_callbacks(execute=True):
        set_up_authenticator(client, alice)
    assert kinds_logged(alice) == [SecurityEvent.Kind.SECOND_FACTOR_ADDED]
    assert mailoutbox == []


def test_verifying_with_the_app_gets_a_new_session_key(client, alice, password):
    device = owner_device(alice)
    log_in(client, alice, password)
    key_before = client.session.session_key
    client.post(reverse("two_factor_verify"), {"token": current_code(device)})
    assert client.session.session_key != key_before
    assert client.get(reverse("two_factor_manage")).status_code == 200


def test_a_session_from_before_the_authenticator_must_verify_within_a_minute(
    client, alice, password, time_machine
):
    # Someone who knew alice's password logged in before she turned two-factor login on
    # (on her own browser): within a minute their session owes the second factor too.
    time_machine.move_to("2026-11-23 09:00:00+02:00", tick=False)
    log_in(client, alice, password)
    owner_device(alice)
    time_machine.shift(61)
    response = client.get(reverse("my_requests"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_verify"))
    assert client.get("/api/v1/clients/").status_code == 403
