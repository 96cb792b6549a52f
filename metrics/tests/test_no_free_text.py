"""What managers read holds no text typed by others: municipalities are shown by their
official names (the code is what is stored), and the employers that job coaches type in
are counted, never named."""

import csv
import io
import re

import pytest
from django.conf import settings

from coordination.models import Organization
from coordination.tests.factories import OrganizationFactory
from metrics.tests.dataset import PERIOD_QUERY
from metrics.tests.ips_dataset import build_ips_dataset

PAGE = "/metrics/"
TYPED_EMPLOYER = "Pasin Pizza ja Kebab Tmi"


@pytest.fixture
def ips(data, alice):
    world = build_ips_dataset(alice)
    # A second employer, typed by a coach; employers in the dashboard's municipality too.
    OrganizationFactory(name=TYPED_EMPLOYER, kind=Organization.Kind.EMPLOYER, municipality="564")
    Organization.objects.filter(kind=Organization.Kind.EMPLOYER).update(municipality="564")
    return world


def csv_exports(client, html: str) -> list[str]:
    links = re.findall(r'href="(\?[^"]*format=csv[^"]*)"', html)
    assert links
    return [
        client.get(PAGE + link.replace("&amp;", "&")).content.decode("utf-8-sig") for link in links
    ]


def test_the_health_check_table_shows_official_names(client, eero, ips):
    client.force_login(eero)
    for language, oulu, kajaani in [("fi", "Oulu", "Kajaani"), ("sv", "Uleåborg", "Kajana")]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(PAGE + PERIOD_QUERY)
        table = next(
            t for t in page.context["summary"]["tables"] if t["key"] == "ips_health_checks"
        )
        names = [row[0] for row in table["rows"]]
        assert oulu in names and kajaani in names
        assert "564" not in names
        # The filter offers the organisations' municipalities by name, valued by code.
        assert f'<option value="564">{oulu}</option>' in page.content.decode()


def test_a_municipality_filter_outside_the_list_is_a_400(client, eero):
    client.force_login(eero)
    response = client.get("/api/v1/metrics/summary/?municipality=Atlantis")
    assert response.status_code == 400 and "municipality" in response.json()
    assert client.get("/api/v1/metrics/summary/?municipality=564").status_code == 200


def test_a_managers_dashboard_and_csv_name_no_employer(client, eero, ips):
    client.force_login(eero)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(PAGE + PERIOD_QUERY)
    html = page.content.decode()
    api = client.get("/api/v1/metrics/summary/" + PERIOD_QUERY).content.decode()
    for text in [html, api, *csv_exports(client, html)]:
        assert TYPED_EMPLOYER not in text
        assert ips["employer"].name not in text
    # The employers are still counted, as one row of their kind.
    table = next(
        t for t in page.context["summary"]["tables"] if t["key"] == "contact_organisations"
    )
    assert ["Employer", "2 employers", 0] in table["rows"]
    rows = list(csv.reader(io.StringIO(csv_exports(client, html)[0]), delimiter=";"))
    assert rows


def test_a_municipality_outside_the_list_is_shown_next_to_the_filter(client, eero):
    client.force_login(eero)
    html = client.get(PAGE + "?municipality=Atlantis").content.decode()
    assert 'aria-describedby="id_municipality_error"' in html
    assert '<div class="invalid-feedback d-block" id="id_municipality_error">' in html
