"""A small world in which every page that takes an object id renders with real content:
alice's answered consultation about Matti (with feedback), his consents and work-ability
assessments, kaisa's network around him with members, a meeting to come and one held with
decisions, and a service plan with goals, actions, an agreed version, a review and the
draft that followed it, its PDF and a reminder; health checks for the unemployed offered
to Matti (one done); and IPS job coaching: alice's referral of Matti taken by tuula, the
team's job coach, with a vocational profile, benefits counselling, contacts with an
employer (with a contact person), a job start and a follow-along note, another client's
referral waiting for a coach, and two fidelity reviews of the team (a trend).

`build_world` answers with the value of every URL argument by its name (`client_id`,
`plan_id`, ...): a new route whose argument is not here makes the accessibility test fail
until the world learns it."""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from clients import services as client_services
from clients.models import Consent
from clients.tests.factories import ClientFactory, ConsentFactory
from coaching import services as coaching_services
from coaching.models import FIDELITY_ITEMS, EmployerContact, Referral
from common.inbox import Kind, announce
from coordination import services as consultation_services
from coordination.models import Organization
from coordination.tests.factories import ConsultationFactory, OrganizationFactory, UserFactory
from healthchecks import services as health_check_services
from inbox.models import InboxItem
from networks import services as network_services
from networks.models import NetworkMember
from networks.tests.factories import MeetingFactory, network_consent
from serviceplans import services as plan_services
from serviceplans.models import PlanAction, PlanGoal
from voice import services as voice_services


