"""The demo county: built once per module (a transaction rolled back at the end), then
looked at as the coordinator, the manager and the metrics see it."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from stdnum.fi import hetu

from clients.models import Client, Consent, WorkAbilityAssessment
from coaching.models import EmployerContact, JobStart, Referral
from coordination.models import ConsultationRequest, Feedback, Organization, User
from demo.world.people import DEMO_PASSWORD
from healthchecks.models import HealthCheck
from metrics.filters import Filters
from metrics.privacy import SUPPRESSED
from metrics.summary import build_summary
from networks.models import ClientNetwork, NetworkMeeting, NetworkMember
from outbox.models import OutboxMessage
from serviceplans.models import PlanAction, ServicePlan

pytestmark = pytest.mark.django_db

Status = ConsultationRequest.Status
COUNTED = (
    Organization, User, Client, Consent, ConsultationRequest, Feedback, ClientNetwork,
    NetworkMember, NetworkMeeting, ServicePlan, PlanAction, Referral, EmployerContact,
    JobStart, HealthCheck, WorkAbilityAssessment,
)  # fmt: skip


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """`seed_demo` run once, as `make run` runs it; its output and the counts after it."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield {"out": out.getvalue(), "counts": counts()}
        transaction.set_rollback(True)


def test_the_county_has_its_organisations_and_a_user_per_role(world):
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert {
        "health_centre", "te_office", "municipal_employment", "kela", "typ", "ngo",
        "education", "social_services",
    } <= kinds  # fmt: skip
    assert Organization.objects.filter(is_hub=True).count() == 1
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    for user in User.objects.all():
        assert user.username in world["out"]
        assert user.check_password(DEMO_PASSWORD)
    professionals = User.objects.filter(role=User.Role.PROFESSIONAL)
    assert set(professionals.values_list("organization__kind", flat=True)) >= {
        "health_centre", "kela", "te_office", "social_services", "ngo"
    }  # fmt: skip


def test_seed_demo_twice_changes_nothing(world, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "(0 new objects)" in out.getvalue()
    assert counts() == world["counts"]


def test_the_demo_clients_have_valid_fictional_identity_codes(world):
    codes = [
        client.personal_identity_code or ""
        for client in Client.objects.exclude(personal_identity_code=None)
    ]
    assert len(codes) >= 8
    for code in codes:
        assert hetu.is_valid(code, allow_temporary=False)


def test_requests_are_in_every_state(world):
    statuses = set(ConsultationRequest.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert Feedback.objects.count() >= 10


def test_the_coordinators_queue_has_waiting_requests_and_an_urgent_one(world, client):
    waiting = ConsultationRequest.objects.filter(status=Status.SUBMITTED)
    assert waiting.count() >= 3
    urgent = waiting.get(urgency=ConsultationRequest.Urgency.URGENT)
    client.force_login(User.objects.get(username="koordinaattori"))
    response = client.get(reverse("consultation_queue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert urgent.reference in page
    for request in waiting:
        assert request.reference in page


def test_the_dashboard_shows_real_numbers(world, client):
    summary = build_summary(Filters.default())
    headline = {item["key"]: item["value"] for item in summary["headline"]}
    assert headline["received"] >= 40
    for key in (
        "answered", "closed", "feedback_count", "distinct_clients", "networks_formed",
        "health_checks_done",
    ):  # fmt: skip
        assert headline[key] != SUPPRESSED, key
    assert headline["median_working_days"] is not None
    assert headline["feedback_mean"] is not None
    tables = {table["key"]: table for table in summary["tables"]}
    for key in ("contact_kinds", "contact_organisations"):
        cells = [cell for row in tables[key]["rows"] for cell in row]
        assert SUPPRESSED not in cells, key
        assert SUPPRESSED not in tables[key]["total"], key
    client.force_login(User.objects.get(username="esihenkilo"))
    response = client.get(reverse("metrics:dashboard"))
    assert response.status_code == 200


def test_a_network_has_members_from_three_organisations(world):
    organisations = {
        network.pk: set(network.members.values_list("organization", flat=True))
        for network in ClientNetwork.objects.all()
    }
    # Two active, five closed, and the one forming around the client who started a job.
    assert len(organisations) == 8
    assert sum(len(orgs) >= 3 for orgs in organisations.values()) == 2
    assert ClientNetwork.objects.filter(status=ClientNetwork.Status.CLOSED).count() == 5
    meetings = NetworkMeeting.objects
    assert meetings.filter(status=NetworkMeeting.Status.HELD).exclude(minutes="").count() >= 2
    assert meetings.filter(status=NetworkMeeting.Status.SCHEDULED).count() == 1
    plan = ServicePlan.objects.get(
        status=ServicePlan.Status.AGREED, network__status=ClientNetwork.Status.ACTIVE
    )
    # Three on their way and one past its due date (the worklists show it as overdue).
    assert plan.actions.count() == 4
    assert plan.actions.filter(due_date__lt=timezone.localdate()).count() == 1
    assert plan.next_review_date is not None


def test_the_history_sends_no_email(world):
    assert not OutboxMessage.objects.filter(recipient__endswith="@demo.invalid").exists()


def test_the_job_coach_has_a_caseload(world):
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {"waiting", "active", "follow_along"} <= statuses
    assert JobStart.objects.count() == 1
    assert EmployerContact.objects.count() >= 3


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    before = counts()
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert counts() == before


WORKLISTS = {
    # demo user: the lists of their "Minulle nyt" that the demo fills
    "koordinaattori": {"requests", "week_meetings", "reviews", "overdue_actions", "job_starts"},
    "ammattilainen": {"actions", "meetings", "feedback", "networks"},
    "tyovalmentaja": {"referrals", "no_contact"},
    "sosiaalityo": {"actions", "meetings", "feedback", "networks"},
    "tyollisyys": {"more_information"},
}


@pytest.mark.parametrize("username", list(WORKLISTS))
def test_the_demo_fills_every_roles_worklist(world, client, username):
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse("home"))
    filled = {section.key for section in response.context["worklist"] if section.items}
    assert WORKLISTS[username] <= filled


def test_the_demos_coordinator_sees_an_urgent_request_first(world, client):
    client.force_login(User.objects.get(username="koordinaattori"))
    response = client.get(reverse("home"))
    first = response.context["worklist"][0].items[0]
    assert first.flag == "Kiireellinen"


def test_the_demos_manager_sees_this_month_against_last(world, client):
    client.force_login(User.objects.get(username="esihenkilo"))
    figures = client.get(reverse("home")).context["figures"]
    assert [figure.key for figure in figures] == ["received", "answered", "networks_formed"]


def test_one_request_waits_for_more_information_with_a_short_thread(world):
    waiting = ConsultationRequest.objects.filter(waiting_for_requester_since__isnull=False)
    assert waiting.count() == 1
    request = waiting.get()
    kinds = list(request.messages.values_list("kind", flat=True))
    assert kinds == ["question", "reply", "question"]
    sent = list(request.messages.values_list("sent_at", flat=True))
    assert sent == sorted(sent) and sent[0] > request.submitted_at
    assert request.waiting_for_requester_since == sent[-1]
