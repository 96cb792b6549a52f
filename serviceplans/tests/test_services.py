"""Versions, the diff between versions, optimistic locking and bad input."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from serviceplans import services
from serviceplans.models import PlanAction, PlanGoal, ServicePlan
from serviceplans.tests.conftest import agree

pytestmark = pytest.mark.django_db


def test_agreeing_freezes_the_version_and_the_next_edit_starts_version_2(plan, alice, kaisa):
    agree(plan, alice)
    assert plan.status == ServicePlan.Status.AGREED
    with pytest.raises(services.InvalidTransition):
        services.add_goal(plan, by=alice, text="Uusi", domain="work")

    draft = services.start_plan_revision(plan, by=kaisa)
    assert (draft.version, draft.status) == (2, ServicePlan.Status.DRAFT)
    assert draft.goals.count() == 2 and draft.actions.count() == 2
    # Same lineage, new rows: the agreed version is untouched by edits of the draft.
    assert set(draft.goals.values_list("lineage", flat=True)) == set(
        plan.goals.values_list("lineage", flat=True)
    )
    assert services.start_plan_revision(plan, by=kaisa) == draft  # one draft at a time

    services.add_goal(draft, by=kaisa, text="Oma asunto", domain="housing")
    agree(draft, kaisa)
    plan.refresh_from_db()
    assert plan.status == ServicePlan.Status.CLOSED  # superseded
    assert plan.goals.count() == 2  # version 1 stays readable as it was
    assert draft.goals.count() == 3


def test_the_diff_shows_changed_fields_goals_and_actions(plan, alice, teemu):
    agree(plan, alice)
    draft = services.start_plan_revision(plan, by=alice)
    services.update_plan(
        draft,
        by=alice,
        lock_version=draft.lock_version,
        client_goals="Haluan päästä töihin leipomoon.",
        strengths=plan.strengths,
        assessment_summary=plan.assessment_summary,
        next_review_date=plan.next_review_date,
    )
    services.add_goal(draft, by=alice, text="Velat järjestykseen", domain="finances")
    services.remove_action(
        draft.actions.get(service_type="unemployed_health_check"),
        by=alice,
        reason="Ei enää tarpeen.",
    )

    diff = services.plan_diff(plan, draft)
    field_lines = diff["fields"][0]["lines"]
    assert ("-", "Haluan päästä töihin kahvilaan.") in field_lines
    assert ("+", "Haluan päästä töihin leipomoon.") in field_lines
    assert [row["change"] for row in diff["goals"]] == ["added"]
    assert "Velat järjestykseen" in diff["goals"][0]["lines"][0][1]
    assert [row["change"] for row in diff["actions"]] == ["removed"]


def test_a_stale_save_is_refused_and_nothing_is_overwritten(plan, alice, teemu):
    opened_at = plan.lock_version  # both open the form
    services.update_plan(plan, by=alice, lock_version=opened_at, client_goals="Alicen teksti")
    with pytest.raises(services.StaleEdit):
        services.update_plan(plan, by=teemu, lock_version=opened_at, client_goals="Teemun teksti")
    plan.refresh_from_db()
    assert plan.client_goals == "Alicen teksti"
    assert plan.lock_version == opened_at + 1


def test_bad_input_gives_field_errors_and_saves_nothing(plan, alice, today):
    with pytest.raises(ValidationError) as error:
        services.add_action(
            plan,
            by=alice,
            description="Jotain",
            service_type="work_trial",
            due_date=plan.created_at.date() - datetime.timedelta(days=3),
        )
    assert set(error.value.message_dict) == {"responsible_organization", "due_date"}
    with pytest.raises(ValidationError) as error:
        services.update_plan(
            plan,
            by=alice,
            lock_version=plan.lock_version,
            next_review_date=today - datetime.timedelta(days=1),
        )
    assert "next_review_date" in error.value.message_dict
    assert plan.actions.count() == 2
    agree(plan, alice)
    before = ServicePlan.objects.count()
    with pytest.raises(ValidationError):
        services.record_review(
            plan,
            by=alice,
            summary="",
            next_review_date=today - datetime.timedelta(days=1),
            progress={},
        )
    assert ServicePlan.objects.count() == before
    assert plan.reviews.count() == 0


def test_a_review_updates_the_goals_and_the_next_review_without_a_new_version(plan, alice, today):
    agree(plan, alice)
    versions = ServicePlan.objects.count()
    goals = list(plan.goals.all())
    review = services.record_review(
        plan,
        by=alice,
        summary="Työkokeilu alkanut hyvin.",
        next_review_date=today + datetime.timedelta(days=90),
        progress={goals[0]: ("achieved", "Paikka löytyi"), goals[1]: ("not_started", "")},
    )
    plan.refresh_from_db()
    assert ServicePlan.objects.count() == versions  # no draft started
    assert (plan.version, plan.status) == (1, ServicePlan.Status.AGREED)
    assert plan.next_review_date == today + datetime.timedelta(days=90)
    statuses = dict(plan.goals.values_list("pk", "status"))
    assert statuses[goals[0].pk] == PlanGoal.Status.ACHIEVED
    # A goal reviewed as not started shows not started, not "in progress".
    assert statuses[goals[1].pk] == PlanGoal.Status.NOT_STARTED
    assert review.progress.count() == 2 and review.plan == plan


@pytest.mark.parametrize(
    ("progress", "status"),
    [
        ("not_started", PlanGoal.Status.NOT_STARTED),
        ("progressing", PlanGoal.Status.IN_PROGRESS),
        ("achieved", PlanGoal.Status.ACHIEVED),
        ("stalled", PlanGoal.Status.NO_PROGRESS),
    ],
)
def test_each_progress_sets_the_goal_status_it_means(plan, alice, progress, status):
    agree(plan, alice)
    goal = plan.goals.first()
    services.record_review(
        plan, by=alice, summary="Arvio", next_review_date=None, progress={goal: (progress, "")}
    )
    goal.refresh_from_db()
    assert goal.status == status


def test_a_review_of_a_draft_is_refused(plan, alice):
    from django.utils import translation

    with pytest.raises(services.InvalidTransition) as refusal:
        services.record_review(plan, by=alice, summary="Arvio", next_review_date=None, progress={})
    with translation.override("en"):
        assert "version in force" in str(refusal.value)
    assert plan.reviews.count() == 0


def test_a_review_keeps_a_draft_being_written_in_step(plan, alice, today):
    agree(plan, alice)
    draft = services.start_plan_revision(plan, by=alice)
    goal = plan.goals.first()
    services.record_review(
        plan,
        by=alice,
        summary="Arvio",
        next_review_date=today + datetime.timedelta(days=30),
        progress={goal: ("achieved", "")},
    )
    draft.refresh_from_db()
    assert draft.next_review_date == today + datetime.timedelta(days=30)
    assert draft.goals.get(lineage=goal.lineage).status == PlanGoal.Status.ACHIEVED
    assert ServicePlan.objects.filter(network=plan.network).count() == 2


def test_revising_the_plan_starts_the_next_draft_version(plan, alice):
    agree(plan, alice)
    draft = services.start_plan_revision(plan, by=alice)
    plan.refresh_from_db()
    assert (draft.version, draft.status) == (2, ServicePlan.Status.DRAFT)
    assert plan.status == ServicePlan.Status.AGREED  # still in force until agreed


def test_a_network_decision_becomes_an_action_in_one_step(plan, network, kaisa, teemu, alice):
    from networks import services as network_services
    from networks.tests.factories import MeetingFactory

    meeting = MeetingFactory(
        network=network, starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    member = network.members.get(user=teemu)
    network_services.record_meeting_minutes(
        meeting,
        by=kaisa,
        attendees=[member],
        client_present=True,
        minutes="Sovittiin työkokeilusta.",
        decisions=[{"text": "Teemu selvittää IPS-valmennuksen", "responsible": member}],
    )
    decision = meeting.decisions.get()
    action = services.action_from_decision(decision, by=kaisa, service_type="ips_job_coaching")
    assert action.plan == plan
    assert (action.responsible_user, action.decision) == (teemu, decision)
    assert action.service_type == PlanAction.ServiceType.IPS_JOB_COACHING
