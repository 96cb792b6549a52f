"""Two people edit the same meeting from the same starting version: the second save is
refused with a message (page: the typed text stays in the form; API: 409), and the first
save's text stays."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from networks.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_meeting(network):
    return MeetingFactory(network=network, starts_at=timezone.now() - datetime.timedelta(hours=1))


def _minutes(text, lock_version):
    return {
        "lock_version": lock_version,
        "client_present": "yes",
        "minutes": text,
        "decisions-TOTAL_FORMS": "1",
        "decisions-INITIAL_FORMS": "0",
        "decisions-0-text": "",
    }


def test_a_second_minutes_save_from_the_same_version_is_refused_on_the_page(
    client, held_meeting, kaisa, alice
):
    url = reverse("networks:meeting_minutes", args=[held_meeting.uuid])
    client.force_login(alice)
    opened = client.get(reverse("networks:meeting_detail", args=[held_meeting.uuid]))
    version = opened.context["minutes_form"]["lock_version"].value()
    assert version == held_meeting.lock_version
    first = client.post(url, _minutes("Alicen pöytäkirja", version))
    assert first.status_code == 302
    client.force_login(kaisa)
    second = client.post(url, _minutes("Kaisan pöytäkirja", version))
    assert second.status_code == 409
    form = second.context["minutes_form"]
    assert _stale_message(form)
    assert form["minutes"].value() == "Kaisan pöytäkirja"  # the typed text is kept
    # Saving again after comparing is deliberate, and goes through.
    assert int(form["lock_version"].value()) == version + 1
    held_meeting.refresh_from_db()
    assert held_meeting.minutes == "Alicen pöytäkirja"


def test_a_second_meeting_change_from_the_same_version_is_refused_on_the_page(
    client, network, kaisa, alice
):
    meeting = MeetingFactory(network=network)
    local = timezone.localtime(meeting.starts_at)
    url = reverse("networks:meeting_edit", args=[meeting.uuid])

    def data(agenda):
        return {
            "lock_version": meeting.lock_version,
            "date": local.strftime("%Y-%m-%d"),
            "time": local.strftime("%H:%M"),
            "duration_minutes": 60,
            "location": "Tuira",
            "agenda": agenda,
        }

    client.force_login(alice)
    assert client.post(url, data("1. Alicen asialista")).status_code == 302
    client.force_login(kaisa)
    second = client.post(url, data("1. Kaisan asialista"))
    assert second.status_code == 409
    assert second.context["form"]["agenda"].value() == "1. Kaisan asialista"
    meeting.refresh_from_db()
    assert meeting.agenda == "1. Alicen asialista"


def test_a_second_minutes_save_from_the_same_version_is_409_in_the_api(
    held_meeting, network, kaisa, alice
):
    api = APIClient()
    url = f"/api/v1/networks/{network.uuid}/meetings/{held_meeting.uuid}/"
    api.force_authenticate(alice)
    listed = api.get(f"/api/v1/networks/{network.uuid}/meetings/").json()
    version = listed[0]["lock_version"]
    first = api.patch(url, {"minutes": "Alicen", "lock_version": version}, format="json")
    assert first.status_code == 200, first.json()
    assert first.json()["lock_version"] == version + 1
    api.force_authenticate(kaisa)
    second = api.patch(url, {"minutes": "Kaisan", "lock_version": version}, format="json")
    assert second.status_code == 409
    assert second.json()["code"] == "stale" and second.json()["non_field_errors"]
    missing = api.patch(url, {"minutes": "Kaisan"}, format="json")
    assert missing.status_code == 400 and "lock_version" in missing.json()
    held_meeting.refresh_from_db()
    assert held_meeting.minutes == "Alicen"


def test_a_second_meeting_change_from_the_same_version_is_409_in_the_api(network, kaisa, alice):
    meeting = MeetingFactory(network=network)
    api = APIClient()
    url = f"/api/v1/networks/{network.uuid}/meetings/{meeting.uuid}/"
    api.force_authenticate(alice)
    assert (
        api.patch(url, {"agenda": "A", "lock_version": meeting.lock_version}, format="json")
    ).status_code == 200
    api.force_authenticate(kaisa)
    second = api.patch(url, {"agenda": "K", "lock_version": meeting.lock_version}, format="json")
    assert second.status_code == 409
    meeting.refresh_from_db()
    assert meeting.agenda == "A"


def _stale_message(form) -> bool:
    """The stale-save message at the top of the form, in the user's language."""
    text = " ".join(form.non_field_errors())
    return "Someone else saved this" in text or "Joku muu tallensi" in text
