"""The rules of forming networks, members and meetings: clear refusals, nothing
half-saved, and the database constraints behind them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from clients.models import Consent
from coordination.models import ConsultationRequest
from networks import services
from networks.models import (
    ClientNetwork,
    MeetingDecision,
    NetworkMeeting,
    NetworkMember,
)
from networks.tests.factories import MeetingFactory, MemberFactory, NetworkFactory

pytestmark = pytest.mark.django_db
Role = NetworkMember.Role


# --- Forming ---------------------------------------------------------------------------


def test_forming_from_a_consultation_moves_it_to_network_formed(consultation, kaisa):
    network = services.form_network(by=kaisa, consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationRequest.Status.NETWORK_FORMED
    assert network.origin_consultation == consultation
    assert network.client == consultation.client
    assert network.status == ClientNetwork.Status.FORMING
    assert network.coordinator == kaisa


def test_forming_twice_from_the_same_consultation_returns_the_network(consultation, kaisa):
    first = services.form_network(by=kaisa, consultation=consultation)
    assert services.form_network(by=kaisa, consultation=consultation) == first


def test_forming_records_the_network_consent(consultation, kaisa, health_centre, kela):
    network = services.form_network(
        by=kaisa,
        consultation=consultation,
        consent={"method": "written", "organizations": [health_centre.pk, kela.pk]},
    )
    consent = network.client.consents.get(scope=Consent.Scope.NETWORK)
    assert set(consent.organizations.all()) == {health_centre, kela}


def test_a_request_that_does_not_need_a_network_is_refused(consultation, kaisa):
    ConsultationRequest.objects.filter(pk=consultation.pk).update(status="triaged")
    consultation.refresh_from_db()
    with pytest.raises(services.InvalidTransition):
        services.form_network(by=kaisa, consultation=consultation)
    assert not ClientNetwork.objects.exists()


def test_only_a_coordinator_forms_a_network(consultation, alice):
    with pytest.raises(services.InvalidTransition):
        services.form_network(by=alice, consultation=consultation)


def test_a_second_open_network_is_refused_with_a_message(network, kaisa, consultation):
    ConsultationRequest.objects.filter(pk=consultation.pk).update(client=network.client)
    consultation.refresh_from_db()
    with (
        translation.override("en"),
        pytest.raises(services.InvalidTransition, match="already has an open"),
    ):
        services.form_network(by=kaisa, consultation=consultation)
    consultation.refresh_from_db()
    # Nothing half-saved: the request did not move.
    assert consultation.status == ConsultationRequest.Status.NETWORK_NEEDED
    assert ClientNetwork.objects.count() == 1


def test_the_database_refuses_a_second_open_network(network, kaisa):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClientNetwork.objects.create(client=network.client, coordinator=kaisa)


def test_a_new_network_can_be_formed_after_closing(network, kaisa):
    services.close_network(network, by=kaisa, reason="employed")
    again = services.form_network(by=kaisa, client=network.client)
    assert again.status == ClientNetwork.Status.FORMING


def test_closing_needs_a_reason_from_the_list(network, kaisa):
    with pytest.raises(ValidationError) as error:
        services.close_network(network, by=kaisa, reason="bored")
    assert "reason" in error.value.message_dict
    network.refresh_from_db()
    assert network.is_open


def test_closing_cancels_the_meetings_ahead(network, kaisa, future, mailoutbox):
    meeting = services.schedule_meeting(
        network, by=kaisa, starts_at=future, location="Tuira", duration_minutes=60
    )
    services.close_network(network, by=kaisa, reason="goals_met")
    meeting.refresh_from_db()
    assert meeting.status == NetworkMeeting.Status.CANCELLED
    network.refresh_from_db()
    assert (network.status, network.closure_reason) == ("closed", "goals_met")
    assert network.closed_at is not None


def test_the_database_refuses_a_closed_network_without_a_reason(network):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClientNetwork.objects.filter(pk=network.pk).update(
            status="closed", closed_at=timezone.now()
        )


# --- Members ---------------------------------------------------------------------------


def test_a_professional_whose_organisation_the_consent_covers_is_added(network, kaisa, teemu):
    member = services.add_network_member(network, by=kaisa, user=teemu, role=Role.TE_EXPERT)
    assert member.organization == teemu.organization
    assert member.is_active


def test_a_professional_outside_the_consent_is_refused(network, kaisa, olli):
    with pytest.raises(services.ConsentMissing) as error:
        services.add_network_member(network, by=kaisa, user=olli, role=Role.KELA)
    assert error.value.organization == olli.organization
    assert not network.members.filter(user=olli).exists()


def test_extending_the_consent_lets_the_professional_in(network, kaisa, olli, health_centre):
    services.extend_network_consent(
        network, by=kaisa, method="verbal", organizations=[olli.organization]
    )
    # The new consent covers the earlier organisations too.
    assert services.consent_covers(network.client, health_centre)
    services.add_network_member(network, by=kaisa, user=olli, role=Role.KELA)
    assert network.members.filter(user=olli, left_at__isnull=True).exists()


def test_a_withdrawn_consent_covers_nothing(network, kaisa, teemu):
    for consent in network.client.consents.filter(scope="network"):
        consent.withdrawn_at = timezone.now()
        consent.save()
    with pytest.raises(services.ConsentMissing):
        services.add_network_member(network, by=kaisa, user=teemu, role=Role.TE_EXPERT)


def test_a_hub_coordinator_needs_no_consent_for_the_hub(network, kaisa):
    member = services.add_network_member(network, by=kaisa, user=kaisa, role=Role.OTHER)
    assert member.organization.is_hub


def test_a_second_responsible_worker_is_refused(network, kaisa, teemu):
    with pytest.raises(ValidationError) as error:
        services.add_network_member(network, by=kaisa, user=teemu, role=Role.RESPONSIBLE_WORKER)
    assert "role" in error.value.message_dict
    assert not network.members.filter(user=teemu).exists()


def test_the_database_refuses_a_second_responsible_worker(network, teemu):
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(network=network, user=teemu, role=Role.RESPONSIBLE_WORKER)


def test_a_member_added_twice_is_refused(network, kaisa, alice):
    with pytest.raises(ValidationError) as error:
        services.add_network_member(network, by=kaisa, user=alice, role=Role.NURSE)
    assert "user" in error.value.message_dict
    assert network.members.filter(user=alice).count() == 1


def test_the_database_refuses_the_same_active_professional_twice(network, alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(network=network, user=alice, role=Role.NURSE)


def test_an_outside_person_without_a_name_is_refused(network, kaisa):
    with pytest.raises(ValidationError) as error:
        services.add_network_member(network, by=kaisa, name="  ", role=Role.CLOSE_PERSON)
    assert "name" in error.value.message_dict
    assert network.members.filter(user__isnull=True).count() == 0


def test_the_database_refuses_an_outside_person_without_a_name(network):
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(network=network, user=None, name="", role=Role.CLOSE_PERSON)


def test_an_outside_person_with_a_bad_email_is_refused(network, kaisa):
    with pytest.raises(ValidationError) as error:
        services.add_network_member(
            network, by=kaisa, name="Maija", email="not-an-address", role=Role.CLOSE_PERSON
        )
    assert "email" in error.value.message_dict


def test_an_outside_person_is_added(network, kaisa):
    member = services.add_network_member(
        network,
        by=kaisa,
        name="Maija Meikäläinen",
        organization_name="äiti",
        email="maija@example.invalid",
        role=Role.CLOSE_PERSON,
    )
    assert member.is_outside_person
    assert member.contact_email == "maija@example.invalid"


def test_leaving_keeps_history_and_rejoining_is_a_new_row(network, kaisa, teemu):
    member = services.add_network_member(network, by=kaisa, user=teemu, role=Role.TE_EXPERT)
    services.remove_network_member(member, by=kaisa, reason="Ei enää tarpeen.")
    member.refresh_from_db()
    assert member.left_at is not None
    again = services.add_network_member(network, by=kaisa, user=teemu, role=Role.TE_EXPERT)
    assert again.pk != member.pk
    assert network.members.filter(user=teemu).count() == 2


def test_the_responsible_worker_can_be_replaced_after_leaving(network, kaisa, alice, teemu):
    current = network.members.get(user=alice)
    services.remove_network_member(current, by=kaisa, reason="Ei enää tarpeen.")
    successor = services.add_network_member(
        network, by=kaisa, user=teemu, role=Role.RESPONSIBLE_WORKER
    )
    responsible = network.members.active().filter(role=Role.RESPONSIBLE_WORKER)
    assert list(responsible) == [successor]
    assert successor.user == teemu
    # The one who left stays in the history, no longer responsible.
    current.refresh_from_db()
    assert current.left_at is not None


def test_members_cannot_be_added_to_a_closed_network(network, kaisa, teemu):
    services.close_network(network, by=kaisa, reason="moved")
    with pytest.raises(services.InvalidTransition):
        services.add_network_member(network, by=kaisa, user=teemu, role=Role.TE_EXPERT)


# --- Meetings --------------------------------------------------------------------------


def test_scheduling_activates_the_network(network, kaisa, future):
    meeting = services.schedule_meeting(
        network, by=kaisa, starts_at=future, duration_minutes=90, location="Tuira"
    )
    network.refresh_from_db()
    assert network.status == ClientNetwork.Status.ACTIVE
    assert meeting.ical_uid.endswith("@tyokyky")
    assert meeting.sequence == 0


def test_a_meeting_in_the_past_is_refused(network, kaisa):
    with pytest.raises(ValidationError) as error:
        services.schedule_meeting(
            network,
            by=kaisa,
            starts_at=timezone.now() - datetime.timedelta(hours=1),
            location="Tuira",
        )
    assert "starts_at" in error.value.message_dict
    assert not network.meetings.exists()


def test_overlapping_meetings_are_refused(network, kaisa, future):
    services.schedule_meeting(
        network, by=kaisa, starts_at=future, duration_minutes=60, location="A"
    )
    with pytest.raises(ValidationError) as error:
        services.schedule_meeting(
            network,
            by=kaisa,
            starts_at=future + datetime.timedelta(minutes=30),
            location="B",
        )
    assert "starts_at" in error.value.message_dict
    assert network.meetings.count() == 1
    # Back to back is fine.
    services.schedule_meeting(
        network, by=kaisa, starts_at=future + datetime.timedelta(minutes=60), location="B"
    )


def test_a_meeting_needs_a_place_or_a_link_and_a_sane_duration(network, kaisa, future):
    with pytest.raises(ValidationError) as error:
        services.schedule_meeting(network, by=kaisa, starts_at=future, duration_minutes=5)
    assert {"location", "duration_minutes"} <= set(error.value.message_dict)


def test_a_meeting_needs_a_responsible_worker(kaisa, client_, future):
    network = services.form_network(by=kaisa, client=client_)
    with pytest.raises(services.InvalidTransition):
        services.schedule_meeting(network, by=kaisa, starts_at=future, location="Tuira")


def test_the_responsible_worker_schedules_but_other_members_do_not(network, alice, teemu, kaisa):
    future = timezone.now() + datetime.timedelta(days=2)
    services.schedule_meeting(network, by=alice, starts_at=future, location="Tuira")
    services.add_network_member(network, by=kaisa, user=teemu, role=Role.TE_EXPERT)
    with pytest.raises(services.InvalidTransition):
        services.schedule_meeting(
            network, by=teemu, starts_at=future + datetime.timedelta(days=1), location="X"
        )


def test_updating_the_time_raises_the_sequence_but_the_agenda_does_not(network, kaisa, future):
    meeting = services.schedule_meeting(network, by=kaisa, starts_at=future, location="Tuira")
    services.update_meeting(meeting, by=kaisa, agenda="Uusi asialista")
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    services.update_meeting(meeting, by=kaisa, starts_at=future + datetime.timedelta(hours=2))
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_cancelling_raises_the_sequence(network, kaisa, future):
    meeting = services.schedule_meeting(network, by=kaisa, starts_at=future, location="Tuira")
    services.cancel_meeting(meeting, by=kaisa, reason="Ei enää tarpeen.")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("cancelled", 1)
    # Cancelling again changes nothing.
    services.cancel_meeting(meeting, by=kaisa, reason="Ei enää tarpeen.")
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_minutes_attendance_and_decisions(network, kaisa, alice):
    meeting = MeetingFactory(
        network=network, starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    member = network.members.get(user=alice)
    services.record_meeting_minutes(
        meeting,
        by=kaisa,
        attendees=[member],
        client_present=True,
        minutes="Käytiin läpi tilanne.",
        decisions=[
            {"text": "Työkokeilu selvitetään", "responsible": member, "due_date": None},
            {"text": "  "},
        ],
    )
    meeting.refresh_from_db()
    assert meeting.status == NetworkMeeting.Status.HELD
    assert list(meeting.attendees.all()) == [member]
    assert meeting.client_present is True
    assert MeetingDecision.objects.filter(meeting=meeting).count() == 1


def test_minutes_of_a_future_meeting_are_refused(network, kaisa, future):
    meeting = MeetingFactory(network=network, starts_at=future)
    with pytest.raises(services.InvalidTransition):
        services.record_meeting_minutes(meeting, by=kaisa, minutes="x")


def test_attendees_must_be_members_of_the_network(network, kaisa):
    other = MemberFactory(network=NetworkFactory(), role=Role.NURSE)
    meeting = MeetingFactory(
        network=network, starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as error:
        services.record_meeting_minutes(meeting, by=kaisa, attendees=[other])
    assert "attendees" in error.value.message_dict
    meeting.refresh_from_db()
    assert meeting.status == NetworkMeeting.Status.SCHEDULED