def build_world(*, alice, kaisa, health_centre, tuula) -> dict:
    today = timezone.localdate()
    te_office = OrganizationFactory(name="Oulun työllisyysalue", kind=Organization.Kind.TE_OFFICE)
    teemu = UserFactory(
        username="teemu", first_name="Teemu", last_name="Työ", organization=te_office
    )
    matti = ClientFactory(
        first_name="Matti", last_name="Meikäläinen", life_situation="unemployed_registered"
    )

    # alice's identified request, answered by kaisa, with alice's feedback.
    consultation = ConsultationFactory(
        requester=alice,
        client=matti,
        reasons=["mental_health", "long_unemployment"],
        asked=["consultation", "network"],
        description="Matti on ollut kaksi vuotta työttömänä, ja masennus vaikeuttaa "
        "työnhakua. Voisiko asiakasverkosto auttaa?",
    )
    consultation_services.answer_consultation(
        consultation,
        by=kaisa,
        advice="Työttömien terveystarkastus ja verkostotapaaminen.",
        recommended_services="Työttömien terveystarkastus",
        next_step="Koordinaattori soittaa Matille tällä viikolla.",
    )
    consultation_services.give_feedback(
        consultation, by=alice, usefulness=5, text="Selkeä neuvo, kiitos."
    )
    consent = ConsentFactory(client=matti, scope=Consent.Scope.CONSULTATION, recorded_by=alice)
    for days_ago, score in ((120, 4), (0, 6)):
        client_services.record_assessment(
            matti,
            by=kaisa,
            kind="multi_professional",
            score=score,
            assessed_on=today - datetime.timedelta(days=days_ago),
            mental_wellbeing=score - 1,
            motivation_values=score + 1,
            narrative="Arvioitu yhdessä asiakkaan kanssa.",
        )

    # kaisa's network: alice responsible, teemu from the employment services, a sister.
    network = network_services.form_network(by=kaisa, client=matti)
    network_consent(matti, [health_centre, te_office], kaisa)
    member = network_services.add_network_member(
        network, by=kaisa, user=alice, role=NetworkMember.Role.RESPONSIBLE_WORKER
    )
    network_services.add_network_member(
        network, by=kaisa, user=teemu, role=NetworkMember.Role.TE_EXPERT
    )
    network_services.add_network_member(
        network, by=kaisa, role=NetworkMember.Role.CLOSE_PERSON, name="Maija Meikäläinen"
    )
    coming = network_services.schedule_meeting(
        network,
        by=kaisa,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        location="Tuiran sote-keskus, neuvotteluhuone 2",
        agenda="Tilanne, tavoitteet, seuraavat askeleet",
    )
    held = MeetingFactory(
        network=network, created_by=kaisa, starts_at=timezone.now() - datetime.timedelta(days=2)
    )
    network_services.record_meeting_minutes(
        held,
        by=kaisa,
        attendees=[member],
        client_present=True,
        minutes="Käytiin läpi Matin tilanne ja toiveet.",
        decisions=[
            {
                "text": "Teemu etsii työkokeilupaikan.",
                "responsible": network.members.get(user=teemu),
                "due_date": today + datetime.timedelta(days=14),
            }
        ],
    )
    decision = held.decisions.get()

    # The plan: agreed, reviewed, and the draft that followed the review.
    plan = plan_services.create_plan(network, by=alice)
    plan_services.update_plan(
        plan,
        by=alice,
        lock_version=plan.lock_version,
        client_goals="Haluan päästä töihin kahvilaan.",
        strengths="Sosiaalinen, hyvä asiakaspalvelija.",
        next_review_date=today + datetime.timedelta(days=60),
    )
    work = plan_services.add_goal(
        plan, by=alice, text="Työkokeilu kahvilassa", domain=PlanGoal.Domain.WORK
    )
    health = plan_services.add_goal(
        plan, by=alice, text="Uni kuntoon", domain=PlanGoal.Domain.HEALTH
    )
    plan_services.add_action(
        plan,
        by=alice,
        goal=work,
        description="Työkokeilupaikan etsiminen",
        service_type=PlanAction.ServiceType.WORK_TRIAL,
        responsible_user=teemu,
        due_date=today + datetime.timedelta(days=14),
    )
    plan_services.add_action(
        plan,
        by=alice,
        goal=health,
        description="Työttömien terveystarkastus",
        service_type=PlanAction.ServiceType.UNEMPLOYED_HEALTH_CHECK,
        responsible_user=alice,
        due_date=today + datetime.timedelta(days=30),
    )
    plan.refresh_from_db()
    plan_services.agree_plan(
        plan, by=alice, lock_version=plan.lock_version, method="in_meeting", note=""
    )
    plan.refresh_from_db()
    document = plan_services.request_plan_pdf(plan, by=alice)
    plan_services.record_review(
        plan,
        by=alice,
        summary="Työkokeilupaikka löytyi, uni on parantunut.",
        next_review_date=today + datetime.timedelta(days=90),
        progress={work: ("progressing", "Paikka löytyi"), health: ("achieved", "")},
    )
    # The network then revises the plan: version 2 is a draft.
    plan.refresh_from_db()
    draft = plan_services.start_plan_revision(plan, by=alice)
    action = draft.actions.order_by("pk").first()
    with transaction.atomic():
        announce(
            alice,
            Kind.ACTION_DUE,
            action,
            due_date=action.due_date,
            key=f"action:{action.lineage}:{action.due_date.isoformat()}",
        )
    reminder = InboxItem.objects.get(recipient=alice, kind=Kind.ACTION_DUE)

    # A new anonymous request, still waiting for the hub.
    waiting = consultation_services.submit_consultation(
        requester=alice,
        anonymous=True,
        age_band="25_29",
        municipality="678",
        reasons=["work_ability_unclear"],
        asked=["consultation"],
        urgency="urgent",
        description="Nuori aikuinen, ei koulutusta eikä työtä. Mistä aloittaa?",
    )

    # Health checks for the unemployed: one offered, one done.
    offered = health_check_services.offer_health_check(
        matti, by=alice, organization=health_centre, notes="Tarjottu vastaanotolla."
    )
    done = health_check_services.offer_health_check(
        matti,
        by=alice,
        organization=health_centre,
        offered_on=today - datetime.timedelta(days=40),
    )
    health_check_services.record_health_check_done(
        done,
        by=alice,
        done_on=today - datetime.timedelta(days=30),
        done_by=alice,
        led_to_further_assessment=False,
    )

    coaching = _coaching(today, alice=alice, kaisa=kaisa, tuula=tuula, matti=matti)
    link, feedback_token = voice_services.create_link(obj=held, purpose="feedback", by=kaisa)
    _assessment_link, assessment_token = voice_services.create_link(
        obj=held, purpose="self_assessment", by=kaisa
    )

    # A value, or {label: value} when the page is worth seeing in more than one state.
    return {
        "consultation_id": {"answered": consultation.uuid, "waiting": waiting.uuid},
        "action": "triage",  # consultations/<uuid>/<slug:action>/ (POST only)
        "client_id": matti.uuid,
        "consent_id": consent.uuid,
        "network_id": network.uuid,
        "member_id": member.uuid,
        "meeting_id": {"coming": coming.uuid, "held": held.uuid},
        "plan_id": {"draft v2": draft.uuid, "agreed v1": plan.uuid},
        "document_id": document.uuid,
        "action_id": action.uuid,
        "decision_id": decision.uuid,
        "item_id": reminder.uuid,
        "check_id": {"offered": offered.uuid, "done": done.uuid},
        "link_id": link.uuid,
        "record_uuid": uuid.uuid4(),  # account/sessions/<uuid>/end/ (POST only)
        # A password-reset link that does not work: the page that says so.
        "uidb64": "MQ",
        # Real, unused links: opening a client's page does not use it up.
        "token": {"feedback link": feedback_token, "self-assessment link": assessment_token},
        # The people pages (the administrator's): a person and an organisation.
        "person_id": alice.uuid,
        "managed_organization_id": health_centre.uuid,
        **coaching,
    }


