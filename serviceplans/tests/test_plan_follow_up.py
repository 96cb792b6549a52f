"""Plans that follow the work: editing an action (locking, history, due-date rule), the
review on the version in force, "Revise the plan", the version in force on every plan
page, a decision made an action only with a chosen service, and the same in the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.models import AccessLog
from networks import services as network_services
from networks.tests.factories import MeetingFactory
from serviceplans import services
from serviceplans.models import PlanAction, PlanChange, PlanGoal, ServicePlan
from serviceplans.tests.conftest import agree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    """The pages in English, so that the texts the tests look for are the msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def plan_url(plan):
    return reverse("serviceplans:plan_detail", args=[plan.uuid])


def edit_url(action):
    return reverse("serviceplans:action_edit", args=[action.uuid])


def _work_trial(plan):
    return plan.actions.get(service_type=PlanAction.ServiceType.WORK_TRIAL)


def _form(action, **changes):
    data = {
        "edit-lock_version": action.lock_version,
        "edit-description": action.description,
        "edit-service_type": action.service_type,
        "edit-responsible_organization": action.responsible_organization.pk
        if action.responsible_organization_id
        else "",
        "edit-responsible_user": action.responsible_user.pk if action.responsible_user_id else "",
        "edit-responsible_name": action.responsible_name,
        "edit-due_date": action.due_date.isoformat() if action.due_date else "",
    }
    data.update({f"edit-{name}": value for name, value in changes.items()})
    return data


# --- Editing an action -----------------------------------------------------------------


def test_editing_an_action_records_who_when_and_each_field_before_and_after(
    plan, alice, kaisa, today
):
    action = _work_trial(plan)
    old_due = action.due_date
    new_due = today + datetime.timedelta(days=40)
    edited, _changed = services.edit_action(
        action,
        by=kaisa,
        lock_version=action.lock_version,
        description="Työkokeilupaikan etsiminen leipomosta",
        due_date=new_due,
        responsible_user=alice,
    )
    edited.refresh_from_db()
    assert (edited.description, edited.due_date, edited.responsible_user) == (
        "Työkokeilupaikan etsiminen leipomosta",
        new_due,
        alice,
    )
    assert edited.lock_version == 1
    change = PlanChange.objects.get(plan=plan)
    assert (change.changed_by, change.kind, change.subject) == (
        kaisa,
        PlanChange.Kind.ACTION_EDITED,
        action.lineage,
    )
    fields = {item["field"]: (item["before"], item["after"]) for item in change.fields}
    assert fields["description"] == (
        "Työkokeilupaikan etsiminen",
        "Työkokeilupaikan etsiminen leipomosta",
    )
    assert fields["due_date"] == (
        f"{old_due.day}.{old_due.month}.{old_due.year}",
        f"{new_due.day}.{new_due.month}.{new_due.year}",
    )
    assert fields["responsible_user"][1] == str(alice)
    # The organisation was the previous person's own: it follows the new person.
    assert edited.responsible_organization == alice.organization
    assert fields["responsible_organization"][1] == str(alice.organization)
    assert "service_type" not in fields  # unchanged fields are not on the history
    assert [c.pk for c in services.plan_history(plan)] == [change.pk]


def test_handing_an_action_to_another_person_announces_it_to_them(plan, alice, kaisa):
    from common import inbox

    heard = []

    def receiver(sender, announcement, **kwargs):
        heard.append(announcement)

    inbox.announced.connect(receiver)
    try:
        action = _work_trial(plan)
        services.edit_action(action, by=kaisa, lock_version=0, responsible_user=alice)
        services.edit_action(action, by=kaisa, lock_version=1, description="Vain teksti")
    finally:
        inbox.announced.disconnect(receiver)
    assert [(a.recipient_id, a.kind) for a in heard] == [(alice.pk, "action_assigned")]
    assert "Matti" not in heard[0].text


