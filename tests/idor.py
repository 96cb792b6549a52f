"""The access rules the IDOR matrix (tests/test_idor_matrix.py) checks every route against,
and the small world of objects it checks them on.

How to register a new URL argument
----------------------------------
Every route (page or API) whose URL carries an argument that is not in `REGISTRY` or
`PARAMETERS` makes the matrix fail, naming the route and the argument. To register one:

1. Add a line to `REGISTRY`, keyed by the argument's name as the URL spells it:

       "referral_id": ObjectRule(Referral, "uuid", referrals_visible_to),

   - the model the argument addresses;
   - the model field the URL carries ("uuid"; "pk" only for the old integer ids);
   - the access function: `user -> queryset of the objects the user may see`, normally
     the app's own `<model>s_visible_to` from `<app>/access.py`. An object without its
     own function is visible when its parent is: write the function here, below the
     others, from the parent's;
   - `parent=("network_id", "network")` when the object belongs to another one that a
     route may carry beside it (argument name of the parent, the child's foreign key):
     the matrix then also asks for a visible child under the wrong visible parent.

   An API route's own lookup argument (DRF's `id`, `uuid` or `pk`) is named after the
   router's basename: `<basename>_id` (router.register("referrals", ..., basename=
   "referral") -> "referral_id"), so one entry serves the page and the API.

2. Give the world (`build_world` below) at least one object of the model that some persona
   may see and one that some persona may not (`test_world_covers_every_kind` checks it):
   usually one in alice's network A and one in bob's network B.

An argument that is not an object (a slug naming an action) goes in `PARAMETERS` with the
values to try.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from clients import services as client_services
from clients.access import access_report_subjects, clients_visible_to
from clients.models import Client, Consent
from clients.tests.factories import ClientFactory
from coaching import services as coaching_services
from coaching.access import (
    employer_contacts_visible_to,
    employers_visible_to,
    fidelity_reviews_visible_to,
    follow_along_notes_visible_to,
    job_starts_visible_to,
    records_visible_to,
    referrals_visible_to,
)
from coaching.models import EmployerContact, FidelityReview, FollowAlongNote, JobStart, Referral
from common.inbox import Kind, announce
from coordination import services as consultation_services
from coordination.access import consultations_visible_to, organizations_visible_to
from coordination.models import ConsultationRequest, Organization, User, UserSession
from coordination.sessions import sessions_of
from coordination.tests.factories import (
    AnonymousConsultationFactory,
    ConsultationFactory,
    OrganizationFactory,
    UserFactory,
    make_personas,
)
from healthchecks import services as health_check_services
from healthchecks.access import health_checks_visible_to
from healthchecks.models import HealthCheck
from inbox.models import InboxItem
from inbox.services import items_of
from networks import services as network_services
from networks.access import meetings_visible_to, networks_visible_to
from networks.models import ClientNetwork, MeetingDecision, NetworkMeeting, NetworkMember
from networks.tests.factories import MeetingFactory, network_consent
from people.access import organizations_managed_by, people_managed_by
from serviceplans import services as plan_services
from serviceplans.access import actions_visible_to, plans_visible_to
from serviceplans.models import (
    PlanAction,
    PlanDocument,
    PlanGoal,
    ServicePlan,
)

# --- Access functions for objects that have none of their own: the parent's rule --------
from voice import services as voice_services
from voice.access import links_visible_to
from voice.models import ClientLink


def consents_visible_to(user) -> QuerySet[Consent]:
    return Consent.objects.filter(client__in=clients_visible_to(user))


def members_visible_to(user) -> QuerySet[NetworkMember]:
    return NetworkMember.objects.filter(network__in=networks_visible_to(user))


def decisions_visible_to(user) -> QuerySet[MeetingDecision]:
    return MeetingDecision.objects.filter(meeting__in=meetings_visible_to(user))


def documents_visible_to(user) -> QuerySet[PlanDocument]:
    return PlanDocument.objects.filter(plan__in=plans_visible_to(user))


def inbox_items_visible_to(user) -> QuerySet[InboxItem]:
    """An inbox item is its recipient's own."""
    return items_of(user)


