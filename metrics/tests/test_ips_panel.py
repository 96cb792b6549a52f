"""The "IPS job coaching and health checks" panel on the hand-built data set of
`metrics/tests/ips_dataset.py`: every number below is counted by hand there."""

import csv
import datetime
import io
import json

import pytest
from django.conf import settings

from clients.tests.factories import ClientFactory
from coordination.tests.factories import ConsultationFactory
from metrics.filters import Filters
from metrics.summary import build_summary
from metrics.tests.dataset import PERIOD, PERIOD_QUERY, at
from metrics.tests.ips_dataset import build_ips_dataset, health_check, job_start, referral
from metrics.topics.healthchecks import health_check_coverage
from metrics.topics.ips import (
    MAX_QUARTERS,
    benchmark_level,
    coaching_totals,
    competitive_starts,
    employment_rate,
    first_employer_contacts,
    quarters,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ips(data, alice):
    return build_ips_dataset(alice)


def test_a_long_period_shows_its_last_forty_quarters():
    """schemathesis asked for four centuries: one column per quarter broke PostgreSQL's
    limit of 1,664 columns."""
    period = Filters(start=datetime.date(1700, 2, 1), end=datetime.date(2100, 5, 15))
    shown = quarters(period)
    assert len(shown) == MAX_QUARTERS
    assert (shown[0].label, shown[-1].label) == ("2090 Q3", "2100 Q2")
    assert (shown[0].start, shown[-1].end) == (datetime.date(2090, 7, 1), period.end)
    summary = build_summary(period)  # and the dashboard is built, on PostgreSQL too
    rates = next(t for t in summary["tables"] if t["key"] == "ips_employment")
    assert len(rates["rows"]) == MAX_QUARTERS


def test_quarters_are_cut_to_the_period():
    period = Filters(start=datetime.date(2025, 12, 1), end=datetime.date(2026, 11, 23))
    assert [(q.label, q.start.isoformat(), q.end.isoformat()) for q in quarters(period)] == [
        ("2025 Q4", "2025-12-01", "2025-12-31"),
        ("2026 Q1", "2026-01-01", "2026-03-31"),
        ("2026 Q2", "2026-04-01", "2026-06-30"),
        ("2026 Q3", "2026-07-01", "2026-09-30"),
        ("2026 Q4", "2026-10-01", "2026-11-23"),
    ]


def test_quarterly_competitive_employment_rate(ips):
    totals = coaching_totals(PERIOD)
    starts = competitive_starts(PERIOD)
    assert totals["served"] == [5, 6]
    assert starts == [2, 1]
    assert employment_rate(2, 5) == 40.0
    assert [employment_rate(s, n) for s, n in zip(starts, totals["served"], strict=True)] == [
        40.0,
        16.7,
    ]
    assert [benchmark_level(rate) for rate in (40.0, 16.7, 41.0, 50.0)] == [
        "minimal",
        "below the minimal level",
        "average",
        "excellent",
    ]


def test_clients_in_coaching_and_exits(ips):
    totals = coaching_totals(PERIOD)
    assert totals["in_coaching"] == 5
    assert totals["ended"] == 2
    assert {k: v for k, v in totals["ended_by_reason"].items() if v} == {
        "studies": 1,
        "rehabilitation": 1,
    }


def test_days_to_the_first_employer_contact(ips):
    assert first_employer_contacts(PERIOD) == {
        "contacted": 4,
        "median_days": 7.5,
        "within_target": 3,
        "judged": 5,
        "late_without_contact": 1,
        "not_yet": 2,
    }


def test_health_check_share_by_municipality(ips):
    # Grouped by the code (564 Oulu, 205 Kajaani); the tables show the official names.
    coverage = health_check_coverage(PERIOD)
    assert coverage == {
        "564": {"clients": 4, "checked": 1},
        "205": {"clients": 3, "checked": 2},
    }
    shares = {
        town: employment_rate(row["checked"], row["clients"]) for town, row in coverage.items()
    }
    assert shares == {"564": 25.0, "205": 66.7}
    assert employment_rate(3, 7) == 42.9


def test_filters_select_referrals_by_the_referring_organisation(ips):
    kela = Filters(start=PERIOD.start, end=PERIOD.end, org_kind="kela")
    assert coaching_totals(kela)["in_coaching"] == 0
    assert competitive_starts(kela) == [0, 0]
    health = Filters(start=PERIOD.start, end=PERIOD.end, org_kind="health_centre")
    assert competitive_starts(health) == [2, 1]
    # The health checks follow the same contact sources: Kela served no one.
    assert health_check_coverage(kela) == {}
    q2 = Filters(start=datetime.date(2026, 4, 1), end=datetime.date(2026, 6, 30))
    assert coaching_totals(q2)["served"] == [6]


def _table(summary, key):
    return next(table for table in summary["tables"] if table["key"] == key)


def test_panel_hides_small_groups(ips):
    summary = build_summary(PERIOD)
    headline = {item["key"]: item["value"] for item in summary["ips"]["headline"]}
    assert headline == {
        "clients_in_coaching": 5,
        "median_days_to_employer_contact": None,  # four contacted: fewer than five
        "employer_contact_within_30_days": None,  # 3 of 5 would reveal the 2 late ones
        "competitive_employment_rate": None,  # 1 of 6
        "health_check_share": None,  # 3 of 7
    }
    rows = _table(summary, "ips_employment")["rows"]
    assert rows == [["2026 Q1", 5, "<5", None, ""], ["2026 Q2", 6, "<5", None, ""]]
    exits = _table(summary, "ips_exits")
    assert exits["rows"] == [
        ["Started studies", "<5", "<5"],
        ["Moved to rehabilitation", "<5", 0],
        ["Moved to a pension assessment", 0, 0],
    ]
    assert [t["panel"] for t in summary["tables"] if t.get("panel")] == ["ips"] * 4


def test_panel_shows_the_rate_and_share_when_groups_are_big_enough(ips, alice):
    """Ten more clients served in Q1 (Oulu, unemployed), four of them started on the open
    market: Q1 is now 6 of 15 = 40.0 % (minimal). Five of the ten had a health check,
    and five unemployed clients from Muhos came through requests, all checked:
    Oulu 1 + 5 of 4 + 10 = 6 of 14 = 42.9 %; Muhos 5 of 5; Kajaani 2 of 3;
    total 13 of 22 = 59.1 %."""
    team, coach, employer = ips["team"], ips["coach"], ips["employer"]
    for n in range(10):
        person = ClientFactory(life_situation="unemployed_registered", municipality="564")
        ref = referral(
            person, alice=alice, team=team, coach=coach, referred="2026-01-05", taken="2026-01-06"
        )
        if n < 4:
            job_start(ref, employer, "2026-03-15")
        if n < 5:
            health_check(person, alice, offered="2026-01-07", done="2026-01-08")
    for _n in range(5):
        request = ConsultationFactory(
            requester=alice,
            submitted_at=at("2026-02-10"),
            client__life_situation="unemployed_registered",
            client__municipality="494",
        )
        health_check(request.client, alice, offered="2026-02-11", done="2026-02-20")
    summary = build_summary(PERIOD)
    rows = _table(summary, "ips_employment")["rows"]
    assert rows[0] == ["2026 Q1", 15, 6, 40.0, "minimal"]
    table = _table(summary, "ips_health_checks")
    checks = {row[0]: row[1:] for row in table["rows"]}
    assert checks["Oulu"] == [14, 6, 42.9]
    # Kajaani's 3 and 2 are hidden; with the total shown, Muhos's 5 and 5 are hidden too
    # (privacy.suppress, rule 2), so that Kajaani cannot be worked back.
    assert checks["Kajaani"] == ["<5", "<5", None]
    assert checks["Muhos"] == ["<5", "<5", None]
    assert table["total"] == ["Total", 22, 13, 59.1]
    headline = {item["key"]: item["value"] for item in summary["ips"]["headline"]}
    assert headline["health_check_share"] == 59.1
    assert headline["competitive_employment_rate"] is None  # Q2 (latest): 1 of 6
    # The dashboard's headline count is the table's total, not plan actions marked done
    # (none of these checks has a plan action).
    main = {item["key"]: item["value"] for item in summary["headline"]}
    assert main["health_checks_done"] == 13


def test_csv_and_api_carry_the_panel(client, eero, ips):
    client.force_login(eero)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/metrics/" + PERIOD_QUERY + "&format=csv&table=ips_employment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Quarter" and rows[1][:3] == ["2026 Q1", "5", "<5"]
    for key in ("ips_employer_contacts", "ips_health_checks", "ips_exits"):
        assert client.get(f"/metrics/{PERIOD_QUERY}&format=csv&table={key}").status_code == 200
    api = client.get("/api/v1/metrics/summary/" + PERIOD_QUERY).json()
    assert [item["key"] for item in api["ips"]["headline"]] == [
        "clients_in_coaching",
        "median_days_to_employer_contact",
        "employer_contact_within_30_days",
        "competitive_employment_rate",
        "health_check_share",
    ]
    assert api["ips"]["headline"][0]["value"] == 5
    employment = next(t for t in api["tables"] if t["key"] == "ips_employment")
    assert employment["rows"][1][:3] == ["2026 Q2", 6, "<5"]
    page = client.get("/metrics/" + PERIOD_QUERY)
    assert json.loads(json.dumps(page.context["summary"])) == api
    html = page.content.decode()
    assert 'id="panel-ips"' in html and 'data-metric="clients_in_coaching">5<' in html


def test_the_dashboard_page_writes_the_period_the_finland_swedish_way(client, eero):
    client.force_login(eero)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    page = client.get("/metrics/" + PERIOD_QUERY).content.decode()
    lead = page.split('<p class="lead">', 1)[1].split("</p>", 1)[0]
    assert "1.1.2026" in lead and "30.6.2026" in lead
    assert "2026-" not in lead
