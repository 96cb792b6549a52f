"""The minutes of a held meeting: printable as a page of their own (read as an export)
and shared with the members as a link in their inbox, once per version of the minutes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import AccessLog
from clients.tests.factories import ClientFactory
from common.inbox import Kind
from inbox.models import InboxItem
from networks.models import NetworkMeeting
from networks.tests.factories import MeetingFactory, MemberFactory, NetworkFactory, network_consent
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(kaisa, alice):
    client = ClientFactory(first_name="Minna", last_name="Malliasiakas")
    network = NetworkFactory(client=client, coordinator=kaisa)
    network_consent(client, [alice.organization], kaisa)
    MemberFactory(network=network, user=kaisa)
    MemberFactory(network=network, user=alice)
    return MeetingFactory(
        network=network,
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        status=NetworkMeeting.Status.HELD,
        minutes="Sovittiin työkokeilusta kahvilassa.",
        minutes_recorded_at=timezone.now() - datetime.timedelta(hours=1),
        minutes_recorded_by=kaisa,
    )


def test_the_print_view_shows_the_minutes_and_is_logged_as_an_export(client, held, alice):
    client.force_login(alice)
    response = client.get(reverse("networks:meeting_minutes_print", args=[held.uuid]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sovittiin työkokeilusta kahvilassa." in page and "Minna Malliasiakas" in page
    assert AccessLog.objects.filter(
        user=alice, action=AccessLog.Action.EXPORT, object_kind="network_meeting"
    ).exists()


def test_an_outsider_cannot_print_the_minutes(client, held, olli):
    client.force_login(olli)
    response = client.get(reverse("networks:meeting_minutes_print", args=[held.uuid]))
    assert response.status_code == 404
    assert not AccessLog.objects.filter(user=olli).exists()


def test_sharing_tells_each_other_member_once_with_a_link_only(client, held, kaisa, alice):
    client.force_login(kaisa)
    url = reverse("networks:meeting_minutes_share", args=[held.uuid])
    for _round in range(2):  # shared twice: still one item each
        assert client.post(url).status_code == 302
    items = InboxItem.objects.filter(kind=Kind.MINUTES_SHARED)
    assert [item.recipient for item in items] == [alice]  # not the one who shared
    assert items[0].url == reverse("networks:meeting_detail", args=[held.uuid])
    for message in OutboxMessage.objects.all():
        assert "Sovittiin" not in message.body and "Malliasiakas" not in message.body
    # Corrected minutes are a new thing to read.
    NetworkMeeting.objects.filter(pk=held.pk).update(minutes_recorded_at=timezone.now())
    client.post(url)
    assert InboxItem.objects.filter(kind=Kind.MINUTES_SHARED, recipient=alice).count() == 2


def test_only_recorded_minutes_can_be_shared(client, held, kaisa):
    NetworkMeeting.objects.filter(pk=held.pk).update(
        status=NetworkMeeting.Status.SCHEDULED, minutes_recorded_at=None
    )
    client.force_login(kaisa)
    response = client.post(reverse("networks:meeting_minutes_share", args=[held.uuid]), follow=True)
    assert "Vain kirjatun muistion voi jakaa." in response.content.decode()
    assert not InboxItem.objects.filter(kind=Kind.MINUTES_SHARED).exists()


def test_a_member_who_may_not_manage_meetings_cannot_share(client, held, alice):
    client.force_login(alice)
    response = client.post(reverse("networks:meeting_minutes_share", args=[held.uuid]))
    assert response.status_code == 404
