"""Work-ability assessments: bands, bad input, the client page's score over time, the
plan's "latest and change", the API and access ."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from clients import services
from clients.models import WorkAbilityAssessment, work_ability_band

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, "poor"), (5, "poor"), (6, "moderate"), (7, "moderate"), (8, "good"), (10, "good")],
)
def test_work_ability_bands(score, band):
    assert work_ability_band(score) == band


def test_score_outside_0_to_10_is_refused_with_field_errors(client_, alice):
    with pytest.raises(ValidationError) as error:
        services.record_assessment(client_, by=alice, kind="self", score=11, mental_wellbeing=-1)
    assert set(error.value.message_dict) == {"score", "mental_wellbeing"}
    assert not WorkAbilityAssessment.objects.exists()


def test_the_database_refuses_a_score_over_10(client_, alice):
    with pytest.raises(IntegrityError):
        WorkAbilityAssessment.objects.create(
            client=client_, assessed_by=alice, kind="self", score=12
        )


def test_the_client_page_shows_the_score_over_time_and_the_plan_the_change(
    client,
    plan,
    alice,
    today,
):
    services.record_assessment(
        plan.client, by=alice, kind="self", score=4, assessed_on=today - datetime.timedelta(days=90)
    )
    services.record_assessment(plan.client, by=alice, kind="multi_professional", score=6)
    client.force_login(alice)
    page = client.get(reverse("clients:client_detail", args=[plan.client.uuid])).content.decode()
    assert 'id="was-table"' in page and 'data-score="4"' in page and 'data-score="6"' in page
    assert "js/was_chart.js" in page
    response = client.get(reverse("serviceplans:plan_detail", args=[plan.uuid]))
    assert response.context["assessment"].score == 6
    assert response.context["assessment_change"] == 2


def test_record_an_assessment_on_the_page_and_bad_input(client, plan, alice, today):
    client.force_login(alice)
    url = reverse("clients:assessment_create", args=[plan.client.uuid])
    response = client.post(url, {"assessed_on": today.isoformat(), "kind": "self", "score": "15"})
    assert response.status_code == 400 and "score" in response.context["form"].errors
    response = client.post(
        url,
        {"assessed_on": today.isoformat(), "kind": "professional", "score": "7", "competence": "8"},
    )
    assert response.status_code == 302
    assert WorkAbilityAssessment.objects.get().band == "moderate"


def test_assessments_api_and_the_outsider(client, plan, alice, olli):
    url = f"/api/v1/clients/{plan.client.uuid}/assessments/"
    client.force_login(alice)
    bad = client.post(url, {"kind": "self", "score": 11}, content_type="application/json")
    assert bad.status_code == 400 and "score" in bad.json()
    good = client.post(url, {"kind": "self", "score": 8}, content_type="application/json")
    assert good.status_code == 201 and good.json()["band"] == "good"
    assert len(client.get(url).json()) == 1
    client.force_login(olli)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("clients:assessment_create", args=[plan.client.uuid])).status_code == 404
    )
