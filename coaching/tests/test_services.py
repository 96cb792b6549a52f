"""Services: legal moves, refused moves and bad input – with nothing saved half-way."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from clients.models import AccessLog
from coaching import services
from coaching.models import (
    EmployerContact,
    FidelityItemScore,
    FidelityReview,
    FollowAlongNote,
    JobStart,
    Referral,
)
from coaching.tests.factories import CoachFactory, TeamFactory
from coordination.models import ConsultationRequest
from coordination.tests.factories import ConsultationFactory
from inbox.models import InboxItem
from serviceplans.models import PlanAction

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


def _full_scores(value=3):
    return dict.fromkeys(range(1, 26), value)


# --- Referring and taking --------------------------------------------------------------


def test_refer_directly_records_the_source_and_waits(alice, client_, team):
    referral = services.refer(by=alice, client=client_, team=team, source="te_office")
    assert referral.status == Referral.Status.WAITING
    assert referral.source == "te_office"
    assert referral.referred_by == alice
    assert referral.coach is None
    assert AccessLog.objects.filter(
        user=alice, client=client_, action="create", object_kind="coaching_referral"
    ).exists()


def test_refer_twice_while_open_is_refused(waiting, alice, client_, team):
    with pytest.raises(ValidationError) as error:
        services.refer(by=alice, client=client_, team=team, source="other")
    assert "client" in error.value.message_dict
    assert Referral.objects.filter(client=client_).count() == 1


def test_refer_needs_a_team_and_a_source(alice, client_):
    with pytest.raises(ValidationError) as error:
        services.refer(by=alice, client=client_, team=None, source="nonsense")
    assert set(error.value.message_dict) == {"team", "source"}
    assert not Referral.objects.exists()


def test_refer_from_a_consultation_that_asked_for_job_coaching(alice, kaisa, team):
    consultation = ConsultationFactory(requester=alice, asked=["job_coaching"])
    referral = services.refer(
        by=kaisa,
        client=consultation.client,
        team=team,
        source=services.source_for(kaisa, consultation),
        consultation=consultation,
    )
    assert referral.consultation == consultation
    assert referral.source == Referral.Source.HEALTH_CARE  # alice's health centre


def test_refer_from_a_consultation_that_did_not_ask_is_refused(alice, kaisa, team):
    consultation = ConsultationFactory(
        requester=alice, asked=[ConsultationRequest.Asked.CONSULTATION]
    )
    with pytest.raises(ValidationError) as error:
        services.refer(
            by=kaisa, client=consultation.client, team=team, source="coordinator",
            consultation=consultation,
        )  # fmt: skip
    assert "consultation" in error.value.message_dict
    assert not Referral.objects.exists()


def _plan_action(kaisa, client, service_type):
    from networks import services as network_services
    from serviceplans import services as plan_services

    network = network_services.form_network(by=kaisa, client=client)
    plan = plan_services.create_plan(network, by=kaisa)
    return plan_services.add_action(
        plan,
        by=kaisa,
        description="Työhönvalmennus avoimille työmarkkinoille",
        service_type=service_type,
        responsible_name="Työhönvalmentaja",
    )


def test_refer_from_an_ips_plan_action(kaisa, client_, team):
    action = _plan_action(kaisa, client_, PlanAction.ServiceType.IPS_JOB_COACHING)
    referral = services.refer(
        by=kaisa, client=client_, team=team, source="coordinator", plan_action=action
    )
    assert referral.plan_action == action
    action.refresh_from_db()
    assert action.status == PlanAction.Status.IN_PROGRESS


def test_refer_from_another_kind_of_plan_action_is_refused(kaisa, client_, team):
    action = _plan_action(kaisa, client_, PlanAction.ServiceType.WORK_TRIAL)
    with pytest.raises(ValidationError) as error:
        services.refer(
            by=kaisa, client=client_, team=team, source="coordinator", plan_action=action
        )
    assert "plan_action" in error.value.message_dict


def test_a_coach_of_the_team_takes_a_waiting_referral(waiting, tuula):
    services.take_referral(waiting, by=tuula)
    waiting.refresh_from_db()
    assert waiting.status == Referral.Status.ACTIVE
    assert waiting.coach == tuula
    assert waiting.taken_on == timezone.localdate()


def test_taking_twice_is_refused(referral, ville):
    with pytest.raises(services.InvalidTransition):
        services.take_referral(referral, by=ville)
    referral.refresh_from_db()
    assert referral.coach.username == "tuula"


def test_a_coach_of_another_team_cannot_take(waiting):
    stranger = CoachFactory(organization=TeamFactory(name="Toinen tiimi"))
    with pytest.raises(services.InvalidTransition):
        services.take_referral(waiting, by=stranger)
    waiting.refresh_from_db()
    assert waiting.is_waiting


def test_a_professional_cannot_take(waiting, alice):
    with pytest.raises(services.InvalidTransition):
        services.take_referral(waiting, by=alice)


# --- Employer contacts -----------------------------------------------------------------


def test_record_an_employer_contact(referral, tuula, employer):
    contact = services.record_employer_contact(
        referral, by=tuula, employer=employer, kind="visit", outcome="introduced_client",
        hidden_job=True,
    )  # fmt: skip
    assert contact.coach == tuula
    assert contact.hidden_job
    assert list(services.recent_contacts_with(employer)) == [contact]


def test_an_employer_contact_for_a_client_not_in_the_caseload_is_refused(referral, ville, employer):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.record_employer_contact(
            referral, by=ville, employer=employer, kind="phone", outcome="no_vacancy"
        )
    assert "not in your caseload" in " ".join(error.value.message_dict["referral"])
    assert not EmployerContact.objects.exists()


def test_an_employer_contact_for_a_waiting_referral_is_refused(waiting, tuula, employer):
    with pytest.raises(ValidationError) as error:
        services.record_employer_contact(
            waiting, by=tuula, employer=employer, kind="phone", outcome="no_vacancy"
        )
    assert "referral" in error.value.message_dict


def test_an_employer_contact_needs_an_employer(referral, tuula, team):
    with pytest.raises(ValidationError) as error:
        services.record_employer_contact(
            referral, by=tuula, employer=team, kind="phone", outcome="no_vacancy"
        )
    assert "employer" in error.value.message_dict
    assert not EmployerContact.objects.exists()


def test_contacts_older_than_a_week_are_not_recent(referral, tuula, employer):
    referral.referred_on = timezone.localdate() - datetime.timedelta(days=30)
    referral.save()
    services.record_employer_contact(
        referral, by=tuula, employer=employer, kind="phone", outcome="no_vacancy",
        contacted_on=timezone.localdate() - datetime.timedelta(days=7),
    )  # fmt: skip
    assert not services.recent_contacts_with(employer).exists()
    services.record_employer_contact(
        referral, by=tuula, employer=employer, kind="phone", outcome="no_vacancy",
        contacted_on=timezone.localdate() - datetime.timedelta(days=6),
    )  # fmt: skip
    assert services.recent_contacts_with(employer).count() == 1


# --- Job starts ------------------------------------------------------------------------


def test_a_job_start_moves_to_follow_along_and_prompts_the_network(
    referral, tuula, employer, network, kaisa
):
    job = services.record_job_start(
        referral, by=tuula, employer=employer, started_on=timezone.localdate(),
        hours_per_week="25.5", open_labour_market=True, modifications="Lyhyemmät työpäivät",
    )  # fmt: skip
    referral.refresh_from_db()
    assert referral.status == Referral.Status.FOLLOW_ALONG
    assert job.hours_per_week == Decimal("25.5")
    reminder = InboxItem.objects.get(kind="job_start")
    assert reminder.recipient == kaisa
    assert reminder.url == f"/networks/{network.uuid}/meetings/new/"
    assert job.prompt["network"] == network


def test_a_job_start_without_a_network_prompts_nobody(referral, tuula, employer):
    job = services.record_job_start(
        referral, by=tuula, employer=employer, started_on=timezone.localdate(), hours_per_week=10
    )
    assert job.prompt is None
    assert not InboxItem.objects.filter(kind="job_start").exists()


def test_a_job_start_before_the_referral_is_refused(referral, tuula, employer):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.record_job_start(
            referral, by=tuula, employer=employer,
            started_on=referral.referred_on - datetime.timedelta(days=1), hours_per_week=20,
        )  # fmt: skip
    assert "before the referral" in error.value.message_dict["started_on"][0]
    assert not JobStart.objects.exists()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACTIVE


@pytest.mark.parametrize("hours", [0, -5, "-0.5", "abc", 100])
def test_a_job_start_needs_positive_hours(referral, tuula, employer, hours):
    with pytest.raises(ValidationError) as error:
        services.record_job_start(
            referral, by=tuula, employer=employer, started_on=timezone.localdate(),
            hours_per_week=hours,
        )  # fmt: skip
    assert list(error.value.message_dict) == ["hours_per_week"]
    assert not JobStart.objects.exists()


def test_only_the_coach_records_a_job_start(referral, ville, nina, network, employer):
    for user in (ville, nina):
        with pytest.raises(services.InvalidTransition):
            services.record_job_start(
                referral, by=user, employer=employer, started_on=timezone.localdate(),
                hours_per_week=20,
            )  # fmt: skip
    assert not JobStart.objects.exists()


def test_ending_the_only_job_returns_to_job_search(referral, tuula, employer):
    job = services.record_job_start(
        referral, by=tuula, employer=employer, started_on=timezone.localdate(), hours_per_week=20
    )
    with pytest.raises(ValidationError) as error:
        services.end_job(
            job, by=tuula, ended_on=job.started_on - datetime.timedelta(days=1),
            end_reason="fixed_term_ended",
        )  # fmt: skip
    assert "ended_on" in error.value.message_dict
    services.end_job(job, by=tuula, ended_on=job.started_on, end_reason="fixed_term_ended")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACTIVE
    with pytest.raises(services.InvalidTransition):
        services.end_job(job, by=tuula, ended_on=job.started_on, end_reason="other")


# --- Follow-along, profile, benefits, ending -------------------------------------------


def test_follow_along_notes_after_a_job_start(referral, tuula, employer):
    with pytest.raises(ValidationError):
        services.add_follow_along_note(referral, by=tuula, text="Soitto työnantajalle")
    job = services.record_job_start(
        referral, by=tuula, employer=employer, started_on=timezone.localdate(), hours_per_week=20
    )
    note = services.add_follow_along_note(
        referral, by=tuula, text="Ensimmäinen viikko sujui", job_start=job
    )
    assert note.author == tuula
    assert FollowAlongNote.objects.count() == 1


def test_vocational_profile_and_benefits_counselling(referral, tuula):
    profile = services.save_vocational_profile(
        referral, by=tuula, preferences="Kaupan ala, aamuvuorot", disclosure="Ei diagnooseja",
        agreed_with_client_on=timezone.localdate(),
    )  # fmt: skip
    assert profile.referral == referral
    services.save_vocational_profile(referral, by=tuula, strengths="Täsmällinen")
    profile.refresh_from_db()
    assert profile.strengths == "Täsmällinen"
    with pytest.raises(ValidationError):
        services.record_benefits_counselling(
            referral, by=tuula, done_on=timezone.localdate() + datetime.timedelta(days=1)
        )
    services.record_benefits_counselling(
        referral, by=tuula, done_on=timezone.localdate(), notes="Soviteltu päiväraha"
    )
    referral.refresh_from_db()
    assert referral.benefits_counselling_on == timezone.localdate()


def test_end_with_a_reason_then_refer_again(referral, tuula, alice, client_, team):
    with pytest.raises(ValidationError) as error:
        services.end_referral(referral, by=tuula, reason="")
    assert "end_reason" in error.value.message_dict
    services.end_referral(referral, by=tuula, reason=Referral.EndReason.STUDIES)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ENDED
    assert referral.ended_on == timezone.localdate()
    with pytest.raises(services.InvalidTransition):
        services.end_referral(referral, by=tuula, reason="other")
    with pytest.raises(services.InvalidTransition):
        services.save_vocational_profile(referral, by=tuula, strengths="x")
    again = services.refer(by=alice, client=client_, team=team, source="health_care")
    assert again.is_waiting


def test_a_network_member_cannot_end(referral, nina, network):
    with pytest.raises(services.InvalidTransition):
        services.end_referral(referral, by=nina, reason="other")


# --- Fidelity --------------------------------------------------------------------------


def test_save_a_fidelity_review(tuula, team):
    scores = _full_scores(4)
    scores[1] = 5
    review = services.save_fidelity_review(
        by=tuula, team=team, reviewed_on=timezone.localdate(), scores=scores
    )
    assert review.total == 101
    assert review.band == "good"
    assert review.scores.count() == 25


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({7: None}, "item_7"),
        ({7: 0}, "item_7"),
        ({25: 6}, "item_25"),
        ({3: "x"}, "item_3"),
        ({3: 2.5}, "item_3"),
        ({26: 3}, "scores"),
    ],
)
def test_a_fidelity_review_refuses_bad_items(tuula, team, change, field):
    scores = _full_scores()
    for item, value in change.items():
        if value is None:
            del scores[item]
        else:
            scores[item] = value
    with pytest.raises(ValidationError) as error:
        services.save_fidelity_review(
            by=tuula, team=team, reviewed_on=timezone.localdate(), scores=scores
        )
    assert field in error.value.message_dict
    assert not FidelityReview.objects.exists()
    assert not FidelityItemScore.objects.exists()


def test_a_coach_reviews_only_their_own_team(tuula):
    with pytest.raises(services.InvalidTransition):
        services.save_fidelity_review(
            by=tuula, team=TeamFactory(name="Muu tiimi"), reviewed_on=TODAY(),
            scores=_full_scores(),
        )  # fmt: skip