def test_a_stale_action_edit_is_refused_and_nothing_is_saved(plan, alice, kaisa):
    action = _work_trial(plan)
    opened_at = action.lock_version
    services.edit_action(action, by=alice, lock_version=opened_at, description="Ensimmäinen")
    stale_copy = PlanAction.objects.get(pk=action.pk)
    with pytest.raises(services.StaleActionEdit) as refusal:
        services.edit_action(stale_copy, by=kaisa, lock_version=opened_at, description="Toinen")
    assert refusal.value.current_version == opened_at + 1
    action.refresh_from_db()
    assert action.description == "Ensimmäinen"
    assert PlanChange.objects.count() == 1


def test_an_action_cannot_be_due_before_the_plan_started(plan, alice):
    action = _work_trial(plan)
    started = timezone.localdate(plan.created_at)
    with pytest.raises(ValidationError) as error:
        services.edit_action(
            action,
            by=alice,
            lock_version=action.lock_version,
            due_date=started - datetime.timedelta(days=1),
        )
    assert "due_date" in error.value.message_dict
    action.refresh_from_db()
    assert action.due_date != started - datetime.timedelta(days=1)
    assert action.lock_version == 0 and not PlanChange.objects.exists()


def test_an_action_of_the_plan_in_force_is_edited_and_its_draft_copy_follows(plan, alice, today):
    agree(plan, alice)
    draft = services.start_plan_revision(plan, by=alice)
    action = _work_trial(plan)
    copy = draft.actions.get(lineage=action.lineage)
    new_due = today + datetime.timedelta(days=21)
    services.edit_action(action, by=alice, lock_version=action.lock_version, due_date=new_due)
    copy.refresh_from_db()
    plan.refresh_from_db()
    assert copy.due_date == new_due
    assert plan.status == ServicePlan.Status.AGREED


def test_the_edit_page_saves_and_shows_the_change_on_the_plan_history(client, plan, kaisa):
    action = _work_trial(plan)
    client.force_login(kaisa)
    page = client.get(edit_url(action))
    assert page.status_code == 200
    assert AccessLog.objects.filter(user=kaisa, object_kind="plan_action").exists()
    response = client.post(edit_url(action), _form(action, description="Leipomon työkokeilu"))
    assert response.status_code == 302
    detail = client.get(plan_url(plan)).content.decode()
    assert "Leipomon työkokeilu" in detail
    assert 'class="border rounded p-2 mb-2 plan-change"' in detail
    assert "Työkokeilupaikan etsiminen" in detail  # the "before" on the history


def test_the_edit_page_keeps_the_changes_on_a_stale_save(client, plan, alice, kaisa):
    action = _work_trial(plan)
    form = _form(action, description="Minun muutokseni")
    services.edit_action(action, by=alice, lock_version=0, description="Alicen muutos")
    client.force_login(kaisa)
    response = client.post(edit_url(action), form)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Minun muutokseni" in body and "Alicen muutos" in body
    assert 'id="stale-warning"' in body


def test_the_edit_page_shows_the_due_date_error_next_to_the_field(client, plan, kaisa):
    action = _work_trial(plan)
    client.force_login(kaisa)
    before = timezone.localdate(plan.created_at) - datetime.timedelta(days=3)
    response = client.post(edit_url(action), _form(action, due_date=before.isoformat()))
    assert response.status_code == 400
    assert "The due date cannot be before the plan was made." in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 200), ("kaisa", 200), ("olli", 404), ("eero", 404), ("ylva", 404)],
    indirect=["persona"],
)
def test_the_edit_page_access(client, plan, persona, expected):
    client.force_login(persona)
    assert client.get(edit_url(_work_trial(plan))).status_code == expected


