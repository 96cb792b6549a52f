"""The dashboard's numbers of the client's voice, computed on a hand-built data set and
compared with numbers written here; small groups are hidden as everywhere else."""

import datetime

import pytest

from clients.models import WorkAbilityAssessment
from coordination.tests.factories import OrganizationFactory
from metrics.filters import Filters
from metrics.summary import build_summary
from networks.tests.factories import MeetingFactory, NetworkFactory
from voice import services
from voice.models import ClientLink, FeedbackAnswer, Touchpoint

pytestmark = pytest.mark.django_db

PERIOD = Filters(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31))


def answer(organization, touchpoint, day, heard=2, understood=2, knows_next=2, recommends=2):
    FeedbackAnswer.objects.create(
        organization=organization,
        touchpoint=touchpoint,
        answered_on=day,
        heard=heard,
        understood=understood,
        knows_next=knows_next,
        recommends=recommends,
    )


@pytest.fixture
def data(hub, kaisa):
    """Network meetings by the hub: 10 answers in February, 5 of them heard "yes", 3 of
    them would recommend; consultation answers by the hub: 7, all "yes"; plan agreements
    by an NGO: 3 answers; one answer outside the period. Self-assessments through links:
    January 5 (scores 3, 5, 6, 8, 8: mean 6.0), February 6 (9, 10, 7, 7, 8, 1: mean 7.0),
    and one made by a professional, not through a link (not counted)."""
    ngo = OrganizationFactory(name="Yhdistys", kind="ngo", municipality="564")
    feb = datetime.date(2026, 2, 10)
    for i in range(10):
        answer(
            hub,
            Touchpoint.NETWORK_MEETING,
            feb,
            heard=2 if i < 5 else 1,
            recommends=2 if i < 3 else 0,
        )
    for _ in range(3):
        answer(ngo, Touchpoint.PLAN_AGREEMENT, feb)
    for _ in range(7):
        answer(hub, Touchpoint.CONSULTATION_ANSWER, feb)
    answer(hub, Touchpoint.NETWORK_MEETING, datetime.date(2026, 4, 1))

    def self_assessed(score, day):
        meeting = MeetingFactory(network=NetworkFactory(coordinator=kaisa))
        link, _token = services.create_link(
            obj=meeting, purpose=ClientLink.Purpose.SELF_ASSESSMENT, by=kaisa
        )
        assessment = services.submit_self_assessment(link, score=score)
        WorkAbilityAssessment.objects.filter(pk=assessment.pk).update(assessed_on=day)

    for score in (3, 5, 6, 8, 8):
        self_assessed(score, datetime.date(2026, 1, 15))
    for score in (9, 10, 7, 7, 8, 1):
        self_assessed(score, datetime.date(2026, 2, 15))
    WorkAbilityAssessment.objects.create(
        client=NetworkFactory().client,
        assessed_by=kaisa,
        kind=WorkAbilityAssessment.Kind.PROFESSIONAL,
        score=1,
        assessed_on=datetime.date(2026, 1, 15),
    )


def tables(filters=PERIOD):
    summary = build_summary(filters)
    return {t["key"]: t for t in summary["tables"]}, {
        f["key"]: f["value"] for f in summary["headline"]
    }


def test_feedback_by_touchpoint_and_kind_of_organisation(data):
    by_key, _headline = tables()
    feedback = by_key["client_feedback"]
    assert feedback["rows"] == [
        # Answers, then the share of "yes": heard, understood, knows who helps next,
        # would recommend (3 of 10: a group of 1–4, hidden). The NGO's 3 answers are
        # hidden, and with them the next-smallest row (7), since the total would give
        # the 3 back.
        ["Konsultaatiovastaus", "Sosiaalipalvelut", "<5", None, None, None, None],
        ["Verkostopalaveri", "Sosiaalipalvelut", 10, 50.0, 100.0, 100.0, None],
        ["Suunnitelmasta sopiminen", "Järjestö tai yhdistys", "<5", None, None, None, None],
    ]
    assert feedback["total"][2] == 20


def test_self_assessed_work_ability_by_month(data):
    by_key, headline = tables()
    months = by_key["self_assessment_mean"]
    assert [row[1:] for row in months["rows"]] == [[5, 6.0], [6, 7.0], [0, None]]
    # (3 + 5 + 6 + 8 + 8 + 9 + 10 + 7 + 7 + 8 + 1) / 11 = 72 / 11 = 6.5
    assert months["total"][1:] == [11, 6.5]
    assert headline["client_feedback_count"] == 20
    assert headline["self_assessment_mean"] == "6,5"


def test_a_month_of_fewer_than_five_self_assessments_is_hidden(data):
    by_key, headline = tables(Filters(start=PERIOD.start, end=PERIOD.end, org_kind="ngo"))
    assert by_key["self_assessment_mean"]["total"][1:] == [0, None]
    assert headline["self_assessment_mean"] is None
    WorkAbilityAssessment.objects.filter(assessed_on__month=2).update(
        assessed_on=datetime.date(2026, 3, 1)
    )
    ClientLink.objects.filter(
        assessment__assessed_on__month=3, assessment__score__in=[9, 10, 8]
    ).update(assessment=None)
    by_key, _headline = tables()
    # March keeps 3 (scores 7, 7 and 1): hidden, and January's 5 with it; the total of
    # 8 is shown: (30 + 15) / 8 = 5.6.
    assert [row[1:] for row in by_key["self_assessment_mean"]["rows"]] == [
        ["<5", None],
        [0, None],
        ["<5", None],
    ]
    assert by_key["self_assessment_mean"]["total"][1:] == [8, 5.6]


def test_the_filters_select_by_the_organisation_that_asked(data):
    by_key, headline = tables(Filters(start=PERIOD.start, end=PERIOD.end, org_kind="ngo"))
    assert by_key["client_feedback"]["rows"] == [
        ["Suunnitelmasta sopiminen", "Järjestö tai yhdistys", "<5", None, None, None, None]
    ]
    assert headline["client_feedback_count"] == "<5"


def test_the_csv_of_the_feedback_table_is_the_same_numbers(client, eero, data):
    client.force_login(eero)
    response = client.get(
        "/metrics/",
        {"from": "2026-01-01", "to": "2026-03-31", "format": "csv", "table": "client_feedback"},
    )
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[2] == "Verkostopalaveri;Sosiaalipalvelut;10;50.0;100.0;100.0;"
    assert lines[3] == "Suunnitelmasta sopiminen;Järjestö tai yhdistys;<5;;;;"


def test_the_api_gives_the_same_numbers_as_the_page(client, eero, data):
    client.force_login(eero)
    body = client.get("/api/v1/metrics/summary/", {"from": "2026-01-01", "to": "2026-03-31"}).json()
    by_key = {t["key"]: t for t in body["tables"]}
    assert by_key["client_feedback"]["rows"][1] == [
        "Verkostopalaveri",
        "Sosiaalipalvelut",
        10,
        50.0,
        100.0,
        100.0,
        None,
    ]
    assert by_key["self_assessment_mean"]["total"] == ["Yhteensä", 11, 6.5]
