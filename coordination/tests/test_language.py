import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_finnish_is_the_default(client):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="fi">' in html
    assert "Kirjaudu sisään" in html


@pytest.mark.parametrize(
    ("language", "text"),
    [("sv", "Logga in"), ("en", "Log in"), ("fi", "Kirjaudu sisään")],
)
def test_language_switch_before_login(client, language, text):
    response = client.post(reverse("set_language"), {"language": language, "next": "/login/"})
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert f'<html lang="{language}">' in html
    assert text in html


def test_language_switch_is_remembered_for_the_user(client, alice):
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    alice.refresh_from_db()
    assert alice.language == "sv"
    html = client.get(reverse("home")).content.decode()
    assert "Begär konsultation" in html


def test_unknown_language_changes_nothing(client, alice):
    client.force_login(alice)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "fi"


def test_an_off_site_next_is_not_followed(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_every_language_has_a_compiled_catalogue():
    for code, _name in settings.LANGUAGES:
        assert (settings.LOCALE_PATHS[0] / code / "LC_MESSAGES" / "django.mo").exists(), code


def test_the_browsers_language_does_not_override_finnish(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="fi">' in html
