"""The numbers of the hand-built data set in `metrics/tests/dataset.py`."""

import datetime
import json

import pytest
import time_machine

from clients.tests.factories import ClientFactory
from coordination.tests.factories import (
    ConsultationFactory,
)
from metrics.filters import Filters
from metrics.summary import build_summary
from metrics.tests.dataset import PERIOD, at
from metrics.topics.consultations import (
    consultation_totals,
    consultation_trend,
    reasons_and_asked,
    requests_by_organization,
    response_times,
)
from metrics.topics.networks import closure_reasons, network_totals
from metrics.topics.participation import distinct_clients, feedback_distribution
from metrics.topics.plans import plan_actions
from networks.tests.factories import NetworkFactory
from serviceplans.models import PlanAction, PlanGoal, ServicePlan


def test_consultation_numbers(data):
    assert consultation_totals(PERIOD) == {
        "received": 8,
        "answered": 6,
        "closed": 2,
        "anonymous": 1,
        "identified": 7,
    }
    assert response_times(PERIOD) == {"median_working_days": 1.0, "within_target": 5, "answered": 6}


def test_contact_sources_include_those_that_never_send(data):
    rows = {row["name"]: row["requests"] for row in requests_by_organization(PERIOD)}
    assert rows == {
        "Oulun sote-keskus Tuira": 6,
        "Kela, Oulun palvelupiste": 2,
        "TE-palvelut Oulu": 0,
        "Kemin järjestö": 0,
        "Työikäisten koordinaatio": 0,  # the hub: left out of the tables while it sends none
    }


def test_reasons_and_asked(data):
    assert reasons_and_asked(PERIOD) == {
        "reasons": {"work_ability_unclear": 7, "mental_health": 1, "long_unemployment": 1},
        "asked": {"consultation": 7, "network": 1, "health_check": 1},
    }


def test_networks_clients_and_feedback(data):
    assert network_totals(PERIOD) == {"formed": 2, "active": 3, "closed": 2, "open_at_end": 1}
    assert closure_reasons(PERIOD) == {"employed": 1, "studies": 1}
    # c1–c7 have a client each (7); n1's client is c1's; n2 and n4 add two: 9.
    assert distinct_clients(PERIOD) == 9
    assert feedback_distribution(PERIOD) == {
        "count": 6,
        "mean": pytest.approx(25 / 6),
        "distribution": {1: 0, 2: 0, 3: 1, 4: 3, 5: 2},
    }


def test_monthly_trend_in_helsinki_time(data, alice):
    # 31 March 2026 23:30 in Helsinki is still March, although it is 20:30 UTC... and
    # 1 May 00:30 in Helsinki is 30 April in UTC: it belongs to May.
    ConsultationFactory(requester=alice, submitted_at=at("2026-05-01", 0).replace(minute=30))
    trend = consultation_trend(PERIOD)
    assert {month.month: row["received"] for month, row in trend.items()} == {
        2: 5,
        3: 1,
        4: 2,
        5: 1,
    }
    assert {month.month: row["answered"] for month, row in trend.items()} == {
        2: 5,
        3: 0,
        4: 1,
        5: 0,
    }


def test_filters(data):
    kela_only = Filters(start=PERIOD.start, end=PERIOD.end, org_kind="kela")
    assert consultation_totals(kela_only)["received"] == 2
    assert [row["name"] for row in requests_by_organization(kela_only)] == [
        "Kela, Oulun palvelupiste"
    ]
    # Networks follow their origin consultation's contact source: only n1 (health centre).
    assert network_totals(kela_only)["formed"] == 0
    health = Filters(start=PERIOD.start, end=PERIOD.end, org_kind="health_centre")
    assert network_totals(health) == {"formed": 1, "active": 1, "closed": 0, "open_at_end": 1}
    kemi = Filters(start=PERIOD.start, end=PERIOD.end, municipality="240")
    assert consultation_totals(kemi)["received"] == 0
    assert feedback_distribution(kemi)["count"] == 0
    april = Filters(start=datetime.date(2026, 4, 1), end=datetime.date(2026, 4, 30))
    assert consultation_totals(april) == {
        "received": 2,
        "answered": 1,
        "closed": 0,
        "anonymous": 1,
        "identified": 1,
    }
    last_year = Filters(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31))
    assert consultation_totals(last_year)["received"] == 1
    assert closure_reasons(last_year) == {"moved": 1}


