"""Database constraints on PostgreSQL, the fidelity bands at their boundaries, and the job
coach as a professional."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from coaching.models import (
    FidelityBand,
    FidelityItemScore,
    FidelityReview,
    JobStart,
    Referral,
    fidelity_band,
)
from coaching.tests.factories import (
    CoachFactory,
    EmployerFactory,
    JobStartFactory,
    ReferralFactory,
    TeamFactory,
)
from coordination.models import User

pytestmark = pytest.mark.django_db


def _refused(**create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create.pop("model").objects.create(**create)


def test_one_open_referral_per_client():
    first = ReferralFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralFactory(client=first.client)
    # Once the first has ended, a new referral is fine.
    first.status = Referral.Status.ENDED
    first.ended_on = timezone.localdate()
    first.end_reason = Referral.EndReason.STUDIES
    first.save()
    assert ReferralFactory(client=first.client).is_open


def test_a_taken_referral_has_a_coach_and_an_ended_one_a_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralFactory(coach=None, team=TeamFactory(), taken_on=None)  # active, no coach
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralFactory(status=Referral.Status.ENDED, ended_on=timezone.localdate())


def test_a_referral_has_no_eligibility_field():
    """Zero exclusion: nothing on the referral screens a client out."""
    names = {field.name for field in Referral._meta.get_fields()}
    assert not {name for name in names if "eligib" in name or "criteria" in name}


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("-5")])
def test_hours_per_week_must_be_positive(hours):
    with pytest.raises(IntegrityError), transaction.atomic():
        JobStartFactory(hours_per_week=hours)


def test_a_job_cannot_end_before_it_started():
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        JobStartFactory(
            started_on=today,
            ended_on=today - datetime.timedelta(days=1),
            end_reason=JobStart.EndReason.OTHER,
        )
    job = JobStartFactory(started_on=today, ended_on=today, end_reason=JobStart.EndReason.OTHER)
    assert job.pk


def _review(total=75):
    team = TeamFactory()
    return FidelityReview.objects.create(
        team=team, reviewed_by=CoachFactory(organization=team), total=total
    )


@pytest.mark.parametrize("score", [0, 6])
def test_a_fidelity_score_is_1_to_5(score):
    review = _review()
    with pytest.raises(IntegrityError), transaction.atomic():
        FidelityItemScore.objects.create(review=review, item=1, score=score)


@pytest.mark.parametrize("item", [0, 26])
def test_a_fidelity_item_is_1_to_25(item):
    review = _review()
    with pytest.raises(IntegrityError), transaction.atomic():
        FidelityItemScore.objects.create(review=review, item=item, score=3)


def test_a_fidelity_item_is_scored_once_per_review():
    review = _review()
    FidelityItemScore.objects.create(review=review, item=1, score=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        FidelityItemScore.objects.create(review=review, item=1, score=4)


@pytest.mark.parametrize("total", [24, 126])
def test_a_fidelity_total_is_25_to_125(total):
    with pytest.raises(IntegrityError), transaction.atomic():
        _review(total)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (25, FidelityBand.NOT_SUPPORTED_EMPLOYMENT),
        (73, FidelityBand.NOT_SUPPORTED_EMPLOYMENT),
        (74, FidelityBand.FAIR),
        (99, FidelityBand.FAIR),
        (100, FidelityBand.GOOD),
        (114, FidelityBand.GOOD),
        (115, FidelityBand.EXEMPLARY),
        (125, FidelityBand.EXEMPLARY),
    ],
)
def test_fidelity_band_at_the_boundaries(total, band):
    assert fidelity_band(total) == band


def test_a_job_coach_is_a_professional():
    coach = CoachFactory()
    assert coach.is_job_coach
    assert coach.is_professional
    assert not coach.is_coordinator
    from django.utils import translation

    with translation.override("en"):  # the catalogues are compiled: Finnish by default
        assert str(User.Role.JOB_COACH.label) == "Job coach"


def test_the_network_member_picker_offers_job_coaches():
    from networks.forms import professionals

    coach = CoachFactory(first_name="Tuula")
    assert coach in professionals("Tuula")


def test_an_employer_is_an_organisation_of_kind_employer():
    assert EmployerFactory().kind == "employer"