def test_the_api_edits_an_action_with_locking_and_history(client, plan, kaisa, today):
    action = _work_trial(plan)
    url = f"/api/v1/plans/{plan.uuid}/actions/{action.uuid}/"
    client.force_login(kaisa)
    # Without the version it was read at: 400.
    assert (
        client.patch(url, {"description": "X"}, content_type="application/json").status_code == 400
    )
    response = client.patch(
        url,
        {"lock_version": 0, "description": "Uusi kuvaus", "service_type": "education"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["lock_version"] == 1
    assert response.json()["service_type"] == "education"
    stale = client.patch(
        url, {"lock_version": 0, "description": "Vanha"}, content_type="application/json"
    )
    assert stale.status_code == 409
    bad = client.patch(
        url,
        {
            "lock_version": 1,
            "due_date": (plan.created_at.date() - datetime.timedelta(days=5)).isoformat(),
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "due_date" in bad.json()
    history = client.get(f"/api/v1/plans/{plan.uuid}/history/").json()
    assert [item["kind"] for item in history] == ["action_edited"]
    assert {f["field"] for f in history[0]["fields"]} == {"description", "service_type"}


# --- Reviews, revising, the version in force --------------------------------------------


def _review_form(plan, **progress):
    goals = list(plan.goals.all())
    data = {
        "review-reviewed_on": timezone.localdate().isoformat(),
        "review-summary": "Arvioitiin yhdessä.",
        "review-next_review_date": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
    }
    for goal in goals:
        data[f"review-progress_{goal.pk}"] = progress.get(str(goal.position), "progressing")
        data[f"review-note_{goal.pk}"] = ""
    return data


def test_a_review_from_the_page_keeps_the_version_in_force(client, plan, alice):
    agree(plan, alice)
    client.force_login(alice)
    response = client.post(
        reverse("serviceplans:review_add", args=[plan.uuid]),
        _review_form(plan, **{"1": "not_started"}),
    )
    assert response.status_code == 302 and response.url.startswith(plan_url(plan))
    plan.refresh_from_db()
    assert ServicePlan.objects.filter(network=plan.network).count() == 1
    assert plan.status == ServicePlan.Status.AGREED
    assert plan.next_review_date == timezone.localdate() + datetime.timedelta(days=60)
    assert plan.goals.get(position=1).status == PlanGoal.Status.NOT_STARTED
    page = client.get(plan_url(plan)).content.decode()
    assert 'id="in-force-badge"' in page and "Not started" in page


def test_a_review_of_a_draft_from_the_api_is_refused_with_a_clear_error(client, plan, alice):
    client.force_login(alice)
    response = client.post(
        f"/api/v1/plans/{plan.uuid}/reviews/",
        {"summary": "Arvio", "goals": []},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "version in force" in response.content.decode()


def test_a_review_from_the_api_returns_the_review_and_starts_no_version(client, plan, alice):
    agree(plan, alice)
    goal = plan.goals.first()
    client.force_login(alice)
    response = client.post(
        f"/api/v1/plans/{plan.uuid}/reviews/",
        {"summary": "Arvio", "goals": [{"goal": str(goal.uuid), "progress": "achieved"}]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["plan_version"] == 1
    assert ServicePlan.objects.filter(network=plan.network).count() == 1
    detail = client.get(f"/api/v1/plans/{plan.uuid}/").json()
    assert detail["status"] == "agreed"
    assert [g["status"] for g in detail["goals"] if g["id"] == str(goal.uuid)] == ["achieved"]


def test_revise_the_plan_starts_a_new_draft_and_the_pages_say_which_version_is_in_force(
    client, plan, alice
):
    agree(plan, alice)
    client.force_login(alice)
    page = client.get(plan_url(plan)).content.decode()
    assert 'id="revise-button"' in page and "Revise the plan" in page
    response = client.post(reverse("serviceplans:plan_revise", args=[plan.uuid]))
    draft = ServicePlan.objects.get(network=plan.network, status=ServicePlan.Status.DRAFT)
    assert response.url == plan_url(draft) and draft.version == 2
    draft_page = client.get(plan_url(draft)).content.decode()
    assert 'id="draft-badge"' in draft_page
    assert "Version 1 is in force." in draft_page
    in_force_page = client.get(plan_url(plan)).content.decode()
    assert 'id="in-force-badge"' in in_force_page and 'id="open-draft"' in in_force_page
    compare = client.get(reverse("serviceplans:plan_compare", args=[draft.uuid])).content.decode()
    assert "Version 1 is in force." in compare


# --- A decision becomes an action ----------------------------------------------------------


@pytest.fixture
def decision(network, kaisa, teemu):
    meeting = MeetingFactory(
        network=network, starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    member = network.members.get(user=teemu)
    network_services.record_meeting_minutes(
        meeting,
        by=kaisa,
        attendees=[member],
        minutes="Sovittiin.",
        decisions=[{"text": "Velkaneuvontaan ajanvaraus", "responsible": member}],
    )
    return meeting.decisions.get()


def test_a_decision_without_a_chosen_service_is_not_made_an_action(client, decision, kaisa):
    url = reverse("serviceplans:decision_to_action", args=[decision.uuid])
    client.force_login(kaisa)
    response = client.post(url, {"service_type": ""}, follow=True)
    assert "Choose the service" in response.content.decode()
    assert not PlanAction.objects.filter(decision=decision).exists()
    assert not ServicePlan.objects.filter(network=decision.meeting.network).exists()
    with pytest.raises(ValidationError):
        services.action_from_decision(decision, by=kaisa, service_type="")


def test_the_decision_form_has_no_default_service_and_says_a_draft_plan_is_started(
    client, decision, kaisa
):
    client.force_login(kaisa)
    page = client.get(
        reverse("networks:meeting_detail", args=[decision.meeting.uuid])
    ).content.decode()
    assert '<option value="" selected>' in page
    assert 'value="ips_job_coaching" selected' not in page
    assert "a draft plan will be started" in page
    response = client.post(
        reverse("serviceplans:decision_to_action", args=[decision.uuid]),
        {"service_type": "debt_counselling"},
        follow=True,
    )
    plan = ServicePlan.objects.get(network=decision.meeting.network)
    assert plan.is_draft and plan.actions.get().service_type == "debt_counselling"
    assert "A draft service plan has been started" in response.content.decode()


# --- The work-ability domains -------------------------------------------------------------


def _assess(client_, by, day, score, **domains):
    from clients.models import WorkAbilityAssessment

    return WorkAbilityAssessment.objects.create(
        client=client_, assessed_by=by, assessed_on=day, kind="self", score=score, **domains
    )


def test_the_domains_of_each_assessment_and_their_trend_are_shown(client, plan, alice, kaisa):
    from clients.assessments import domain_trend

    today = timezone.localdate()
    previous = _assess(
        plan.client, alice, today - datetime.timedelta(days=90), 5,
        physical_functioning=6, mental_wellbeing=3, competence=7,
    )  # fmt: skip
    latest = _assess(
        plan.client, alice, today, 7,
        physical_functioning=6, mental_wellbeing=6, competence=5, work_environment=8,
    )  # fmt: skip
    trend = {row["key"]: row for row in domain_trend(latest, previous)}
    assert (trend["mental_wellbeing"]["previous"], trend["mental_wellbeing"]["latest"]) == (3, 6)
    assert trend["mental_wellbeing"]["change"] == 3
    assert trend["competence"]["change"] == -2
    assert trend["work_environment"]["change"] is None  # not rated before
    assert len(trend) == 7

    client.force_login(kaisa)
    plan_page = client.get(plan_url(plan)).content.decode()
    assert 'id="domain-trend"' in plan_page
    assert "Mental wellbeing" in plan_page and "+3" in plan_page and "-2" in plan_page
    client_page = client.get(reverse("clients:client_detail", args=[plan.client.uuid]))
    body = client_page.content.decode()
    assert 'id="domain-table"' in body
    # Seven domain rows, one column per assessment.
    assert body.count('class="domain-row"') == 7
    assert 'data-domain="work_environment"' in body


def test_no_domain_table_when_no_domain_was_rated(client, plan, kaisa):
    _assess(plan.client, kaisa, timezone.localdate(), 6)
    client.force_login(kaisa)
    assert 'id="domain-trend"' not in client.get(plan_url(plan)).content.decode()
    page = client.get(reverse("clients:client_detail", args=[plan.client.uuid])).content.decode()
    assert 'id="domain-table"' not in page
