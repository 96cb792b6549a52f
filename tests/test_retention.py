"""Retention: `purge_expired` anonymises the clients whose last activity is
older than CLIENT_RETENTION_YEARS, across every app, keeps every row, leaves the access
log alone, changes nothing on a second run, and leaves every dashboard number – page,
API summary and CSV – exactly as it was."""

import datetime
import io

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import translation

from clients.models import AccessLog, Client, WorkAbilityAssessment
from clients.retention import ANONYMISED, expired_clients, purge_expired
from clients.services import record_assessment
from clients.tests.factories import ClientFactory, ConsentFactory
from coaching.models import Referral
from coordination import services as consultation_services
from coordination.models import ConsultationAnswer, ConsultationRequest, Feedback
from coordination.tests.factories import ConsultationFactory
from metrics.filters import HELSINKI, Filters
from metrics.summary import build_summary
from metrics.tests.dataset import build_dataset
from metrics.tests.ips_dataset import build_ips_dataset, contact, health_check, ips_people
from metrics.tests.ips_dataset import job_start as start_job
from metrics.tests.ips_dataset import referral as make_referral
from metrics.views import _csv
from networks import services as network_services
from networks.models import ClientNetwork, MeetingDecision, NetworkMeeting, NetworkMember
from networks.tests.factories import network_consent
from serviceplans import services as plan_services
from serviceplans.models import PlanAction, PlanDocument, PlanGoal, PlanReview, ServicePlan

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=HELSINKI
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CLIENT_RETENTION_YEARS = 12


def whole_case(alice, kaisa, health_centre):
    """Matti's whole story in spring 2026: a consultation answered, with feedback, and
    closed; a network with a close person, a meeting with minutes and a decision; an
    agreed plan with a goal, an action, a review and a PDF; an assessment; the network
    closed."""
    with time_machine.travel(at("2026-03-02"), tick=False):
        matti = ClientFactory(
            first_name="Matti", last_name="Meikäläinen", personal_identity_code="131052-308T",
            phone="040 123 4567", email="matti@example.fi", address="Tuirantie 1",
            created_by=alice,
        )  # fmt: skip
        request = ConsultationFactory(
            requester=alice, client=matti, description="Matin selkä ja mieliala"
        )
        consultation_services.answer_consultation(
            request, by=kaisa, advice="Verkosto Matille", next_step="Soita Matille"
        )
        consultation_services.give_feedback(request, by=alice, usefulness=4, text="Matti kiittää")
        consultation_services.close_consultation(
            request, by=kaisa, outcome="network_formed", note="Matti ok"
        )
        network = network_services.form_network(by=kaisa, client=matti)
        network_consent(matti, [health_centre], kaisa)
        network_services.add_network_member(
            network, by=kaisa, user=alice, role=NetworkMember.Role.RESPONSIBLE_WORKER
        )
        network_services.add_network_member(
            network, by=kaisa, role=NetworkMember.Role.CLOSE_PERSON, name="Maija Meikäläinen",
            phone="040 765 4321", email="maija@example.fi",
        )  # fmt: skip
        meeting = network_services.schedule_meeting(
            network, by=kaisa, starts_at=at("2026-03-04"), location="Tuiran sote-keskus",
            agenda="Matin tilanne",
        )  # fmt: skip
        record_assessment(
            matti, by=alice, kind=WorkAbilityAssessment.Kind.PROFESSIONAL, score=5,
            assessed_on=datetime.date(2026, 3, 2), narrative="Matti väsyy iltapäivisin",
        )  # fmt: skip
    with time_machine.travel(at("2026-03-05"), tick=False):
        network_services.record_meeting_minutes(
            meeting, by=kaisa, minutes="Matti kertoi kahvilasta", client_present=True,
            decisions=[{"text": "Matti soittaa kahvilaan", "responsible": None, "due_date": None}],
        )  # fmt: skip
        plan = plan_services.create_plan(network, by=alice)
        plan_services.update_plan(
            plan, by=alice, lock_version=plan.lock_version,
            client_goals="Haluan töihin Matin kahvilaan", strengths="Matti on sosiaalinen",
        )  # fmt: skip
        goal = plan_services.add_goal(
            plan, by=alice, text="Työkokeilu", domain=PlanGoal.Domain.WORK
        )
        plan_services.add_action(
            plan, by=alice, goal=goal, description="Työkokeilu Matin kahvilassa",
            service_type=PlanAction.ServiceType.WORK_TRIAL, responsible_name="Matin äiti",
        )  # fmt: skip
        plan.refresh_from_db()
        plan = plan_services.agree_plan(
            plan, by=alice, lock_version=plan.lock_version, method="in_meeting", note="Matti ok"
        )
        PlanDocument.objects.create(
            plan=plan, requested_by=alice, status="ready", sha256="0" * 64,
            file=ContentFile(b"%PDF Matti", name="plan.pdf"),
        )  # fmt: skip
    with time_machine.travel(at("2026-04-01"), tick=False):
        plan_services.record_review(
            plan, by=alice, summary="Matti on edistynyt", next_review_date=None,
            progress={goal: ("progressing", "Matti aloitti")},
        )  # fmt: skip
    with time_machine.travel(at("2026-05-01"), tick=False):
        network.refresh_from_db()
        network_services.close_network(network, by=kaisa, reason="employed", note="Matti töissä")
    return matti


