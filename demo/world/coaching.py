"""The job coach's caseload: a client in coaching with employer contacts, one who has
started a job (follow-along support), and a referral waiting for the team."""

import datetime

from django.utils import timezone

from coaching import services as coaching
from coaching.models import EmployerContact, Referral
from coordination.models import Organization, User
from demo.world import organisations as org
from demo.world.people import demo_client
from networks import services as networks

Kind = EmployerContact.Kind
Outcome = EmployerContact.Outcome


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _referral(users: dict[str, User], key: str, referrer: str, source: str, days: int):
    client = demo_client(key, by=users["koordinaattori"])
    return coaching.refer(
        by=users[referrer],
        client=client,
        team=users["tyovalmentaja"].organization,
        source=source,
        notes="Asiakas haluaa avoimille työmarkkinoille.",
        referred_on=_ago(days),
    )


def _take(referral: Referral, coach: User, days: int) -> None:
    coaching.take_referral(referral, by=coach)
    Referral.objects.filter(pk=referral.pk).update(taken_on=_ago(days))
    referral.refresh_from_db()


def seed_coaching(users: dict[str, User], organisations: dict[str, Organization]) -> int:
    coach = users["tyovalmentaja"]
    market_hall, service_home = organisations[org.MARKET_HALL], organisations[org.SERVICE_HOME]

    coached = _referral(users, "coached", "koordinaattori", Referral.Source.COORDINATOR, 30)
    _take(coached, coach, 28)
    for employer, kind, outcome, days, hidden in (
        (market_hall, Kind.VISIT, Outcome.INTRODUCED_CLIENT, 25, True),
        (service_home, Kind.PHONE, Outcome.FOLLOW_UP_AGREED, 18, False),
        (market_hall, Kind.MEETING, Outcome.INTERVIEW_AGREED, 6, True),
    ):
        coaching.record_employer_contact(
            coached,
            by=coach,
            employer=employer,
            kind=kind,
            outcome=outcome,
            contacted_on=_ago(days),
            hidden_job=hidden,
        )

    working = _referral(users, "job_start", "tyollisyys", Referral.Source.TE_OFFICE, 80)
    _take(working, coach, 77)
    coaching.record_employer_contact(
        working,
        by=coach,
        employer=service_home,
        kind=Kind.VISIT,
        outcome=Outcome.HIRED,
        # Nearing the 30 days without contact: the coach's worklist shows it.
        contacted_on=_ago(24),
    )
    coaching.record_job_start(
        working,
        by=coach,
        employer=service_home,
        started_on=_ago(14),
        hours_per_week=20,
        job_title="Laitoshuoltaja",
    )
    # The hub gathers a network around her: the job start is a turning point where the
    # coordinator's worklist asks for the plan to be updated.
    networks.form_network(by=users["koordinaattori"], client=working.client)

    _referral(users, "waiting", "sosiaalityo", Referral.Source.SOCIAL_WORK, 2)
    return 3
