"""The organisation picker: a search that returns at most RESULT_LIMIT matches in a
constant number of queries however many organisations there are, grouped by kind,
employers kept apart, 2 characters at least, and a "nothing found" answer."""

import re

import pytest
from django import forms
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.forms import ConsentForm
from coordination.models import Organization
from coordination.pickers import RESULT_LIMIT
from networks.forms import NetworkConsentForm

pytestmark = pytest.mark.django_db
URL = reverse("organization_search")


def _make(count: int, kind=Organization.Kind.SOCIAL_SERVICES, prefix="Palvelu"):
    Organization.objects.bulk_create(
        Organization(name=f"{prefix} {number:04d}", kind=kind) for number in range(count)
    )


def _search(client, q, **extra):
    params = {"field": "consent-organizations", "id": "id_consent-organizations", "q": q}
    params.update(extra)
    return client.get(URL, params)


def _options(response) -> list[str]:
    return re.findall(
        r'type="checkbox" name="consent-organizations" value="([^"]+)"', response.content.decode()
    )


def _queries(client, q) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert _search(client, q).status_code == 200
    return len(queries)


def test_the_search_is_constant_in_queries_and_short_at_2000_organisations(client, kaisa):
    client.force_login(kaisa)
    _make(5)
    few = _queries(client, "palvelu")
    _make(1995, prefix="Palvelukeskus")
    assert Organization.objects.count() > 2000
    many = _queries(client, "palvelu")
    assert many == few
    response = _search(client, "palvelu")
    assert len(_options(response)) == RESULT_LIMIT
    assert response.content.decode().count('type="checkbox"') <= RESULT_LIMIT
    assert "kirjoita nimestä enemmän" in response.content.decode()


def test_one_character_gives_no_list(client, kaisa):
    client.force_login(kaisa)
    _make(30)
    response = _search(client, "p")
    assert _options(response) == []
    assert "Kirjoita vähintään 2 merkkiä" in response.content.decode()


def test_nothing_found_asks_the_administrator(client, kaisa):
    client.force_login(kaisa)
    response = _search(client, "zzzz")
    assert "Ei löytynyt – pyydä ylläpitäjää lisäämään" in response.content.decode()


def test_matches_are_grouped_by_kind_and_employers_kept_apart(client, kaisa):
    client.force_login(kaisa)
    Organization.objects.create(name="Ankkalinnan kela", kind=Organization.Kind.KELA)
    Organization.objects.create(name="Ankkalinnan sosiaalitoimi", kind="social_services")
    Organization.objects.create(name="Ankkalinnan konepaja", kind=Organization.Kind.EMPLOYER)
    page = _search(client, "ankkalinnan").content.decode()
    assert "Ankkalinnan konepaja" not in page
    assert page.index("<legend") < page.index("Ankkalinnan sosiaalitoimi")
    assert page.count("<legend") == 2
    employers = _search(client, "ankkalinnan", scope="employers").content.decode()
    assert "Ankkalinnan konepaja" in employers
    assert "Ankkalinnan kela" not in employers


def test_chosen_organisations_are_not_offered_again(client, kaisa):
    client.force_login(kaisa)
    chosen = Organization.objects.create(name="Ankkalinnan kela", kind="kela")
    response = client.get(
        URL, {"field": "organizations", "q": "ankka", "organizations": [chosen.pk]}
    )
    assert "Ankkalinnan kela" not in response.content.decode()


def test_the_search_needs_a_sign_in_and_a_sane_field(client, kaisa):
    assert _search(client, "palvelu").status_code == 302
    client.force_login(kaisa)
    assert _search(client, "palvelu", field='x" onmouseover="').status_code == 400
    assert _search(client, "palvelu", scope="all").status_code == 400


def test_the_forms_refuse_employers_and_render_a_search_field(health_centre):
    employer = Organization.objects.create(name="Konepaja", kind=Organization.Kind.EMPLOYER)
    form = NetworkConsentForm({"organizations": [employer.pk], "method": "written"})
    assert not form.is_valid()
    assert "organizations" in form.errors
    html = str(NetworkConsentForm(initial={"organizations": [health_centre.pk]}))
    assert 'type="search"' in html
    assert 'aria-live="polite"' in html
    assert re.search(rf'name="organizations" value="{health_centre.pk}"[^>]*checked', html)
    consent = ConsentForm(
        {"scope": "network", "method": "written", "organizations": [str(health_centre.uuid)]}
    )
    assert consent.is_valid(), consent.errors
    assert list(consent.cleaned_data["organizations"]) == [health_centre]


def test_the_form_renders_in_a_constant_number_of_queries(health_centre):
    def render() -> int:
        with CaptureQueriesContext(connection) as queries:
            str(NetworkConsentForm(initial={"organizations": [health_centre.pk]}))
        return len(queries)

    few = render()
    _make(500)
    assert render() == few


def test_the_single_picker_offers_radio_buttons(client, kaisa, health_centre):
    from coordination.pickers import OrganizationPicker

    field = forms.ModelChoiceField(
        queryset=Organization.objects.all(),
        required=False,
        widget=OrganizationPicker(scope="members", multiple=False),
    )
    html = field.widget.render("org", health_centre.pk)
    assert re.search(rf'type="radio" name="org" value="{health_centre.pk}"[^>]*checked', html)
    assert 'type="radio" name="org" value=""' in html
    assert field.widget.value_from_datadict(QueryDict("org=5"), {}, "org") == "5"
    client.force_login(kaisa)
    response = client.get(URL, {"field": "org", "q": health_centre.name[:6], "type": "radio"})
    assert 'type="radio" name="org"' in response.content.decode()