def test_only_expired_clients_are_anonymised(
    alice, kaisa, health_centre, django_capture_on_commit_callbacks
):
    matti = whole_case(alice, kaisa, health_centre)
    pdf = PlanDocument.objects.get(plan__client=matti).file
    pdf_name, storage = pdf.name, pdf.storage
    assert storage.exists(pdf_name)
    with time_machine.travel(at("2026-03-01"), tick=False):
        # Recent: created long ago, but a consent given in 2030 is activity.
        recent = ClientFactory(first_name="Riikka", last_name="Recent")
        # Open: an open consultation keeps the client, however old.
        waiting = ConsultationFactory(requester=alice).client
    with time_machine.travel(at("2030-06-01"), tick=False):
        ConsentFactory(client=recent, recorded_by=kaisa)
    logged = AccessLog.objects.filter(client=matti).count()
    assert logged > 0

    # Twelve years after the network closed (1 May 2026): not yet on 30 April 2038.
    with time_machine.travel(at("2038-04-30"), tick=False):
        assert not expired_clients().exists()
        assert purge_expired().anonymised == 0
    with (
        time_machine.travel(at("2038-05-02"), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert list(expired_clients()) == [matti]
        result = purge_expired(batch_size=1)
    assert (result.expired, result.anonymised) == (1, 1)

    matti.refresh_from_db()
    assert matti.anonymized_at is not None
    assert (matti.first_name, matti.last_name, matti.personal_identity_code) == ("", "", None)
    assert (matti.phone, matti.email, matti.address) == ("", "", "")
    assert matti.date_of_birth == datetime.date(1952, 1, 1)
    assert matti.municipality == "564"
    with translation.override("en"):
        assert str(matti) == "Anonymised client"
    request = ConsultationRequest.objects.get(client=matti)
    assert (request.description, request.outcome_note) == (ANONYMISED, "")
    answer = ConsultationAnswer.objects.get(request=request)
    assert (answer.advice, answer.next_step) == (ANONYMISED, "")
    assert Feedback.objects.get(request=request).text == ""
    assert Feedback.objects.get(request=request).usefulness == 4
    assessment = WorkAbilityAssessment.objects.get(client=matti)
    assert (assessment.narrative, assessment.score) == ("", 5)
    network = ClientNetwork.objects.get(client=matti)
    assert (network.closure_note, network.closure_reason) == ("", "employed")
    outsider = NetworkMember.objects.get(network=network, user__isnull=True)
    assert (outsider.name, outsider.phone, outsider.email) == (ANONYMISED, "", "")
    assert NetworkMember.objects.get(network=network, user=alice).user == alice
    meeting = NetworkMeeting.objects.get(network=network)
    assert (meeting.minutes, meeting.agenda, meeting.location) == ("", "", ANONYMISED)
    assert MeetingDecision.objects.get(meeting=meeting).text == ANONYMISED
    for plan in ServicePlan.objects.filter(client=matti):
        assert (plan.client_goals, plan.strengths, plan.agreement_note) == ("", "", "")
    assert set(PlanGoal.objects.filter(plan__client=matti).values_list("text", flat=True)) == {
        ANONYMISED
    }
    for action in PlanAction.objects.filter(plan__client=matti):
        assert action.description == ANONYMISED and action.responsible_name in ("", ANONYMISED)
    assert PlanReview.objects.get(plan__client=matti).summary == ANONYMISED
    document = PlanDocument.objects.get(plan__client=matti)
    assert (document.file.name, document.status) == ("", "failed")
    assert not storage.exists(pdf_name)  # the file went once the transaction committed
    # The access log is append-only: untouched, still pointing to the anonymised row.
    assert AccessLog.objects.filter(client=matti).count() == logged
    # Nobody else changed.
    recent.refresh_from_db()
    waiting.refresh_from_db()
    assert recent.anonymized_at is None and recent.last_name == "Recent"
    assert waiting.anonymized_at is None and waiting.personal_identity_code

    # A second run changes nothing.
    before = list(Client.objects.order_by("pk").values())
    with time_machine.travel(at("2038-06-01"), tick=False):
        assert purge_expired().anonymised == 0
    assert list(Client.objects.order_by("pk").values()) == before


def test_job_coaching_and_health_checks_are_activity_and_are_anonymised(alice, kaisa):
    """A coaching record and a health check: their dates keep the client, an open referral
    keeps them for ever, and what they say about the client goes; employers, dates and
    the open-market flag (what the metrics count) stay."""
    from coaching.models import EmployerContact, FollowAlongNote, JobStart, VocationalProfile

    team, coach, employer = ips_people(alice)
    with time_machine.travel(at("2026-03-02"), tick=False):
        sanna = ClientFactory(first_name="Sanna", life_situation="unemployed_registered")
        olavi = ClientFactory(first_name="Olavi")
        health_check(sanna, alice, offered="2026-03-02", done="2026-03-02")
        sanna.health_checks.update(notes="Sannan verenpaine")
        ref = make_referral(sanna, alice=alice, team=team, coach=coach, referred="2026-03-02",
                            taken="2026-03-02")  # fmt: skip
        ref.notes, ref.benefits_counselling_notes = "Sanna pelkää", "Sannan asumistuki"
        ref.save()
        VocationalProfile.objects.create(
            referral=ref, preferences="Kahvila", strengths="Sanna on täsmällinen",
            restrictions="Selkä", disclosure="Ei diagnoosia",
        )  # fmt: skip
        contact(ref, employer, coach, "2026-03-02")
        EmployerContact.objects.update(notes="Sanna esitelty")
        job = start_job(ref, employer, "2026-03-02")
        JobStart.objects.filter(pk=job.pk).update(job_title="Sannan työ", modifications="Tuoli")
        FollowAlongNote.objects.create(referral=ref, job_start=job, author=coach, text="Sanna ok")
        # Olavi's referral is never ended: he stays, however old it gets.
        make_referral(olavi, alice=alice, team=team, coach=coach, referred="2026-03-02",
                      taken="2026-03-02")  # fmt: skip
    # The job ends on 1 June 2026 and the referral on 1 July: that is the last activity.
    with time_machine.travel(at("2026-07-01"), tick=False):
        JobStart.objects.filter(pk=job.pk).update(
            ended_on=datetime.date(2026, 6, 1), end_reason="other"
        )
        ref.status, ref.ended_on, ref.end_reason = "ended", datetime.date(2026, 7, 1), "studies"
        ref.save()

    with time_machine.travel(at("2038-06-30"), tick=False):
        assert not expired_clients().exists()
    with time_machine.travel(at("2038-07-02"), tick=False):
        assert list(expired_clients()) == [sanna]
        assert purge_expired().anonymised == 1

    sanna.refresh_from_db()
    ref.refresh_from_db()
    assert sanna.anonymized_at and sanna.first_name == ""
    assert sanna.health_checks.get().notes == ""
    assert sanna.health_checks.get().done_on == datetime.date(2026, 3, 2)
    assert (ref.notes, ref.benefits_counselling_notes) == ("", "")
    assert (ref.status, ref.end_reason, ref.coach) == ("ended", "studies", coach)
    profile = VocationalProfile.objects.get(referral=ref)
    assert (profile.preferences, profile.strengths, profile.restrictions, profile.disclosure) == (
        "",
        "",
        "",
        "",
    )
    kept = EmployerContact.objects.get(referral=ref)
    assert (kept.notes, kept.employer) == ("", employer)
    job.refresh_from_db()
    assert (job.job_title, job.modifications, job.open_labour_market) == ("", "", True)
    assert FollowAlongNote.objects.get(referral=ref).text == ANONYMISED
    olavi.refresh_from_db()
    assert olavi.anonymized_at is None and olavi.first_name == "Olavi"


def test_dry_run_counts_and_changes_nothing(alice, kaisa, health_centre):
    matti = whole_case(alice, kaisa, health_centre)
    out = io.StringIO()
    with time_machine.travel(at("2039-01-01"), tick=False):
        call_command("purge_expired", "--dry-run", stdout=out)
    assert out.getvalue().startswith("1 client(s)")
    matti.refresh_from_db()
    assert matti.anonymized_at is None and matti.last_name == "Meikäläinen"
    out = io.StringIO()
    with time_machine.travel(at("2039-01-01"), tick=False):
        call_command("purge_expired", "--batch-size", "10", stdout=out)
    assert out.getvalue().startswith("1 client(s)")
    matti.refresh_from_db()
    assert matti.anonymized_at is not None


def test_retention_years_is_a_setting(settings, alice, kaisa, health_centre):
    whole_case(alice, kaisa, health_centre)
    settings.CLIENT_RETENTION_YEARS = 20
    with time_machine.travel(at("2039-01-01"), tick=False):
        assert purge_expired(dry_run=True).expired == 0
    settings.CLIENT_RETENTION_YEARS = 2
    with time_machine.travel(at("2029-01-01"), tick=False):
        assert purge_expired(dry_run=True).expired == 1


def _snapshot(filters):
    """The dashboard as data, and every table as its CSV."""
    with translation.override("en"):
        summary = build_summary(filters)
        csvs = {table["key"]: _csv(summary, table["key"]).content for table in summary["tables"]}
    return summary, csvs


def test_dashboard_numbers_are_the_same_after_purging(
    client, alice, kaisa, kela, hub, health_centre, eero
):
    """The metrics' hand-built data set and Matti's whole case, every case closed ten
    years later; then the purge, thirteen years on. The summary (what the page and the
    API show) and every CSV table are identical before and after."""
    build_dataset(alice, kaisa, kela)
    coach = build_ips_dataset(alice)["coach"]
    matti = whole_case(alice, kaisa, health_centre)
    with time_machine.travel(at("2027-01-10"), tick=False):
        for request in ConsultationRequest.objects.filter(
            status__in=ConsultationRequest.OPEN_STATUSES
        ):
            if not request.anonymous:
                consultation_services.close_consultation(request, by=kaisa, outcome="no_action")
        for network in ClientNetwork.objects.exclude(status="closed"):
            network_services.close_network(network, by=kaisa, reason="goals_met")
        Referral.objects.filter(status="waiting").update(
            status="active", coach=coach, taken_on=datetime.date(2027, 1, 10)
        )
        Referral.objects.exclude(status="ended").update(
            status="ended", ended_on=datetime.date(2027, 1, 10), end_reason="other"
        )
    identified = Client.objects.count()
    assert identified >= 7

    with time_machine.travel(at("2040-01-15"), tick=False):
        periods = [
            Filters(start=datetime.date(2000, 1, 1), end=datetime.date(2040, 1, 15)),
            Filters(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30)),
            Filters(
                start=datetime.date(2000, 1, 1),
                end=datetime.date(2040, 1, 15),
                municipality="564",
            ),
        ]
        client.force_login(eero)
        api = "/api/v1/metrics/summary/?from=2000-01-01&to=2040-01-15"
        before = [_snapshot(filters) for filters in periods]
        api_before = client.get(api, HTTP_ACCEPT_LANGUAGE="en").json()
        result = purge_expired()
        after = [_snapshot(filters) for filters in periods]
        api_after = client.get(api, HTTP_ACCEPT_LANGUAGE="en").json()
    assert result.anonymised == identified
    assert not Client.objects.filter(anonymized_at__isnull=True).exists()
    assert not Client.objects.exclude(personal_identity_code=None).exists()
    matti.refresh_from_db()
    assert matti.last_name == ""
    # Sanity: the numbers are not all empty.
    whole = before[0][0]
    received = next(item for item in whole["headline"] if item["key"] == "received")
    assert received["value"] not in (0, None)
    assert after == before
    assert api_after == api_before
    assert api_before["headline"][0]["value"] == received["value"]


def test_the_beat_schedule_runs_the_task_monthly():
    from celery.schedules import crontab

    from config.celery import app

    entry = next(
        entry
        for entry in app.conf.beat_schedule.values()
        if entry["task"] == "clients.purge_expired_clients"
    )
    assert entry["schedule"] == crontab(day_of_month=1, hour=3, minute=30)
    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert "clients.purge_expired_clients" in app.tasks


def test_the_task_runs_the_same_code(alice, kaisa, health_centre):
    from clients.tasks import purge_expired_clients

    matti = whole_case(alice, kaisa, health_centre)
    with time_machine.travel(at("2039-01-01"), tick=False):
        assert purge_expired_clients.delay().get() == {"expired": 1, "anonymised": 1}
        assert purge_expired_clients.delay().get() == {"expired": 0, "anonymised": 0}
    matti.refresh_from_db()
    assert matti.anonymized_at is not None


def test_a_request_never_linked_to_a_client_is_blanked_after_the_period(alice, olli, kaisa):
    """What a requester sent about a person the hub already knew stays on the request
    while it waits for the coordinator's link; closed without one, it goes after the
    retention period like a client's data."""
    ClientFactory(personal_identity_code="131052-308T")
    with time_machine.travel(at("2013-03-02"), tick=False):
        waiting = consultation_services.submit_consultation(
            requester=olli,
            anonymous=False,
            reasons=["mental_health"],
            asked=["consultation"],
            description="Olavin tilanne.",
            client_data={
                "first_name": "Olavi",
                "last_name": "Outolintu",
                "personal_identity_code": "131052-308T",
            },
            consent_method="verbal",
        )
        consultation_services.close_consultation(waiting, by=kaisa, outcome="no_action")
    with time_machine.travel(at("2026-03-02"), tick=False):
        recent = consultation_services.submit_consultation(
            requester=olli,
            anonymous=False,
            reasons=["mental_health"],
            asked=["consultation"],
            description="Olavin tilanne.",
            client_data={
                "first_name": "Olavi",
                "last_name": "Outolintu",
                "personal_identity_code": "131052-308T",
            },
            consent_method="verbal",
        )
        consultation_services.close_consultation(recent, by=kaisa, outcome="no_action")
    with time_machine.travel(at("2026-06-01"), tick=False):
        purge_expired()
        purge_expired()
    waiting.refresh_from_db()
    recent.refresh_from_db()
    assert waiting.client_snapshot == {} and waiting.description == ANONYMISED
    assert recent.client_snapshot["first_name"] == "Olavi"
