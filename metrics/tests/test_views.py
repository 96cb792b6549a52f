"""The page, the CSV export and the API: who may open them, that they agree, and that
the page's query count does not grow with the data."""

import csv
import io
import json

import pytest
from django.conf import settings

from clients.models import Client
from coordination.tests.factories import ConsultationFactory
from metrics.tests.dataset import PERIOD_QUERY, at
from metrics.tests.ips_dataset import contact, health_check, ips_people, job_start, referral
from networks.tests.factories import NetworkFactory

PAGE = "/metrics/"
API = "/api/v1/metrics/summary/"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 404), ("olli", 404), ("ylva", 404), ("kaisa", 200), ("eero", 200)],
    indirect=["persona"],
)
@pytest.mark.parametrize("url", [PAGE, API, PAGE + "?format=csv&table=contact_kinds"])
def test_only_managers_and_coordinators_see_metrics(client, persona, expected, url):
    client.force_login(persona)
    assert client.get(url).status_code == expected


def test_anonymous_visitor_is_sent_to_log_in(client, db):
    assert client.get(PAGE).status_code == 302
    assert client.get(API).status_code in (401, 403)


def test_page_and_api_agree(client, eero, data):
    client.force_login(eero)
    page = client.get(PAGE + PERIOD_QUERY)
    api = client.get(API + PERIOD_QUERY)
    assert api.status_code == 200
    assert json.loads(json.dumps(page.context["summary"])) == api.json()
    # The page shows the numbers: Kela's 2 requests are "<5" next to the total 8.
    html = page.content.decode()
    assert 'data-metric="received">8<' in html
    assert "&lt;5" in html
    assert 'id="metrics-charts"' in html


def test_filters_reach_page_and_api(client, eero, data):
    client.force_login(eero)
    api = client.get(API + PERIOD_QUERY + "&org_kind=health_centre&municipality=564").json()
    assert api["headline"][0] == {
        "key": "received",
        "label": "Saapuneet konsultaatiopyynnöt",  # the service's default language
        "value": 6,
    }
    page = client.get(PAGE + PERIOD_QUERY + "&org_kind=health_centre&municipality=564")
    assert page.context["summary"]["headline"][0]["value"] == 6
    assert client.get(API + "?from=2026-07-01&to=2026-01-01").status_code == 400
    assert client.get(API + "?org_kind=spaceship").status_code == 400


def test_csv_export_of_a_table(client, eero, data):
    client.force_login(eero)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(PAGE + PERIOD_QUERY + "&format=csv&table=contact_kinds")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Kind of organisation",
        "Requests",
        "Organisations",
        "Organisations that sent none",
    ]
    assert ["Kela", "<5", "1", "0"] in rows
    assert rows[-1] == ["Total", "8", "4", "2"]
    assert client.get(PAGE + "?format=csv&table=nonsense").status_code == 404


def _more_rows(extra, alice, kaisa):
    """`extra` more of every kind of row the dashboard counts: a request about an
    unemployed client, a network, a referral with an employer contact and a job start, and
    a health check each."""
    team, coach, employer = ips_people(alice)
    for n in range(extra):
        consultation = ConsultationFactory(
            requester=alice,
            submitted_at=at(f"2026-03-{1 + n % 28:02d}"),
            client__life_situation=Client.LifeSituation.UNEMPLOYED_REGISTERED,
        )
        NetworkFactory(
            client=consultation.client,
            origin_consultation=consultation,
            coordinator=kaisa,
            opened_at=at("2026-03-05"),
        )
        ref = referral(
            consultation.client,
            alice=alice,
            team=team,
            coach=coach,
            referred="2026-01-10",
            taken="2026-01-12",
        )
        contact_day = f"2026-02-{1 + n % 28:02d}"
        contact(ref, employer, coach, contact_day)
        job_start(ref, employer, contact_day)
        health_check(consultation.client, alice, offered="2026-03-01", done="2026-03-02")


# The statements that are the dashboard's numbers, whatever the number of rows: consultation
# totals, response times, contact sources by organisation, reasons and asked, the
# consultation trend (5); network totals, closure reasons, the network trend (3); distinct
# clients and feedback (2); plan actions by service type (1); the IPS panel: referral
# totals with the clients served per quarter, open-market job starts per quarter, days to
# the first employer contact, and health checks of the unemployed by municipality (4).
SUMMARY_QUERIES = 17


@pytest.mark.parametrize("extra", [0, 30])
def test_dashboard_query_count_is_constant(
    client, eero, alice, kaisa, data, extra, django_assert_num_queries
):
    _more_rows(extra, alice, kaisa)
    client.force_login(eero)
    # The session and the user (2); the municipalities for the filter (1); the summary; the
    # user's organisation in the navigation bar (1); then the session is saved again (a
    # savepoint, the update, its release) because every request renews the idle timeout (3).
    with django_assert_num_queries(2 + 1 + SUMMARY_QUERIES + 1 + 3):
        assert client.get(PAGE + PERIOD_QUERY).status_code == 200


@pytest.mark.parametrize("extra", [0, 30])
def test_api_summary_query_count_is_constant(
    client, eero, alice, kaisa, data, extra, django_assert_num_queries
):
    _more_rows(extra, alice, kaisa)
    client.force_login(eero)
    # The session and the user (2); the summary (no municipalities: the API takes any
    # code); the session saved again as on the page (3).
    with django_assert_num_queries(2 + SUMMARY_QUERIES + 3):
        assert client.get(API + PERIOD_QUERY).status_code == 200


def test_api_is_documented(client, eero):
    client.force_login(eero)
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/metrics/summary/" in schema
    assert "metrics_summary" in schema


# Periods the dashboard cannot count: the date and the field whose message says why.
IMPOSSIBLE_PERIODS = [
    ("?to=9999-12-31", "to"),
    ("?from=9999-01-01&to=9999-12-31", "from"),
    ("?to=0001-01-15", "to"),
    ("?from=0001-01-01&to=2026-06-30", "from"),
    ("?from=2026-07-01&to=2026-01-01", "from"),
    ("?from=2099-01-01", "from"),
    ("?from=1970-01-01&to=2026-06-30", "from"),  # longer than the longest period
]


@pytest.mark.parametrize(("query", "field"), IMPOSSIBLE_PERIODS)
def test_impossible_period_is_a_field_error_in_the_api(client, eero, query, field):
    client.force_login(eero)
    response = client.get(API + query)
    assert response.status_code == 400
    assert field in response.json() and "from_" not in response.json()


@pytest.mark.parametrize(("query", "field"), IMPOSSIBLE_PERIODS)
def test_impossible_period_is_shown_next_to_its_field(client, eero, query, field):
    client.force_login(eero)
    response = client.get(PAGE + query)
    assert response.status_code == 200
    html = response.content.decode()
    message = response.context["form"].errors["from_" if field == "from" else field][0]
    assert f'<div class="invalid-feedback d-block" id="id_{field}_error">{message}' in html
    assert f'aria-describedby="id_{field}_error"' in html
    # A CSV of an impossible period is not made either; the page explains instead.
    assert client.get(PAGE + query + "&format=csv&table=contact_kinds").status_code == 200
