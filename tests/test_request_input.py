"""Input that cannot break a page: control characters in query parameters, NUL in form
fields and over-size bodies are answered in one place (common.middleware), never with a
server error."""

import pytest
from django.urls import reverse

from coordination.models import ConsultationRequest
from coordination.tests.test_consultation_pages import identified_post
from tests.routes import walk

pytestmark = pytest.mark.django_db

# The parameters the views and filter sets read (request.GET, FilterSets, filter forms),
# and the usual names besides: the middleware answers every parameter the same way.
PARAMETERS = sorted(
    {"q", "search", "page", "format", "employer", "referral", "from", "to", "table", "next"}
    | {"all", "action", "status", "urgency", "organization_kind", "municipality", "ordering"}
    | {"assigned_to_me", "client", "user", "kind", "month", "year"}
)


def _filter_names(route) -> set[str]:
    view_class = getattr(route.callback, "cls", None)
    filterset = getattr(view_class, "filterset_class", None)
    return set(filterset.base_filters) if filterset is not None else set()


def _list_routes():
    """Every route without an object id in its URL: the lists, searches and forms."""
    return [
        route
        for route in walk()
        if not route.takes_object_id and not route.pattern.startswith(("admin/", "static/"))
    ]


@pytest.mark.parametrize("persona", ["kaisa", "tuula"], indirect=True)
def test_nul_in_any_search_or_filter_parameter_is_a_400_never_a_500(client, persona):
    client.force_login(persona)
    routes = _list_routes()
    assert len(routes) > 20
    for route in routes:
        url = route.url()
        for name in sorted(set(PARAMETERS) | _filter_names(route)):
            response = client.get(url, {name: "Meik\x00äläinen"})
            assert response.status_code == 400, (url, name, response.status_code)
            assert name in response.content.decode(), (url, name)


def test_the_searches_refuse_nul(client, tuula, kaisa):
    client.force_login(kaisa)
    response = client.get(reverse("consultation-list"), {"municipality": "a\x00b"})
    assert response.status_code == 400
    assert response.json() == {"municipality": ["Parametrissa municipality on ohjausmerkki."]}
    response = client.get(reverse("clients:client_search"), {"q": "Meik\x00"})
    assert response.status_code == 400
    client.force_login(tuula)
    response = client.get(reverse("coaching:employer_list"), {"q": "\x00"})
    assert response.status_code == 400
    assert "Parametrissa q on ohjausmerkki." in response.content.decode()


def test_tab_and_newline_in_a_parameter_pass(client, kaisa):
    client.force_login(kaisa)
    assert client.get(reverse("consultation_queue"), {"q": "a\tb\nc"}).status_code == 200


def test_nul_in_a_posted_form_field_is_taken_out(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("consultation_create"), identified_post(description="Arvio\x00 tarvitaan.")
    )
    assert response.status_code == 302
    assert ConsultationRequest.objects.get().description == "Arvio tarvitaan."


def test_an_over_size_form_gets_a_page_with_the_limit(client, alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client.force_login(alice)
    response = client.post(
        reverse("consultation_create"), identified_post(description="ä" * 1_000_000)
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "enintään 1 Mt" in page and "Takaisin-painikkeella" in page
    assert not ConsultationRequest.objects.exists()


def test_an_over_size_form_page_is_in_the_persons_language(client, alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.post(reverse("consultation_create"), {"description": "ä" * 1_000_000})
    assert "högst 1 MB" in response.content.decode()


def test_an_over_size_api_body_is_a_413_with_a_message(client, alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client.force_login(alice)
    response = client.post(
        reverse("consultation-list"),
        {"description": "ä" * 1_000_000},
        content_type="application/json",
    )
    assert response.status_code == 413
    assert "enintään 1 Mt" in response.json()["detail"]
