"""The mean self-assessed Work Ability Score per period and organisation, on a
hand-built data set with hand-computed numbers: the page, the CSV and the API come from
one function and agree; groups of 1–4 people are hidden with no mean.

March 2026, each person counted once with their latest self-assessment of the month:

    health centre (alice records)  6 people: 8, 7, 9, 6, 8, 8  → 46/6 = 7.67 → 7.7
        (one of them also scored 2 on 1 March: not the latest, not counted; and a
        professional's assessment of 0: not a self-assessment, not counted)
    hub (kaisa records)            5 people: 6 each             → 6.0, but hidden:
        Kela is hidden beside a shown total, so the next-smallest group is hidden too
    Kela (olli records)            2 people: 5, 3               → "<5", no mean
    all organisations             13 people: 84/13 = 6.46      → 6.5

January 2026: one of the health centre's six scored 1: "<5" in the month view, and
in the first quarter only their March score counts (the health centre still 7.7).
April 2026: three people at the health centre, the only group: hidden, and the total
with it (it would equal the hidden group).
"""

import datetime

import pytest
from django.urls import reverse

from clients.models import WorkAbilityAssessment
from clients.tests.factories import ClientFactory
from common.csvexport import BOM
from metrics.privacy import SUPPRESSED
from metrics.topics.workability import QUARTER, Period, self_assessment_means

pytestmark = pytest.mark.django_db

PAGE = reverse("metrics:work_ability")
API = "/api/v1/metrics/work-ability/"
D = datetime.date


@pytest.fixture(autouse=True)
def _english_pages(client, settings):
    """The pages and files in English too (the language cookie), like the tables."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _self(client, by, day, score, kind=WorkAbilityAssessment.Kind.SELF):
    return WorkAbilityAssessment.objects.create(
        client=client, assessed_by=by, assessed_on=day, kind=kind, score=score
    )


@pytest.fixture
def dataset(alice, kaisa, olli):
    health = [ClientFactory() for _ in range(6)]
    for person, score in zip(health, [8, 7, 9, 6, 8, 8], strict=True):
        _self(person, alice, D(2026, 3, 15), score)
    _self(health[0], alice, D(2026, 3, 1), 2)  # earlier in the month: not counted
    _self(health[1], alice, D(2026, 3, 20), 0, kind="professional")  # not a self-assessment
    _self(health[2], alice, D(2026, 1, 10), 1)  # January
    for _ in range(5):
        _self(ClientFactory(), kaisa, D(2026, 3, 5), 6)
    for score in (5, 3):
        _self(ClientFactory(), olli, D(2026, 3, 9), score)
    for score in (4, 9, 10):
        _self(ClientFactory(), alice, D(2026, 4, 2), score)


def _rows(table):
    return [row[1:] for row in table["rows"]]


def test_mean_per_month_and_organisation_with_small_groups_hidden(
    dataset, health_centre, hub, kela
):
    table = self_assessment_means(Period(start=D(2026, 1, 1), end=D(2026, 4, 30)))
    by_period: dict = {}
    for period, *rest in table["rows"]:
        by_period.setdefault(period, []).append(rest)
    january, march, april = by_period.values()
    assert january == [
        [health_centre.name, SUPPRESSED, None],
        ["All organisations", SUPPRESSED, None],
    ]
    assert sorted(march) == sorted(
        [
            [health_centre.name, 6, 7.7],
            [hub.name, SUPPRESSED, None],
            [kela.name, SUPPRESSED, None],
            ["All organisations", 13, 6.5],
        ]
    )
    assert april == [
        [health_centre.name, SUPPRESSED, None],
        ["All organisations", SUPPRESSED, None],
    ]


def test_the_quarter_counts_each_person_once_with_their_latest_score(dataset, health_centre):
    table = self_assessment_means(Period(start=D(2026, 1, 1), end=D(2026, 3, 31), by=QUARTER))
    assert table["rows"][0][0] == "Q1 2026"
    assert [health_centre.name, 6, 7.7] in _rows(table)
    assert ["All organisations", 13, 6.5] in _rows(table)


def test_page_csv_and_api_agree(client, eero, dataset, health_centre):
    client.force_login(eero)
    query = {"from": "2026-03-01", "to": "2026-03-31", "period": "month"}
    page = client.get(PAGE, query)
    assert page.status_code == 200
    assert [health_centre.name, 6, 7.7] in [row[1:] for row in page.context["table"]["rows"]]
    assert b"7.7" in page.content or b"7,7" in page.content
    api = client.get(API, query).json()
    assert api["rows"] == page.context["table"]["rows"]
    assert api["filters"] == {"from": "2026-03-01", "to": "2026-03-31", "period": "month"}
    csv = client.get(PAGE, {**query, "format": "csv"})
    text = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode()
    assert text.startswith(BOM)
    assert f"{health_centre.name};6;7.7" in text
    assert "All organisations;13;6.5" in text
    assert "<5" in text


def test_an_organisation_name_that_looks_like_a_formula_is_neutralised_in_the_csv(
    client, eero, alice, health_centre
):
    health_centre.name = "=HYPERLINK(1)"
    health_centre.save()
    for score in range(5, 10):
        _self(ClientFactory(), alice, D(2026, 3, 15), score)
    client.force_login(eero)
    csv = client.get(PAGE, {"from": "2026-03-01", "to": "2026-03-31", "format": "csv"})
    text = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode()
    assert "'=HYPERLINK(1);5;7.0" in text


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 404), ("olli", 404), ("ylva", 404), ("kaisa", 200), ("eero", 200)],
    indirect=["persona"],
)
@pytest.mark.parametrize("url", [PAGE, API, PAGE + "?format=csv"])
def test_only_managers_and_coordinators_see_the_group_means(client, persona, expected, url):
    client.force_login(persona)
    assert client.get(url).status_code == expected


def test_an_impossible_period_is_a_field_error(client, eero):
    client.force_login(eero)
    query = {"from": "2026-05-01", "to": "2026-04-01"}
    assert "from" in client.get(API, query).json()
    assert client.get(PAGE, query).status_code == 400


@pytest.mark.parametrize("people", [5, 40])
def test_the_query_count_does_not_grow_with_people(
    client, eero, alice, people, django_assert_num_queries
):
    for n in range(people):
        _self(ClientFactory(), alice, D(2026, 3, 1 + n % 28), n % 11)
    client.force_login(eero)
    # Expect 7 queries: 1 the session, 2 the user, 3 the self-assessments of the range
    # with their recorders' organisations, 4 the user's organisation (navigation),
    # 5-7 the session renewed: SAVEPOINT, UPDATE, RELEASE.
    with django_assert_num_queries(7):
        response = client.get(PAGE, {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200
