"""Municipalities are Statistics Finland's codes ("Kunnat 2025"): chosen from the list on
every page and in the API, shown by their official name in the reader's language, and
the free text of old records mapped to codes by the data migration."""

import importlib
import json
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from clients.models import Client
from clients.tests.factories import ClientFactory
from common.municipalities import (
    code_for,
    municipalities,
    municipality_choices,
    municipality_name,
)
from coordination.models import ConsultationRequest, Organization
from coordination.tests.factories import AnonymousConsultationFactory, OrganizationFactory
from coordination.tests.test_consultation_pages import anonymous_post, identified_post

pytestmark = pytest.mark.django_db

NOT_A_MUNICIPALITY = "Atlantis"


def test_the_list_is_the_classification_of_2025():
    assert len(municipalities()) == 308
    assert all(len(code) == 3 and code.isdigit() for code in municipalities())
    assert municipality_name("091", "fi") == "Helsinki"
    assert municipality_name("091", "sv") == "Helsingfors"
    assert municipality_name("853", "sv") == "Åbo"
    assert municipality_name("905", "sv") == "Vasa"
    assert municipality_name("564", "fi") == "Oulu"
    assert municipality_name("999") == municipality_name("") == ""


def test_names_in_either_language_and_any_case_find_the_code():
    assert code_for("helsingfors") == "091"
    assert code_for(" TURKU ") == "853"
    assert code_for("564") == "564"
    assert code_for("Oulun kaupunki") == code_for(NOT_A_MUNICIPALITY) == ""


def test_the_select_shows_swedish_names_under_swedish():
    with translation.override("sv"):
        assert ("564", "Uleåborg") in municipality_choices()
    with translation.override("fi"):
        assert ("564", "Oulu") in municipality_choices()


def test_a_municipality_outside_the_list_is_refused_on_the_request_page(client, alice):
    client.force_login(alice)
    for data, form in [
        (anonymous_post(**{"anon-municipality": NOT_A_MUNICIPALITY}), "anonymous_form"),
        (identified_post(**{"client-municipality": NOT_A_MUNICIPALITY}), "client_form"),
    ]:
        response = client.post(reverse("consultation_create"), data)
        assert response.status_code == 200
        assert "municipality" in response.context[form].errors
    assert not ConsultationRequest.objects.exists()


def test_the_request_page_offers_a_select_of_municipalities(client, alice):
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    html = client.get(reverse("consultation_create")).content.decode()
    assert '<select name="anon-municipality"' in html
    assert '<option value="091">Helsingfors</option>' in html


def test_a_municipality_outside_the_list_is_a_400_in_the_api(client, alice, kaisa):
    client.force_login(alice)
    data = {
        "anonymous": True,
        "municipality": NOT_A_MUNICIPALITY,
        "reasons": ["education"],
        "asked": ["job_coaching"],
        "description": "Nuori.",
    }
    response = client.post(reverse("consultation-list"), data, content_type="application/json")
    assert response.status_code == 400 and "municipality" in response.json()
    assert not ConsultationRequest.objects.exists()

    matti = ClientFactory(created_by=kaisa)
    client.force_login(kaisa)
    url = reverse("client-detail", args=[matti.uuid])
    response = client.patch(
        url, {"municipality": NOT_A_MUNICIPALITY}, content_type="application/json"
    )
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "municipality" in response.json()
    matti.refresh_from_db()
    assert matti.municipality == "564"


def test_a_coach_chooses_the_employers_municipality_from_the_list(client, tuula):
    client.force_login(tuula)
    response = client.post(
        reverse("coaching:employer_list"),
        {"name": "Kahvila Kulma Oy", "municipality": NOT_A_MUNICIPALITY},
    )
    assert response.status_code in (200, 400)
    assert "municipality" in response.context["form"].errors
    client.post(
        reverse("coaching:employer_list"), {"name": "Kahvila Kulma Oy", "municipality": "564"}
    )
    assert Organization.objects.get(name="Kahvila Kulma Oy").municipality == "564"


def test_the_client_page_shows_the_official_name(client, kaisa):
    matti = ClientFactory(created_by=kaisa, municipality="853")
    client.force_login(kaisa)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    html = client.get(reverse("clients:client_detail", args=[matti.uuid])).content.decode()
    assert "Åbo" in html


def test_the_data_migration_maps_names_to_codes_and_clears_the_rest(capsys):
    coordination = importlib.import_module(
        "coordination.migrations.0008_municipality_names_to_codes"
    )
    clients = importlib.import_module("clients.migrations.0010_municipality_names_to_codes")
    # The column now holds three characters: short names stand for the typed ones.
    ii = OrganizationFactory(municipality="564")
    Organization.objects.filter(pk=ii.pk).update(municipality="ii")
    typo = AnonymousConsultationFactory(municipality="564")
    ConsultationRequest.objects.filter(pk=typo.pk).update(municipality="Olu")
    matti = ClientFactory(municipality="564")
    Client.objects.filter(pk=matti.pk).update(municipality="ÅBO")

    coordination.names_to_codes(apps, None)
    clients.names_to_codes(apps, None)

    ii.refresh_from_db(), typo.refresh_from_db(), matti.refresh_from_db()
    assert (ii.municipality, typo.municipality, matti.municipality) == ("139", "", "853")
    assert "'Olu'" in capsys.readouterr().out


def test_the_api_schema_gives_municipality_codes_as_a_pattern(client, alice):
    """308 codes as an enum at every use made the schema 300 lines longer each time and
    the fuzzer try every code of every field; the schema names the code system instead."""
    client.force_login(alice)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert schema["components"]["schemas"]["MunicipalityEnum"]["pattern"] == "^[0-9]{3}$"
    text = json.dumps(schema)
    assert '"091"' not in text and "Helsinki` " not in text


def test_a_municipality_the_api_writes_may_be_blank_in_the_schema(client, alice):
    """An anonymous request carries no municipality: the response must still match."""
    client.force_login(alice)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    written = schema["components"]["schemas"]["Consultation"]["properties"]["municipality"]
    assert written["readOnly"] is True
    assert re.fullmatch(written["pattern"], "") and re.fullmatch(written["pattern"], "564")
