"""“Minulle nyt” on every home page: what each role sees, one click from the thing, the
access log of the clients shown, and the same number of queries at few and many rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import AccessLog
from clients.tests.factories import ClientFactory
from coaching.models import Referral
from coaching.tests.factories import EmployerContactFactory, JobStartFactory, ReferralFactory
from coordination.models import ConsultationRequest
from coordination.tests.factories import ConsultationFactory
from networks.models import MeetingInvitation, NetworkMember
from networks.tests.factories import MeetingFactory, MemberFactory, NetworkFactory, network_consent
from serviceplans.models import PlanAction, ServicePlan

pytestmark = pytest.mark.django_db
S = ConsultationRequest.Status
HOME = reverse("home")


def sections(response) -> dict:
    return {section.key: section for section in response.context["worklist"]}


def texts(section) -> list[str]:
    return [item.text for item in section.items]


def _days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def _network(coordinator, member=None, role=NetworkMember.Role.OTHER):
    client = ClientFactory()
    network = NetworkFactory(client=client, coordinator=coordinator)
    if member is not None:
        network_consent(client, [member.organization], coordinator)
        MemberFactory(network=network, user=member, role=role)
    return network


def _plan(network, **fields):
    if fields.get("status") == ServicePlan.Status.AGREED:
        fields.setdefault("agreed_at", timezone.now())
    return ServicePlan.objects.create(
        network=network, client=network.client, created_by=network.coordinator, **fields
    )


def _action(plan, **fields):
    if not fields.get("responsible_user"):
        fields.setdefault("responsible_name", "Asiakas itse")
    return PlanAction.objects.create(
        plan=plan,
        description=fields.pop("description", "Työkokeilu kahvilassa"),
        service_type=PlanAction.ServiceType.WORK_TRIAL,
        **fields,
    )


def _invite(meeting, user):
    member = NetworkMember.objects.get(network=meeting.network, user=user)
    MeetingInvitation.objects.create(
        meeting=meeting, member=member, sequence=0, method=MeetingInvitation.Method.REQUEST
    )


# --- The coordinator --------------------------------------------------------------------


def _coordinator_world(kaisa, alice, tuula, today, n=1):
    """n of each thing that waits for kaisa, and one of each that does not."""
    for i in range(n):
        ConsultationFactory(
            requester=alice, submitted_at=timezone.now() - datetime.timedelta(days=5 + i)
        )
        network = _network(kaisa)
        MeetingFactory(network=network, starts_at=timezone.now() + datetime.timedelta(hours=1))
        plan = _plan(network, status=ServicePlan.Status.AGREED, next_review_date=today)
        _action(plan, due_date=today - datetime.timedelta(days=3))
        referral = ReferralFactory(client=network.client, coach=tuula)
        JobStartFactory(referral=referral, started_on=today - datetime.timedelta(days=2))
    # Not waiting for the hub's worklist: assigned and normal, answered.
    ConsultationFactory(requester=alice, assigned_to=kaisa)
    ConsultationFactory(requester=alice, status=S.ANSWERED)


def test_coordinator_sees_the_urgent_request_first(client, alice, kaisa, tuula):
    today = timezone.localdate()
    old = ConsultationFactory(
        requester=alice, submitted_at=timezone.now() - datetime.timedelta(days=9)
    )
    urgent = ConsultationFactory(requester=alice, urgency="urgent", assigned_to=kaisa)
    ConsultationFactory(requester=alice, assigned_to=kaisa)  # assigned, normal: not here
    client.force_login(kaisa)
    response = client.get(HOME)
    requests = sections(response)["requests"]
    assert texts(requests) == [urgent.reference, old.reference]
    assert requests.items[0].flag == "Kiireellinen"
    assert requests.items[0].url == reverse("consultation_detail", args=[urgent.uuid])
    assert f'href="{requests.items[0].url}"' in response.content.decode()
    assert today  # the day the lists are made for


def test_coordinator_worklist_lists_meetings_reviews_overdue_actions_and_job_starts(
    client, alice, kaisa, tuula
):
    today = timezone.localdate()
    _coordinator_world(kaisa, alice, tuula, today)
    client.force_login(kaisa)
    response = client.get(HOME)
    found = sections(response)
    for key in ("requests", "week_meetings", "reviews", "overdue_actions", "job_starts"):
        assert len(found[key].items) == 1, key
    assert found["overdue_actions"].items[0].flag == "Myöhässä"
    html = response.content.decode()
    assert 'aria-labelledby="now-heading"' in html and "Minulle nyt" in html
    # The clients shown are in the access log, on the hub role.
    logged = AccessLog.objects.filter(user=kaisa, action="list", object_kind="worklist")
    assert logged.exists()


def test_coordinator_worklist_skips_other_coordinators_networks(client, alice, kaisa, tuula, hub):
    from coordination.tests.factories import UserFactory

    pekka = UserFactory(organization=hub, role="coordinator")
    _coordinator_world(pekka, alice, tuula, timezone.localdate())
    client.force_login(kaisa)
    found = sections(client.get(HOME))
    for key in ("week_meetings", "reviews", "overdue_actions", "job_starts"):
        assert found[key].items == [], key


def _home_queries(client, user) -> int:
    client.force_login(user)
    client.get(HOME)  # warm: the first request of a session saves more
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


def test_coordinator_home_costs_the_same_at_few_and_many_rows(client, alice, kaisa, tuula):
    today = timezone.localdate()
    _coordinator_world(kaisa, alice, tuula, today, n=1)
    few = _home_queries(client, kaisa)
    _coordinator_world(kaisa, alice, tuula, today, n=12)
    many = _home_queries(client, kaisa)
    # The session and the user; the two counts of the cards (my open requests, waiting);
    # one query per list (5); the access log (one INSERT per basis: hub role, coaching);
    # the navigation's unread notifications and organisation; the session renewed.
    assert few == many


# --- The professional -------------------------------------------------------------------


def _professional_world(kaisa, alice, today, n=1):
    for _i in range(n):
        network = _network(kaisa, member=alice, role=NetworkMember.Role.RESPONSIBLE_WORKER)
        meeting = MeetingFactory(network=network)
        _invite(meeting, alice)
        plan = _plan(network, status=ServicePlan.Status.AGREED)
        _action(plan, responsible_user=alice, due_date=today + datetime.timedelta(days=3))
        ConsultationFactory(requester=alice, status=S.ANSWERED, first_response_at=timezone.now())
        ConsultationFactory(
            requester=alice, status=S.TRIAGED, waiting_for_requester_since=timezone.now()
        )


def test_professional_sees_networks_meetings_actions_and_answers_to_give_feedback_on(
    client, alice, kaisa
):
    today = timezone.localdate()
    _professional_world(kaisa, alice, today)
    # Not alice's: an action of someone else, a meeting she is not invited to.
    other = _network(kaisa, member=alice)
    MeetingFactory(network=other)
    _action(_plan(other, status=ServicePlan.Status.AGREED), due_date=today)
    client.force_login(alice)
    found = sections(client.get(HOME))
    assert list(found) == ["more_information", "actions", "meetings", "feedback", "networks"]
    assert len(found["more_information"].items) == 1
    assert found["more_information"].items[0].url.endswith("#conversation")
    assert len(found["actions"].items) == 1
    assert len(found["meetings"].items) == 1
    assert len(found["feedback"].items) == 1
    assert len(found["networks"].items) == 2
    assert found["networks"].items[0].detail in ("Muu", "Vastuutyöntekijä")
    assert AccessLog.objects.filter(user=alice, object_kind="worklist", basis="network").exists()


def test_professional_does_not_see_a_network_after_leaving(client, alice, kaisa):
    network = _network(kaisa, member=alice)
    NetworkMember.objects.filter(network=network, user=alice).update(left_at=timezone.now())
    client.force_login(alice)
    assert sections(client.get(HOME))["networks"].items == []


def test_professional_home_costs_the_same_at_few_and_many_rows(client, alice, kaisa):
    today = timezone.localdate()
    _professional_world(kaisa, alice, today, n=1)
    few = _home_queries(client, alice)
    _professional_world(kaisa, alice, today, n=12)
    many = _home_queries(client, alice)
    assert few == many


# --- The job coach ----------------------------------------------------------------------


def _coach_world(tuula, today, n=1):
    for _i in range(n):
        ReferralFactory(status=Referral.Status.WAITING, coach=None, team=tuula.organization)
        quiet = ReferralFactory(coach=tuula, referred_on=today - datetime.timedelta(days=60))
        EmployerContactFactory(referral=quiet, contacted_on=today - datetime.timedelta(days=25))
        busy = ReferralFactory(coach=tuula, referred_on=today - datetime.timedelta(days=60))
        EmployerContactFactory(referral=busy, contacted_on=today - datetime.timedelta(days=2))


def test_job_coach_sees_team_referrals_and_clients_near_the_no_contact_limit(client, tuula):
    today = timezone.localdate()
    _coach_world(tuula, today)
    never = ReferralFactory(coach=tuula, referred_on=today - datetime.timedelta(days=40))
    client.force_login(tuula)
    found = sections(client.get(HOME))
    assert list(found)[:2] == ["referrals", "no_contact"]
    assert len(found["referrals"].items) == 1
    near = found["no_contact"].items
    assert [item.text for item in near] == [str(never.client), near[1].text]
    assert near[0].flag == "Raja ylittynyt" and near[1].flag == ""
    assert "25" in near[1].detail
    assert AccessLog.objects.filter(
        user=tuula, object_kind="worklist", basis=AccessLog.Basis.JOB_COACHING
    ).exists()


def test_job_coach_home_costs_the_same_at_few_and_many_rows(client, tuula):
    today = timezone.localdate()
    _coach_world(tuula, today, n=1)
    few = _home_queries(client, tuula)
    _coach_world(tuula, today, n=12)
    many = _home_queries(client, tuula)
    assert few == many


# --- The manager ------------------------------------------------------------------------


def test_manager_sees_this_month_against_last_with_small_counts_hidden(client, alice, eero):
    now = timezone.now()
    first = timezone.localdate().replace(day=1)
    last_month = timezone.make_aware(
        datetime.datetime.combine(first - datetime.timedelta(days=3), datetime.time(12))
    )
    ConsultationFactory.create_batch(7, requester=alice, submitted_at=now)
    ConsultationFactory.create_batch(2, requester=alice, submitted_at=last_month)
    client.force_login(eero)
    response = client.get(HOME)
    figures = {figure.key: figure for figure in response.context["figures"]}
    received = figures["received"]
    assert received.this_month == 7 and received.last_month == "<5" and received.change is None
    html = response.content.decode()
    assert "Minulle nyt" in html and "&lt;5" in html
    assert response.context["worklist"] == []


def test_manager_home_costs_the_same_at_few_and_many_rows(client, alice, eero):
    ConsultationFactory.create_batch(2, requester=alice)
    few = _home_queries(client, eero)
    ConsultationFactory.create_batch(30, requester=alice)
    many = _home_queries(client, eero)
    assert few == many
