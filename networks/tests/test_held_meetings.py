""" "Kirjaa pidetty kokous": a meeting held today or earlier, in person, by phone or by
video, recorded afterwards. It is created as held, nobody is invited or reminded, a
future date or one before the network was formed is refused next to the date, and the
page goes on to the minutes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from clients.models import AccessLog
from networks import services, tasks
from networks.models import (
    ClientNetwork,
    MeetingInvitation,
    MeetingReminder,
    NetworkMeeting,
    NetworkMember,
)
from networks.timeline import network_timeline
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def earlier_today(network):
    """An hour ago, or just after the network was formed if that was less than an hour
    ago (today either way)."""
    return max(timezone.now() - datetime.timedelta(hours=1), network.opened_at)


@pytest.fixture
def members(network, kaisa, teemu):
    services.add_network_member(network, by=kaisa, user=teemu, role=NetworkMember.Role.TE_EXPERT)
    services.add_network_member(
        network,
        by=kaisa,
        name="Maija Virtanen",
        email="maija@example.invalid",
        role=NetworkMember.Role.CLOSE_PERSON,
    )


def _back_date(network, days):
    ClientNetwork.objects.filter(pk=network.pk).update(
        opened_at=timezone.now() - datetime.timedelta(days=days)
    )
    network.refresh_from_db()


# --- The service -----------------------------------------------------------------------


def test_a_phone_meeting_held_today_is_recorded_without_invitations(
    network, members, kaisa, earlier_today, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.record_held_meeting(
            network,
            by=kaisa,
            starts_at=earlier_today,
            duration_minutes=30,
            mode=NetworkMeeting.Mode.PHONE,
        )
    assert meeting.status == NetworkMeeting.Status.HELD
    assert meeting.mode == NetworkMeeting.Mode.PHONE
    assert (meeting.location, meeting.video_link) == ("", "")
    assert meeting.recorded_afterwards
    assert meeting.minutes_recorded_at is None
    assert not MeetingInvitation.objects.filter(meeting=meeting).exists()
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []
    # The reminder sweep passes it by: it is over.
    tasks.send_meeting_reminders()
    assert not MeetingReminder.objects.filter(meeting=meeting).exists()
    assert not OutboxMessage.objects.exists()
    entry = AccessLog.objects.latest("pk")
    assert (entry.user, entry.action, entry.object_kind) == (
        kaisa,
        AccessLog.Action.CREATE,
        "network_meeting",
    )


def test_a_meeting_starting_in_a_minute_is_refused_next_to_the_date(network, kaisa):
    with pytest.raises(services.ValidationError) as refused:
        services.record_held_meeting(
            network,
            by=kaisa,
            starts_at=timezone.now() + datetime.timedelta(minutes=1),
            mode=NetworkMeeting.Mode.PHONE,
        )
    assert list(refused.value.message_dict) == ["starts_at"]
    assert not NetworkMeeting.objects.exists()


def test_a_meeting_before_the_network_was_formed_is_refused(network, kaisa):
    _back_date(network, 3)
    with pytest.raises(services.ValidationError) as refused:
        services.record_held_meeting(
            network,
            by=kaisa,
            starts_at=timezone.now() - datetime.timedelta(days=4),
            mode=NetworkMeeting.Mode.VIDEO,
        )
    assert "starts_at" in refused.value.message_dict
    # Earlier on the day it was formed is fine: a meeting often forms the network.
    meeting = services.record_held_meeting(
        network,
        by=kaisa,
        starts_at=timezone.localtime(network.opened_at).replace(hour=0, minute=5),
        mode=NetworkMeeting.Mode.VIDEO,
    )
    assert meeting.status == NetworkMeeting.Status.HELD


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"duration_minutes": 10}, "duration_minutes"),
        ({"duration_minutes": 600}, "duration_minutes"),
        ({"mode": "carrier pigeon"}, "mode"),
        ({"mode": "in_person", "location": " "}, "location"),
        ({"agenda": "x" * 10_001}, "agenda"),
    ],
)
def test_bad_input_is_refused_by_field(network, kaisa, earlier_today, fields, field):
    data = {"starts_at": earlier_today, "mode": NetworkMeeting.Mode.PHONE, **fields}
    with pytest.raises(services.ValidationError) as refused:
        services.record_held_meeting(network, by=kaisa, **data)
    assert field in refused.value.message_dict
    assert not NetworkMeeting.objects.exists()


def test_a_meeting_at_the_time_of_one_already_there_is_refused(network, kaisa, earlier_today):
    services.record_held_meeting(
        network, by=kaisa, starts_at=earlier_today, mode=NetworkMeeting.Mode.PHONE
    )
    with pytest.raises(services.ValidationError) as refused:
        services.record_held_meeting(
            network,
            by=kaisa,
            starts_at=earlier_today + datetime.timedelta(minutes=15),
            mode=NetworkMeeting.Mode.PHONE,
        )
    assert "starts_at" in refused.value.message_dict
    assert NetworkMeeting.objects.count() == 1


def test_a_member_who_is_not_responsible_cannot_record(network, kaisa, teemu, earlier_today):
    services.add_network_member(network, by=kaisa, user=teemu, role=NetworkMember.Role.TE_EXPERT)
    with pytest.raises(services.InvalidTransition):
        services.record_held_meeting(
            network, by=teemu, starts_at=earlier_today, mode=NetworkMeeting.Mode.PHONE
        )


def test_a_closed_network_records_no_meeting(network, kaisa, earlier_today):
    services.close_network(network, by=kaisa, reason=ClientNetwork.ClosureReason.OTHER)
    with pytest.raises(services.InvalidTransition):
        services.record_held_meeting(
            network, by=kaisa, starts_at=earlier_today, mode=NetworkMeeting.Mode.PHONE
        )


def test_the_first_meeting_makes_a_forming_network_active(network, kaisa, earlier_today):
    assert network.status == ClientNetwork.Status.FORMING
    services.record_held_meeting(
        network, by=kaisa, starts_at=earlier_today, mode=NetworkMeeting.Mode.PHONE
    )
    network.refresh_from_db()
    assert network.status == ClientNetwork.Status.ACTIVE


def test_its_minutes_are_recorded_as_for_a_scheduled_meeting(network, kaisa, alice, earlier_today):
    meeting = services.record_held_meeting(
        network, by=alice, starts_at=earlier_today, mode=NetworkMeeting.Mode.PHONE
    )
    member = network.members.get(user=alice)
    services.record_meeting_minutes(
        meeting,
        by=alice,
        attendees=[member],
        minutes="Sovittiin työkokeilusta.",
        lock_version=meeting.lock_version,
    )
    meeting.refresh_from_db()
    assert meeting.status == NetworkMeeting.Status.HELD
    assert meeting.minutes_recorded_by == alice
    assert list(meeting.attendees.all()) == [member]


def test_the_timeline_shows_it_when_it_was_held(network, kaisa, earlier_today):
    """Like a scheduled meeting whose minutes are recorded, it is a "meeting_held" event;
    never "scheduled"."""
    meeting = services.record_held_meeting(
        network, by=kaisa, starts_at=earlier_today, mode=NetworkMeeting.Mode.PHONE
    )
    events = network_timeline(network, [], [meeting])
    kinds = {event.kind: event for event in events}
    assert "meeting_scheduled" not in kinds
    assert kinds["meeting_held"].at == meeting.starts_at


# --- The page --------------------------------------------------------------------------


def _form(when, **extra):
    local = timezone.localtime(when)
    return {
        "mode": "phone",
        "date": local.strftime("%Y-%m-%d"),
        "time": local.strftime("%H:%M"),
        "duration_minutes": 45,
        "location": "",
        "agenda": "Työkokeilun aloitus",
        **extra,
    }


def _url(network):
    return reverse("networks:meeting_record_held", args=[network.uuid])


def test_recording_from_the_page_opens_the_minutes(client, network, alice, members, earlier_today):
    client.force_login(alice)
    assert client.get(_url(network)).status_code == 200
    response = client.post(_url(network), _form(earlier_today))
    meeting = NetworkMeeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("networks:meeting_detail", args=[meeting.uuid]) + "#h-minutes"
    assert meeting.status == NetworkMeeting.Status.HELD
    assert meeting.mode == NetworkMeeting.Mode.PHONE
    assert not OutboxMessage.objects.exists()
    page = client.get(response.url)
    assert 'id="minutes-form"' in page.content.decode()
    assert page.context["can_record"]
    assert '<details open class="minutes-details">' in page.content.decode()


def test_a_future_date_is_shown_next_to_the_date(client, network, kaisa):
    client.force_login(kaisa)
    response = client.post(_url(network), _form(timezone.now() + datetime.timedelta(days=1)))
    assert response.status_code == 400
    assert response.context["form"].errors["date"]
    assert not NetworkMeeting.objects.exists()


def test_an_in_person_meeting_needs_its_place(client, network, kaisa, earlier_today):
    client.force_login(kaisa)
    response = client.post(_url(network), _form(earlier_today, mode="in_person"))
    assert response.status_code == 400
    assert response.context["form"].errors["location"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("kaisa", 200), ("alice", 200), ("teemu", 404), ("olli", 404), ("eero", 404)],
)
def test_who_may_open_the_page(client, network, kaisa, teemu, request, persona, expected):
    services.add_network_member(network, by=kaisa, user=teemu, role=NetworkMember.Role.TE_EXPERT)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(network)).status_code == expected


def test_the_network_page_offers_it(client, network, kaisa):
    client.force_login(kaisa)
    response = client.get(reverse("networks:network_detail", args=[network.uuid]))
    assert _url(network) in response.content.decode()


# --- The API ---------------------------------------------------------------------------


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_api_records_a_held_meeting(network, members, alice, earlier_today):
    response = _api(alice).post(
        f"/api/v1/networks/{network.uuid}/meetings/",
        {
            "status": "held",
            "mode": "video",
            "starts_at": earlier_today.isoformat(),
            "duration_minutes": 60,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["mode"], body["recorded_afterwards"]) == ("held", "video", True)
    assert not OutboxMessage.objects.exists()
    assert not MeetingInvitation.objects.exists()


def test_the_api_refuses_a_future_held_meeting_with_a_field_error(network, kaisa):
    response = _api(kaisa).post(
        f"/api/v1/networks/{network.uuid}/meetings/",
        {
            "status": "held",
            "mode": "phone",
            "starts_at": (timezone.now() + datetime.timedelta(hours=2)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "starts_at" in response.json()
    assert not NetworkMeeting.objects.exists()


def test_the_api_asks_how_a_held_meeting_was_held(network, kaisa, earlier_today):
    url = f"/api/v1/networks/{network.uuid}/meetings/"
    response = _api(kaisa).post(
        url, {"status": "held", "starts_at": earlier_today.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert "mode" in response.json()
    # The mode is only for a held meeting; a scheduled one says where it is.
    response = _api(kaisa).post(
        url,
        {
            "mode": "phone",
            "starts_at": (timezone.now() + datetime.timedelta(days=2)).isoformat(),
            "location": "Tuira",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "mode" in response.json()


def test_scheduling_through_the_api_is_unchanged(network, kaisa, alice):
    response = _api(kaisa).post(
        f"/api/v1/networks/{network.uuid}/meetings/",
        {
            "starts_at": (timezone.now() + datetime.timedelta(days=2)).isoformat(),
            "location": "Tuira",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "scheduled"
    assert response.json()["recorded_afterwards"] is False
    assert OutboxMessage.objects.filter(recipient=alice.email).count() == 1


def test_a_member_who_is_not_responsible_gets_403(network, kaisa, teemu, earlier_today):
    services.add_network_member(network, by=kaisa, user=teemu, role=NetworkMember.Role.TE_EXPERT)
    response = _api(teemu).post(
        f"/api/v1/networks/{network.uuid}/meetings/",
        {"status": "held", "mode": "phone", "starts_at": earlier_today.isoformat()},
        format="json",
    )
    assert response.status_code == 403