# --- The registry ---------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectRule:
    model: type[Model]
    field: str  # the model field the URL carries
    visible_to: Callable[[User], QuerySet]
    parent: tuple[str, str] | None = None  # (the parent's argument, the child's foreign key)


# The rules that serve a page argument and an API lookup alike.
REFERRAL = ObjectRule(Referral, "uuid", referrals_visible_to)
EMPLOYER = ObjectRule(Organization, "uuid", employers_visible_to)
JOB_START = ObjectRule(JobStart, "uuid", job_starts_visible_to)
FIDELITY_REVIEW = ObjectRule(FidelityReview, "uuid", fidelity_reviews_visible_to)

INBOX_ITEM = ObjectRule(InboxItem, "uuid", inbox_items_visible_to)

REGISTRY: dict[str, ObjectRule] = {
    "organization_id": ObjectRule(Organization, "uuid", organizations_visible_to),
    "client_id": ObjectRule(Client, "uuid", clients_visible_to),
    "consent_id": ObjectRule(Consent, "uuid", consents_visible_to, parent=("client_id", "client")),
    "consultation_id": ObjectRule(ConsultationRequest, "uuid", consultations_visible_to),
    "network_id": ObjectRule(ClientNetwork, "uuid", networks_visible_to),
    "member_id": ObjectRule(
        NetworkMember, "uuid", members_visible_to, parent=("network_id", "network")
    ),
    "meeting_id": ObjectRule(
        NetworkMeeting, "uuid", meetings_visible_to, parent=("network_id", "network")
    ),
    "decision_id": ObjectRule(
        MeetingDecision, "uuid", decisions_visible_to, parent=("meeting_id", "meeting")
    ),
    "plan_id": ObjectRule(ServicePlan, "uuid", plans_visible_to),
    "action_id": ObjectRule(PlanAction, "uuid", actions_visible_to, parent=("plan_id", "plan")),
    "document_id": ObjectRule(
        PlanDocument, "uuid", documents_visible_to, parent=("plan_id", "plan")
    ),
    # An inbox item: the page's argument and the API's lookup.
    "item_id": INBOX_ITEM,
    "inbox-item_id": INBOX_ITEM,
    # A health check belongs to its client; the routes carry both.
    "check_id": ObjectRule(
        HealthCheck, "uuid", health_checks_visible_to, parent=("client_id", "client")
    ),
    # The pages name the arguments themselves; the API's viewsets are
    # registered as "coaching-<thing>", so their lookups are "coaching-<thing>_id": the
    # same rule under both names.
    "referral_id": REFERRAL,
    "coaching-referral_id": REFERRAL,
    "employer_id": EMPLOYER,
    "job_start_id": JOB_START,
    "coaching-job-start_id": JOB_START,
    "coaching-employer-contact_id": ObjectRule(
        EmployerContact, "uuid", employer_contacts_visible_to
    ),
    "coaching-follow-along-note_id": ObjectRule(
        FollowAlongNote, "uuid", follow_along_notes_visible_to
    ),
    "review_id": FIDELITY_REVIEW,
    "coaching-fidelity-review_id": FIDELITY_REVIEW,
    # A client's one-time link, seen by whoever sees its touchpoint.
    "link_id": ObjectRule(ClientLink, "uuid", links_visible_to),
    # A session on its owner's sessions page.
    "record_uuid": ObjectRule(UserSession, "uuid", sessions_of),
    # The people pages: the administrators manage every person and organisation, an
    # organisation's own administrator the people of their organisation; others none.
    "person_id": ObjectRule(User, "uuid", people_managed_by),
    "managed_organization_id": ObjectRule(Organization, "uuid", organizations_managed_by),
}


