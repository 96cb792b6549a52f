import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOME_LINKS = {
    # persona: the pages their home page and navigation lead to
    "alice": ["consultation_create", "my_requests"],
    "kaisa": ["consultation_queue", "metrics:dashboard"],
    "eero": ["metrics:dashboard"],
    "ylva": ["people:person_list", "people:organization_list"],
}


@pytest.mark.parametrize("persona", list(HOME_LINKS), indirect=True)
def test_every_link_on_a_roles_home_page_works(client, persona):
    client.force_login(persona)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    html = home.content.decode()
    for name in HOME_LINKS[persona.username]:
        url = reverse(name)
        assert f'href="{url}"' in html, f"{name} is not linked from {persona.username}'s home"
        assert client.get(url).status_code == 200, f"{url} does not open for {persona.username}"


def test_professional_home_offers_a_request_and_own_requests(client, alice):
    client.force_login(alice)
    html = client.get(reverse("home")).content.decode()
    assert "Pyydä konsultaatiota" in html
    assert "Omat pyynnöt" in html


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("alice", "consultation_queue"),
        ("alice", "metrics:dashboard"),
        ("eero", "consultation_queue"),
        ("eero", "consultation_create"),
        ("ylva", "consultation_queue"),
        ("ylva", "metrics:dashboard"),
    ],
    indirect=["persona"],
)
def test_pages_of_other_roles_are_404(client, persona, url_name):
    client.force_login(persona)
    assert client.get(reverse(url_name)).status_code == 404


@pytest.mark.parametrize("persona", ["alice", "eero", "ylva"], indirect=True)
def test_only_superusers_reach_the_admin(client, persona):
    client.force_login(persona)
    response = client.get(reverse("admin:coordination_user_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url
    # Logged in but not staff: 404 there, not our login page, which would send them back
    # to the admin (a redirect loop, found by the IDOR matrix's admin check).
    assert client.get(response.url).status_code == 404


def test_administrator_manages_people_on_the_services_own_pages(client, ylva):
    client.force_login(ylva)
    assert client.get(reverse("people:person_list")).status_code == 200
    assert client.get(reverse("people:outbox_list")).status_code == 200


def test_page_has_landmarks_and_a_skip_link(client, alice):
    client.force_login(alice)
    html = client.get(reverse("home")).content.decode()
    assert re.search(r'<a class="[^"]*skip-link[^"]*" href="#main">', html)
    assert '<main id="main"' in html
    assert "<header>" in html and "<nav " in html and "<footer " in html
    assert 'lang="fi"' in html


def test_no_inline_scripts_or_styles_in_pages(client, alice):
    client.force_login(alice)
    html = client.get(reverse("home")).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "<style" not in html
    assert " style=" not in html


def test_unknown_page_is_a_friendly_404(client, alice):
    client.force_login(alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Sivua ei löytynyt" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_accessibility_statement_is_public(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "306/2019" in response.content.decode()


def test_security_headers(client, alice):
    client.force_login(alice)
    response = client.get(reverse("home"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