@time_machine.travel(at("2026-06-15"), tick=False)
def test_plan_actions_count_only_the_version_in_force(data, kaisa):
    network = NetworkFactory(coordinator=kaisa)
    plans = {
        # version 1 was replaced by version 2; version 3 is a draft not yet agreed
        1: ServicePlan.Status.CLOSED,
        2: ServicePlan.Status.AGREED,
        3: ServicePlan.Status.DRAFT,
    }
    done_in_may = at("2026-05-20")
    for version, status in plans.items():
        plan = ServicePlan.objects.create(
            network=network, client=network.client, version=version, status=status,
            client_goals="Töihin", created_by=kaisa, updated_by=kaisa,
            agreed_at=None if status == ServicePlan.Status.DRAFT else at("2026-04-01"),
            agreement_method="" if status == ServicePlan.Status.DRAFT else "in_meeting",
        )  # fmt: skip
        goal = PlanGoal.objects.create(plan=plan, text="Työ", domain="work")
        for service, action_status, due, done_at in [
            ("ips_job_coaching", PlanAction.Status.DONE, None, done_in_may),
            ("unemployed_health_check", PlanAction.Status.DONE, None, done_in_may),
            ("unemployed_health_check", PlanAction.Status.PLANNED, datetime.date(2026, 6, 1), None),
            ("social_work", PlanAction.Status.IN_PROGRESS, datetime.date(2026, 7, 1), None),
            ("social_work", PlanAction.Status.CANCELLED, datetime.date(2026, 1, 1), None),
        ]:
            PlanAction.objects.create(
                plan=plan, goal=goal, description="x", service_type=service, responsible_name="N",
                status=action_status, due_date=due, done_at=done_at,
            )  # fmt: skip
    # Counted by hand from version 2 alone.
    assert plan_actions(PERIOD) == {
        "ips_job_coaching": {"service_type": "ips_job_coaching", "done": 1, "open": 0,
                             "overdue": 0},
        "unemployed_health_check": {"service_type": "unemployed_health_check", "done": 1,
                                    "open": 1, "overdue": 1},
        "social_work": {"service_type": "social_work", "done": 0, "open": 1, "overdue": 0},
    }  # fmt: skip
    assert "plan_actions" in [table["key"] for table in build_summary(PERIOD)["tables"]]


def _table(summary, key):
    return next(table for table in summary["tables"] if table["key"] == key)


def test_summary_hides_small_counts_and_what_would_reveal_them(data):
    summary = build_summary(PERIOD)
    headline = {item["key"]: item["value"] for item in summary["headline"]}
    assert headline["received"] == 8
    assert headline["answered"] == 6
    assert headline["closed"] == "<5"
    assert headline["median_working_days"] == 1.0
    # One answer of six was late: the share (83 %) would reveal that one, so it is hidden.
    assert headline["share_within_target"] is None
    assert headline["networks_formed"] == "<5"
    assert headline["distinct_clients"] == 9
    assert headline["feedback_count"] == 6
    # Distribution 3:1, 4:3, 5:2 is all hidden, so the mean (which would solve it) is too.
    assert headline["feedback_mean"] is None

    kinds = {row[0]: row[1:] for row in _table(summary, "contact_kinds")["rows"]}
    # Kela's 2 is hidden; the total 8 is shown, so the health centres' 6 is hidden too.
    assert kinds["Health and social services centre"] == ["<5", 1, 0]
    assert kinds["Kela"] == ["<5", 1, 0]
    assert kinds["Employment services"] == [0, 1, 1]
    assert kinds["NGO"] == [0, 1, 1]
    assert kinds["Social services"] == [0, 0, 0]  # only the hub, which sent none
    assert _table(summary, "contact_kinds")["total"] == ["Total", 8, 4, 2]
    orgs = {row[1]: row[2] for row in _table(summary, "contact_organisations")["rows"]}
    # Their kinds' counts are hidden, so their own are too; zeros stay visible.
    assert orgs["Oulun sote-keskus Tuira"] == "<5"
    assert orgs["Kela, Oulun palvelupiste"] == "<5"
    assert orgs["Kemin järjestö"] == 0

    clients = _table(summary, "clients")["rows"]
    # 1 anonymous + 7 identified = 8 shown: hiding only the 1 would leave 8 − 7 = 1.
    assert [row[1] for row in clients] == [9, "<5", "<5", 8]

    reasons = {row[0]: row[1] for row in _table(summary, "reasons")["rows"]}
    assert reasons["Work ability is unclear"] == 7
    assert reasons["Mental health"] == "<5"
    assert reasons["Pension question"] == 0

    networks = [row[1] for row in _table(summary, "networks")["rows"]]
    assert networks == ["<5", "<5", "<5", "<5"]
    monthly = {row[0]: row[1:] for row in _table(summary, "monthly")["rows"]}
    assert len(monthly) == 6
    # February: 5 received; answered 5 is hidden because April's 1 is (the total 6 is
    # shown); network n1 formed in February: 1.
    assert list(monthly.values())[1] == [5, "<5", "<5"]
    assert _table(summary, "monthly")["total"][1] == 8


def test_summary_never_shows_personal_data(data):
    text = json.dumps(build_summary(PERIOD), default=str)
    for consultation in ClientFactory._meta.model.objects.all():
        assert consultation.last_name not in text
        assert consultation.personal_identity_code not in text
    assert "Asiakas tarvitsee" not in text  # the requests' description


@pytest.mark.parametrize(
    ("today", "start"),
    [("2026-11-23", "2025-12-01"), ("2026-01-05", "2025-02-01"), ("2026-12-31", "2026-01-01")],
)
def test_default_period_is_twelve_whole_months_up_to_today(today, start):
    with time_machine.travel(at(today), tick=False):
        filters = Filters.default()
    assert (filters.start, filters.end) == (
        datetime.date.fromisoformat(start),
        datetime.date.fromisoformat(today),
    )
    assert len(filters.months()) == 12