# Routes whose own rule for an argument differs from the object's general one, keyed by
# the route's test id: {argument: access function}. The access report is the
# administrators' – who see no client anywhere else – and nobody else's.
ROUTE_RULES: dict[str, dict[str, Callable[[User], QuerySet]]] = {
    "page:clients:access_report": {"client_id": access_report_subjects},
    # coaching: a referral's status is seen by the professional who sent it, its record
    # (profile, benefits counselling, job starts, notes, the ending) only by its coach,
    # the coordinators and the members of the client's network whose organisation the
    # client's job-coaching consent names (`records_visible_to`). These pages show
    # and write the record, so the referrer (lauri) must get 404 here like an outsider.
    **{
        f"page:coaching:{name}": {"referral_id": records_visible_to}
        for name in ("profile", "benefits", "job_start_create", "note_create", "referral_end")
    },
    # A link is made for the client of the record, not of the referral's status.
    "page:voice:link_create_referral": {"referral_id": records_visible_to},
}


def _consultation_actions() -> list[str]:
    from coordination.views import ACTIONS

    return sorted(ACTIONS)


# URL arguments that are not objects: the values to try (each one with every object).
PARAMETERS: dict[str, Callable[[], list[str]]] = {
    "action": _consultation_actions,  # consultations/<uuid>/<slug:action>/
}

# DRF's format-suffix routes (`clients/<id>.json`) are the same views as the routes without
# the suffix: the matrix tests each view once.
FORMAT_SUFFIX = "format"


# --- The world ------------------------------------------------------------------------

# The personas of conftest.py, lauri (a nurse who has left network A: leaving must close
# it at once) and an anonymous visitor.
# tuula is a job coach of the coaching team: network A's client is in her caseload,
# network B's (coached by her colleague sami) is not.
PERSONAS = ("alice", "olli", "kaisa", "eero", "ylva", "lauri", "tuula", "anonymous")


@dataclass
class World:
    users: dict[str, User]
    named: dict[str, Model]  # a few objects by name, for the tests that need one


def _plan(network, by, responsible, today) -> ServicePlan:
    plan = plan_services.create_plan(network, by=by)
    goal = plan_services.add_goal(
        plan, by=by, text="Työkokeilu kahvilassa", domain=PlanGoal.Domain.WORK
    )
    plan_services.add_action(
        plan,
        by=by,
        goal=goal,
        description="Työkokeilupaikan etsiminen",
        service_type=PlanAction.ServiceType.WORK_TRIAL,
        responsible_user=responsible,
        due_date=today + datetime.timedelta(days=14),
    )
    plan.refresh_from_db()
    return plan


def _document(plan, by) -> PlanDocument:
    content = b"%PDF-1.4\n%%EOF\n"
    document = PlanDocument(
        plan=plan,
        sha256=hashlib.sha256(content).hexdigest(),
        language="fi",
        requested_by=by,
        status=PlanDocument.Status.READY,
        lock_version=plan.lock_version,
        finished_at=timezone.now(),
    )
    document.file.save("plan.pdf", ContentFile(content), save=False)
    document.save()
    return document