def _coaching(today, *, alice, kaisa, tuula, matti) -> dict:
    """tuula's coaching of Matti (referred by alice), an employer, a waiting referral and
    the team's fidelity reviews (tuula and her team: the conftest's fixtures)."""
    days = datetime.timedelta
    team = tuula.organization
    referral = coaching_services.refer(
        by=alice,
        client=matti,
        team=team,
        source=Referral.Source.HEALTH_CARE,
        notes="Matti haluaa töihin kahvilaan.",
        referred_on=today - days(60),
    )
    coaching_services.take_referral(referral, by=tuula)
    coaching_services.save_vocational_profile(
        referral,
        by=tuula,
        agreed_with_client_on=today - days(50),
        preferences="Asiakaspalvelu, kahvila- tai ravintola-ala, aamuvuorot.",
        strengths="Sosiaalinen, täsmällinen, barista-kurssi.",
        restrictions="Ei raskaita nostoja.",
        disclosure="Terveydentilasta saa kertoa työnantajalle.",
    )
    coaching_services.record_benefits_counselling(
        referral,
        by=tuula,
        done_on=today - days(45),
        notes="Soviteltu työttömyysetuus, asumistuki tarkistetaan.",
    )
    employer = coaching_services.add_employer(by=tuula, name="Kahvila Kulma Oy", municipality="564")
    person = coaching_services.add_contact_person(
        employer,
        by=tuula,
        name="Kalle Kulma",
        title="ravintolapäällikkö",
        phone="040 123 4567",
        email="kalle@example.com",
    )
    for days_ago, kind, outcome in (
        (40, EmployerContact.Kind.PHONE, EmployerContact.Outcome.FOLLOW_UP_AGREED),
        (30, EmployerContact.Kind.VISIT, EmployerContact.Outcome.INTERVIEW_AGREED),
    ):
        coaching_services.record_employer_contact(
            referral,
            by=tuula,
            employer=employer,
            contact_person=person,
            kind=kind,
            outcome=outcome,
            contacted_on=today - days(days_ago),
            hidden_job=True,
            notes="Aamuvuoro vapautumassa.",
        )
    job = coaching_services.record_job_start(
        referral,
        by=tuula,
        employer=employer,
        started_on=today - days(20),
        hours_per_week="20",
        job_title="Kahvilatyöntekijä",
        modifications="Aamuvuorot, tauko puolen päivän aikaan.",
    )
    coaching_services.add_follow_along_note(
        referral,
        by=tuula,
        job_start=job,
        text="Ensimmäiset viikot sujuneet hyvin; esihenkilö tyytyväinen.",
        written_on=today - days(5),
    )
    # Another client, referred by the hub, still waiting for a coach of the team.
    sanna = ClientFactory(first_name="Sanna", last_name="Esimerkki")
    waiting = coaching_services.refer(
        by=kaisa, client=sanna, team=team, source=Referral.Source.COORDINATOR
    )
    reviews = [
        coaching_services.save_fidelity_review(
            by=tuula,
            team=team,
            reviewed_on=today - days(days_ago),
            scores={number: min(5, base + number % 3) for number, _label in FIDELITY_ITEMS},
            notes="Tiimin itsearvio.",
        )
        for days_ago, base in ((370, 2), (180, 3), (10, 3))
    ]
    return {
        "referral_id": {"follow-along": referral.uuid, "waiting": waiting.uuid},
        "employer_id": employer.uuid,
        "job_start_id": job.uuid,
        "review_id": reviews[-1].uuid,
    }
