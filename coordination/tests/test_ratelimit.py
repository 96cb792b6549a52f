import pytest
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


def test_login_attempts_from_one_address_are_limited_across_usernames(client, settings):
    settings.LOGIN_RATE_LIMIT_PER_ADDRESS = 3
    for number in range(3):
        response = client.post(
            reverse("login"),
            {"username": f"guess{number}", "password": "x"},
            REMOTE_ADDR="10.9.9.9",
        )
        assert response.status_code == 200
    response = client.post(
        reverse("login"), {"username": "guess9", "password": "x"}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 429
    assert 'id="lockout-message"' in response.content.decode()
    # Another address is not affected.
    response = client.post(
        reverse("login"), {"username": "guess9", "password": "x"}, REMOTE_ADDR="10.9.9.10"
    )
    assert response.status_code == 200


def test_api_is_throttled_per_user_with_a_clear_429(client, alice, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "3/min")
    client.force_login(alice)
    for _ in range(3):
        assert client.get("/api/v1/organizations/").status_code == 200
    response = client.get("/api/v1/organizations/")
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert response.json()["detail"]


def test_api_is_throttled_per_address(client, alice, olli, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "address", "4/min")
    client.force_login(alice)
    for _ in range(2):
        assert client.get("/api/v1/organizations/", REMOTE_ADDR="10.1.1.1").status_code == 200
    client.force_login(olli)
    for _ in range(2):
        assert client.get("/api/v1/organizations/", REMOTE_ADDR="10.1.1.1").status_code == 200
    assert client.get("/api/v1/organizations/", REMOTE_ADDR="10.1.1.1").status_code == 429


def test_successful_logins_from_one_office_do_not_use_up_the_address_limit(
    client, alice, password, settings
):
    """A shared office at shift change: every worker logs in from one address."""
    assert settings.LOGIN_RATE_LIMIT_PER_ADDRESS == 30
    for _ in range(40):
        response = client.post(
            reverse("login"), {"username": "alice", "password": password}, REMOTE_ADDR="10.5.5.5"
        )
        assert response.status_code == 302
        client.post(reverse("logout"))


def test_failures_from_one_address_still_lock_it(client, alice, password, settings):
    assert settings.LOGIN_RATE_LIMIT_PER_ADDRESS == 30
    for number in range(30):
        response = client.post(
            reverse("login"),
            {"username": f"guess{number}", "password": "x"},
            REMOTE_ADDR="10.5.5.6",
        )
        assert response.status_code == 200
    response = client.post(
        reverse("login"), {"username": "guess31", "password": "x"}, REMOTE_ADDR="10.5.5.6"
    )
    assert response.status_code == 429
    # Locked now, even for a right password from that address.
    response = client.post(
        reverse("login"), {"username": "alice", "password": password}, REMOTE_ADDR="10.5.5.6"
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