def _meeting(network, by, member) -> tuple[NetworkMeeting, MeetingDecision]:
    meeting = MeetingFactory(
        network=network, created_by=by, starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    decision = MeetingDecision.objects.create(
        meeting=meeting, text="Työkokeilu alkaa", responsible=member, created_by=by
    )
    return meeting, decision


def _coaching(*, lauri, bob, kaisa, client_a, client_b, client_waiting, today) -> dict:
    """IPS job coaching: a team with two coaches, tuula (who coaches network A's client,
    referred by lauri, who has since left network A: he sees the referral's status,
    not its record) and sami (network B's client, referred by bob); a referral kaisa
    has sent to the team for Niko, waiting for a coach (the team's coaches see it, so
    that one of them can take it);
    two employers and one that has closed; for each referral an employer contact, a job
    start and a follow-along note; and the team's fidelity review.
    The client of network A consented to job coaching for the team and alice's health
    centre (so alice reads A's coaching record); the client of network B for the team
    only (so bob, in network B, sees only whom to ask)."""
    team = OrganizationFactory(
        name="Oulun IPS-työhönvalmennus", kind=Organization.Kind.SOCIAL_SERVICES
    )
    for client, organizations in (
        (client_a, [team, lauri.organization]),
        (client_b, [team]),
    ):
        client_services.record_consent(
            client,
            by=kaisa,
            scope=Consent.Scope.JOB_COACHING,
            method=Consent.Method.WRITTEN,
            organizations=organizations,
        )
    tuula = UserFactory(
        username="tuula", first_name="Tuula", organization=team, role=User.Role.JOB_COACH
    )
    sami = UserFactory(
        username="sami", first_name="Sami", organization=team, role=User.Role.JOB_COACH
    )
    employers = {
        "a": coaching_services.add_employer(by=tuula, name="Kahvila Kaakao Oy"),
        "b": coaching_services.add_employer(by=sami, name="Rautakauppa Ruuvi Oy"),
    }
    OrganizationFactory(name="Lopettanut Leipomo Oy", kind=Organization.Kind.EMPLOYER, active=False)
    named = {}
    for key, client, referrer, coach in (
        ("a", client_a, lauri, tuula),
        ("b", client_b, bob, sami),
    ):
        referral = coaching_services.refer(
            by=referrer,
            client=client,
            team=team,
            source=Referral.Source.HEALTH_CARE,
            referred_on=today - datetime.timedelta(days=30),
        )
        coaching_services.take_referral(referral, by=coach)
        employer = employers[key]
        person = coaching_services.add_contact_person(employer, by=coach, name="Erkki Esihenkilö")
        coaching_services.record_employer_contact(
            referral,
            by=coach,
            employer=employer,
            contact_person=person,
            kind=EmployerContact.Kind.VISIT,
            outcome=EmployerContact.Outcome.INTRODUCED_CLIENT,
            contacted_on=today - datetime.timedelta(days=20),
        )
        job = coaching_services.record_job_start(
            referral,
            by=coach,
            employer=employer,
            started_on=today - datetime.timedelta(days=10),
            hours_per_week=20,
        )
        coaching_services.add_follow_along_note(
            referral, by=coach, text="Ensimmäinen viikko meni hyvin.", job_start=job
        )
        named[f"referral_{key}"] = referral
    named["referral_waiting"] = coaching_services.refer(
        by=kaisa,
        client=client_waiting,
        team=team,
        source=Referral.Source.COORDINATOR,
        referred_on=today - datetime.timedelta(days=2),
    )
    named["fidelity_review"] = coaching_services.save_fidelity_review(
        by=tuula, team=team, reviewed_on=today, scores=dict.fromkeys(range(1, 26), 4)
    )
    named["users"] = {"tuula": tuula, "sami": sami}
    return named


def build_world() -> World:
    """Two of everything: what alice (a member of network A, the requester of her
    consultations) may see, and what only bob (a professional of another organisation, in
    network B) and the hub may see; plus a client nobody but the hub sees and an
    organisation that has closed (only administrators see it). lauri was a member of
    network A and has left it; olli, eero and ylva are in nothing (olli has sent a request
    naming niko, which opens nothing of niko's); kaisa, the coordinator, sees all client
    data."""
    users = make_personas()
    alice, kaisa = users["alice"], users["kaisa"]
    # olli also administers Kela's people: the people pages open Kela's, and only theirs.
    users["olli"].is_org_admin = True
    users["olli"].save(update_fields=["is_org_admin"])
    today = timezone.localdate()
    te_office = OrganizationFactory(name="Oulun työllisyysalue", kind="te_office")
    OrganizationFactory(name="Lakkautettu yksikkö", active=False)
    bob = UserFactory(username="bob", first_name="Bob", organization=te_office)

    # Consultations: alice's (with a client, and an anonymous one) and bob's.
    mine = ConsultationFactory(requester=alice)
    AnonymousConsultationFactory(requester=alice)
    theirs = ConsultationFactory(requester=bob)
    niko = ClientFactory(first_name="Niko", last_name="Näkymätön")  # only the hub sees
    # olli names niko's identity code with other names: his request waits for the hub to
    # link it, and opens nothing of niko's to olli.
    consultation_services.submit_consultation(
        requester=users["olli"],
        anonymous=False,
        reasons=["mental_health"],
        asked=["consultation"],
        description="Olavin tilanne.",
        client_data={
            "first_name": "Olavi",
            "last_name": "Outolintu",
            "personal_identity_code": niko.personal_identity_code,
        },
        consent_method="verbal",
    )

    # Network A around alice's client: alice the responsible worker, and an outside
    # person; network B around bob's client: bob.
    network_a = network_services.form_network(by=kaisa, client=mine.client)
    network_consent(mine.client, [alice.organization], kaisa)
    alice_member = network_services.add_network_member(
        network_a, by=kaisa, user=alice, role=NetworkMember.Role.RESPONSIBLE_WORKER
    )
    network_services.add_network_member(
        network_a,
        by=kaisa,
        role=NetworkMember.Role.EMPLOYER,
        name="Erkki Esihenkilö",
        organization_name="Kahvila Kaakao",
    )
    lauri = UserFactory(username="lauri", first_name="Lauri", organization=alice.organization)
    network_services.remove_network_member(
        network_services.add_network_member(
            network_a, by=kaisa, user=lauri, role=NetworkMember.Role.NURSE
        ),
        by=kaisa,
        reason="Ei enää tarpeen.",
    )
    network_b = network_services.form_network(by=kaisa, client=theirs.client)
    network_consent(theirs.client, [te_office], kaisa)
    bob_member = network_services.add_network_member(
        network_b, by=kaisa, user=bob, role=NetworkMember.Role.RESPONSIBLE_WORKER
    )

    # Plans: A has an agreed version 1 and a draft version 2 (so that comparing works);
    # B a draft. Each has a ready PDF.
    plan_a1 = _plan(network_a, alice, alice, today)
    plan_services.agree_plan(
        plan_a1, by=alice, lock_version=plan_a1.lock_version, method="in_meeting"
    )
    plan_a2 = plan_services.start_plan_revision(plan_a1, by=alice)
    plan_b = _plan(network_b, bob, bob, today)
    _document(plan_a1, alice)
    _document(plan_a2, alice)
    _document(plan_b, bob)

    # Held meetings with a decision each.
    meeting_a, _ = _meeting(network_a, kaisa, alice_member)
    meeting_b, _ = _meeting(network_b, kaisa, bob_member)

    # Health checks for the unemployed: one for each network's client.
    for client, by in ((mine.client, alice), (theirs.client, bob)):
        health_check_services.offer_health_check(client, by=by, offered_on=today)

    # Inbox items: alice's own and bob's (besides those the services announced).
    with transaction.atomic():
        for user, plan in ((alice, plan_a2), (bob, plan_b)):
            announce(user, Kind.REVIEW_DUE, plan, due_date=today)

    coaching = _coaching(
        lauri=lauri,
        bob=bob,
        kaisa=kaisa,
        client_a=mine.client,
        client_b=theirs.client,
        client_waiting=niko,
        today=today,
    )

    # A one-time link for each network's client, from its meeting.
    for meeting in (meeting_a, meeting_b):
        voice_services.create_link(obj=meeting, purpose="feedback", by=kaisa)

    # A browser session each of alice and bob are logged in with, elsewhere.
    for owner in (alice, bob):
        store = SessionStore()
        store.create()
        UserSession.objects.create(user=owner, session_key=store.session_key)

    return World(
        users={**users, "bob": bob, "lauri": lauri, **coaching.pop("users")},
        named={
            "network_a": network_a,
            "network_b": network_b,
            "plan_a1": plan_a1,
            "plan_a2": plan_a2,
            "plan_b": plan_b,
            "meeting_a": meeting_a,
            "meeting_b": meeting_b,
            **coaching,
        },
    )
