"""The client's record: one chronological list of every app's events, filtered by kind and
period, each entry as the reader may see it, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import AccessLog, ClientChange, Consent, WorkAbilityAssessment
from clients.tests.factories import ClientFactory, ConsentFactory
from coaching.models import JobStart, Referral
from coaching.tests.factories import EmployerContactFactory, JobStartFactory, ReferralFactory
from common.timeline import TimelineQuery, collect_for_client, kind_labels
from coordination.models import ConsultationAnswer, ConsultationMessage, ConsultationRequest
from coordination.tests.factories import ConsultationFactory, UserFactory
from healthchecks.models import HealthCheck
from networks.models import ClientNetwork, NetworkMeeting
from networks.tests.factories import MeetingFactory, MemberFactory, NetworkFactory, network_consent
from people.models import ChangeRecord, HandedOverItem
from serviceplans.models import GoalProgress, PlanGoal, PlanReview, ServicePlan


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def day(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _plan(network, by, *, created, agreed=None, closed=None, version=1):
    status = ServicePlan.Status.CLOSED if closed else ServicePlan.Status.AGREED
    return ServicePlan.objects.create(
        network=network,
        client=network.client,
        version=version,
        status=status if agreed else ServicePlan.Status.DRAFT,
        created_by=by,
        updated_by=by,
        created_at=created,
        agreed_at=agreed,
        agreed_by=by if agreed else None,
        agreement_method="in_meeting" if agreed else "",
        closed_at=closed,
    )


def _old_network(client, kaisa):
    """A closed earlier network (alice was never in it) with its own plan version."""
    old = NetworkFactory(
        client=client,
        coordinator=kaisa,
        status=ClientNetwork.Status.CLOSED,
        opened_at=ago(75),
        closed_at=ago(70),
        closure_reason="other",
    )
    _plan(old, kaisa, created=ago(74), agreed=ago(73), closed=ago(70))
    return old


def _network_life(client, kaisa, alice):
    """The current network: alice joins, someone joins and leaves, a meeting is held
    and another cancelled, a plan version is agreed and reviewed."""
    network = NetworkFactory(client=client, coordinator=kaisa, opened_at=ago(60))
    MemberFactory(network=network, user=alice, joined_at=ago(59))
    MemberFactory(network=network, user=UserFactory(), joined_at=ago(58), left_at=ago(50))
    MeetingFactory(
        network=network,
        created_at=ago(57),
        starts_at=ago(45),
        status=NetworkMeeting.Status.HELD,
        minutes="Sovittiin työkokeilusta.",
        minutes_recorded_at=ago(44),
    )
    MeetingFactory(
        network=network,
        created_at=ago(41),
        starts_at=ago(38),
        status=NetworkMeeting.Status.CANCELLED,
        cancelled_at=ago(39),
    )
    plan = _plan(network, kaisa, created=ago(43), agreed=ago(42))
    goal = PlanGoal.objects.create(plan=plan, text="Työkokeilu kahvilassa", domain="work")
    review = PlanReview.objects.create(
        plan=plan, reviewed_on=day(30), reviewed_by=kaisa, summary="Etenee."
    )
    GoalProgress.objects.create(review=review, goal=goal, progress="progressing")
    _handover(network, kaisa)
    return network


def _handover(network, kaisa):
    """A coordinator left 4 days ago and kaisa took the network over."""
    record = ChangeRecord.objects.create(
        at=ago(4),
        person=UserFactory(),
        action=ChangeRecord.Action.WORK_HANDED_OVER,
        after={"holder": str(kaisa)},
    )
    HandedOverItem.objects.create(
        record=record,
        receiver=kaisa,
        client=network.client,
        network=network,
        what=HandedOverItem.What.COORDINATOR,
        object_id=network.pk,
        url=reverse("networks:network_detail", args=[network.uuid]),
        at=ago(4),
    )


def _coaching(client, kaisa):
    referral = ReferralFactory(
        client=client,
        referred_by=kaisa,
        referred_on=day(28),
        status=Referral.Status.ENDED,
        ended_on=day(5),
        end_reason=Referral.EndReason.EMPLOYED_OPEN_MARKET,
    )
    EmployerContactFactory(referral=referral, contacted_on=day(25))
    JobStartFactory(
        referral=referral,
        started_on=day(20),
        ended_on=day(10),
        end_reason=JobStart.EndReason.FIXED_TERM_ENDED,
        job_title="Kahvilatyöntekijä",
    )
    return referral


@pytest.fixture
def history(db, kaisa, alice, health_centre):
    """A client with one event of every kind, each on its own day. alice (health centre)
    is an active member of the current network under the network consent; she sent one
    request; there is no job-coaching consent for her organisation."""
    client = ClientFactory(first_name="Matti", last_name="Meikäläinen")
    network_consent(client, [health_centre], kaisa)
    ConsentFactory(
        client=client,
        scope=Consent.Scope.CONSULTATION,
        recorded_by=kaisa,
        given_at=ago(95),
        withdrawn_at=ago(2),
        withdrawn_by=kaisa,
    )
    request = ConsultationFactory(
        requester=alice,
        client=client,
        submitted_at=ago(90),
        status=ConsultationRequest.Status.CLOSED,
        closed_at=ago(80),
        outcome=ConsultationRequest.Outcome.ADVICE_GIVEN,
    )
    ConsultationAnswer.objects.create(
        request=request,
        advice="Neuvo.",
        next_step="Verkosto.",
        answered_by=kaisa,
        answered_at=ago(85),
    )
    ConsultationMessage.objects.create(
        request=request,
        kind=ConsultationMessage.Kind.QUESTION,
        author=kaisa,
        organization=kaisa.organization,
        text="Mikä on asiakkaan toive?",
        sent_at=ago(86),
    )
    # Another professional's request: alice does not see it.
    ConsultationFactory(client=client, submitted_at=ago(88))
    _old_network(client, kaisa)
    _network_life(client, kaisa, alice)
    WorkAbilityAssessment.objects.create(
        client=client, assessed_on=day(37), assessed_by=kaisa, kind="professional", score=6
    )
    HealthCheck.objects.create(
        client=client,
        offered_on=day(36),
        offered_by=kaisa,
        status="declined",
        declined_on=day(34),
    )
    HealthCheck.objects.create(
        client=client, offered_on=day(35), offered_by=kaisa, status="done", done_on=day(33)
    )
    _coaching(client, kaisa)
    ClientChange.objects.create(
        client=client, changed_by=kaisa, changed_at=ago(3), fields=["phone"]
    )
    return client


def record(client, user, **query):
    return collect_for_client(client, user, TimelineQuery(**query))


# --- Every kind, in order --------------------------------------------------------------


def test_the_record_holds_one_event_of_every_kind_newest_first(history, kaisa):
    timeline = record(history, kaisa)
    kinds = {event.kind for event in timeline.events}
    assert kinds == set(kind_labels()), set(kind_labels()) - kinds
    moments = [event.at for event in timeline.events]
    assert moments == sorted(moments, reverse=True)
    assert not timeline.has_more


def test_every_entry_links_to_its_object(history, kaisa):
    for event in record(history, kaisa).events:
        assert event.url.startswith("/"), event


def test_the_filter_by_kind_keeps_only_those_kinds(history, kaisa):
    timeline = record(history, kaisa, kinds=frozenset({"job_start", "plan_review"}))
    assert sorted(event.kind for event in timeline.events) == ["job_start", "plan_review"]


def test_the_filter_by_period_keeps_only_its_days(history, kaisa):
    timeline = record(history, kaisa, since=day(46), until=day(40))
    kinds = sorted(event.kind for event in timeline.events)
    # 44 days ago the minutes of the held meeting, 43 the plan started, 42 agreed, 41 the
    # second meeting scheduled (the first one's scheduling, 57 days ago, is outside)
    assert kinds == [
        "meeting_held",
        "meeting_scheduled",
        "plan_agreed",
        "plan_started",
    ]


def test_the_limit_cuts_the_oldest_and_says_there_is_more(history, kaisa):
    everything = record(history, kaisa).events
    timeline = record(history, kaisa, limit=5)
    assert timeline.events == everything[:5]
    assert timeline.has_more


# --- Each entry as the reader may see it ---------------------------------------------


def test_a_member_sees_only_what_their_membership_and_consents_open(history, alice):
    timeline = record(history, alice)
    kinds = {event.kind for event in timeline.events}
    # No job-coaching consent names alice's organisation: no coaching entries.
    assert not kinds & {"coaching_referral", "coaching_ended", "employer_contact", "job_start"}
    # The earlier network and its plan were never hers.
    closed = [e for e in timeline.events if e.kind in ("network_closed", "plan_closed")]
    assert closed == []
    assert [e.at for e in timeline.events if e.kind == "plan_agreed"] == [
        ServicePlan.objects.get(client=history, version=1, closed_at__isnull=True).agreed_at
    ]
    # Her own request only, not the other professional's.
    assert len([e for e in timeline.events if e.kind == "request"]) == 1
    # What the client page shows everyone who sees the client
    assert {"consent_given", "assessment", "health_check_done", "plan_review"} <= kinds


def test_a_member_with_the_coaching_consent_sees_the_coaching(history, alice, health_centre):
    consent = ConsentFactory(client=history, scope=Consent.Scope.JOB_COACHING, recorded_by=alice)
    consent.organizations.set([health_centre])
    kinds = {event.kind for event in record(history, alice).events}
    assert {"employer_contact", "job_start", "job_end"} <= kinds


def test_a_member_whose_network_consent_is_withdrawn_sees_no_plan(history, alice, kaisa):
    Consent.objects.filter(client=history, scope=Consent.Scope.NETWORK).update(
        withdrawn_at=timezone.now(), withdrawn_by=kaisa
    )
    kinds = {event.kind for event in record(history, alice).events}
    assert not kinds & {"plan_started", "plan_agreed", "plan_review", "meeting_held"}


def test_a_filter_for_a_kind_the_reader_may_not_see_is_empty_and_logged(client, history, alice):
    client.force_login(alice)
    url = reverse("clients:client_record", args=[history.uuid])
    response = client.get(url, {"kind": ["job_start", "employer_contact"]})
    assert response.status_code == 200
    assert response.context["timeline"].events == []
    assert AccessLog.objects.filter(
        user=alice, client=history, object_kind="client_record"
    ).exists()


# --- The page --------------------------------------------------------------------------


def test_the_record_page_shows_every_kind_and_is_logged(client, history, kaisa):
    client.force_login(kaisa)
    response = client.get(reverse("clients:client_record", args=[history.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    for kind in kind_labels():
        assert f"timeline-{kind}" in html, kind
    log = AccessLog.objects.get(user=kaisa, client=history, object_kind="client_record")
    assert log.action == AccessLog.Action.VIEW


def test_the_print_view_is_logged_as_an_export(client, history, kaisa):
    client.force_login(kaisa)
    url = reverse("clients:client_record", args=[history.uuid])
    response = client.get(url, {"print": "1", "kind": "job_start"})
    assert response.status_code == 200
    assert "record-print-table" in response.content.decode()
    assert AccessLog.objects.filter(
        user=kaisa, client=history, action=AccessLog.Action.EXPORT
    ).exists()


def test_show_more_asks_for_more_entries(client, history, kaisa):
    client.force_login(kaisa)
    url = reverse("clients:client_record", args=[history.uuid])
    response = client.get(url, {"show": "3"})
    assert len(response.context["timeline"].events) == 3
    assert "show=103" in response.context["more_query"]


def test_a_period_ending_before_it_starts_is_a_field_error(client, history, kaisa):
    client.force_login(kaisa)
    url = reverse("clients:client_record", args=[history.uuid])
    response = client.get(url, {"since": "2026-03-01", "until": "2026-02-01"})
    assert response.status_code == 400
    assert response.context["form"].errors["since"]


@pytest.mark.parametrize("persona", ["olli", "ylva"], indirect=True)
def test_outsiders_get_404_for_the_record(client, history, persona):
    client.force_login(persona)
    response = client.get(reverse("clients:client_record", args=[history.uuid]))
    assert response.status_code == 404
    assert not AccessLog.objects.filter(user=persona).exists()


# --- Constant queries ------------------------------------------------------------------


def _bulk_history(client, kaisa, alice, n: int) -> None:
    """`n` events or so of several kinds around the client."""
    network = ClientNetwork.objects.filter(client=client, closed_at__isnull=True).get()
    plan = ServicePlan.objects.get(network=network)
    goal = plan.goals.get()
    for i in range(n // 4):
        MeetingFactory(network=network, created_at=ago(i % 90), starts_at=ago(i % 90))
        review = PlanReview.objects.create(
            plan=plan, reviewed_on=day(i % 90), reviewed_by=kaisa, summary="."
        )
        GoalProgress.objects.create(review=review, goal=goal, progress="progressing")
        WorkAbilityAssessment.objects.create(
            client=client, assessed_on=day(i % 90), assessed_by=kaisa, kind="self", score=5
        )
        HealthCheck.objects.create(client=client, offered_on=day(i % 90), offered_by=kaisa)


@pytest.mark.parametrize("reader", ["kaisa", "alice"])
def test_the_record_page_reads_the_same_number_of_queries_at_10_and_1000_events(
    client, history, kaisa, alice, django_assert_max_num_queries, reader
):
    user = {"kaisa": kaisa, "alice": alice}[reader]
    client.force_login(user)
    url = reverse("clients:client_record", args=[history.uuid])
    client.get(url)  # warm the session and the caches

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200
    _bulk_history(history, kaisa, alice, 1000)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["timeline"].events) == 100
    # The session and user, the client, the access-log insert, and per source a fixed
    # number: clients 3, coordination 1, networks 3, plans 3, health checks 1, coaching 3.
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


# --- The network page and the request page ----------------------------------------------


def test_the_network_page_timeline_includes_the_plan(client, history, alice):
    network = ClientNetwork.objects.get(client=history, closed_at__isnull=True)
    client.force_login(alice)
    response = client.get(reverse("networks:network_detail", args=[network.uuid]))
    kinds = [event.kind for event in response.context["timeline"]]
    assert {"plan_started", "plan_agreed", "plan_review", "member_joined"} <= set(kinds)
    # Only this network's plan: the earlier network's closed version is not here.
    assert "plan_closed" not in kinds
    moments = [event.at for event in response.context["timeline"]]
    assert moments == sorted(moments, reverse=True)


def test_the_request_page_links_to_the_network_formed_from_it(client, history, kaisa):
    request = ConsultationRequest.objects.get(
        client=history, requester__isnull=False, status=ConsultationRequest.Status.CLOSED
    )
    network = ClientNetwork.objects.get(client=history, closed_at__isnull=True)
    network.origin_consultation = request
    network.save(update_fields=["origin_consultation"])
    client.force_login(kaisa)
    html = client.get(reverse("consultation_detail", args=[request.uuid])).content.decode()
    assert reverse("networks:network_detail", args=[network.uuid]) in html
