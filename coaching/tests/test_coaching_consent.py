"""The coaching record is disclosed under the client's consent for job coaching, not under
network membership: a member of the client's network reads it only where a valid
job-coaching consent names their organisation; otherwise they see that coaching goes on
and whom to ask."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from clients.models import AccessLog, Consent
from clients.tests.factories import ClientFactory, ConsentFactory
from coaching import services
from coaching.models import Referral
from networks import services as network_services
from networks.models import NetworkMember
from networks.tests.factories import network_consent

pytestmark = pytest.mark.django_db

SECRET = "Haluaa kertoa diagnoosistaan vain esihenkilölle"


@pytest.fixture
def person(db):
    return ClientFactory(first_name="Milla", last_name="Esimerkki")


@pytest.fixture
def coaching_consent(person, kaisa, coaching_team):
    """The client's consent for job coaching: the IPS team only."""
    consent = ConsentFactory(client=person, scope=Consent.Scope.JOB_COACHING, recorded_by=kaisa)
    consent.organizations.set([coaching_team])
    return consent


@pytest.fixture
def coached(person, kaisa, alice, tuula, health_centre, coaching_team, coaching_consent):
    """alice is in the client's network (the network consent covers her health centre);
    kaisa referred the client to the IPS team and tuula coaches them."""
    network = network_services.form_network(by=kaisa, client=person)
    network_consent(person, [health_centre], kaisa)
    network_services.add_network_member(
        network, by=kaisa, user=alice, role=NetworkMember.Role.NURSE
    )
    referral = services.refer(
        by=kaisa, client=person, team=coaching_team, source=Referral.Source.COORDINATOR
    )
    services.take_referral(referral, by=tuula)
    services.save_vocational_profile(referral, by=tuula, disclosure=SECRET)
    return referral


def _name_alices_organisation(person, kaisa, coaching_team, health_centre):
    from clients import services as client_services

    client_services.record_consent(
        person,
        by=kaisa,
        scope=Consent.Scope.JOB_COACHING,
        method=Consent.Method.WRITTEN,
        organizations=[coaching_team, health_centre],
    )


def test_a_member_outside_the_coaching_consent_gets_404_on_the_record(client, coached, alice):
    client.force_login(alice)
    for name in ("referral_detail", "profile", "benefits"):
        response = client.get(reverse(f"coaching:{name}", args=[coached.uuid]))
        assert response.status_code == 404, name
        assert SECRET.encode() not in response.content
    assert not AccessLog.objects.filter(user=alice, object_kind="coaching_referral").exists()


def test_a_member_outside_the_coaching_consent_gets_404_through_the_api(coached, alice):
    api = APIClient()
    api.force_authenticate(alice)
    base = "/api/v1/coaching/referrals/"
    assert api.get(f"{base}{coached.uuid}/").status_code == 404
    assert api.get(base).json()["count"] == 0
    notes = api.get("/api/v1/coaching/follow-along-notes/").json()
    assert notes["count"] == 0


def test_the_client_page_says_coaching_goes_on_and_whom_to_ask(client, coached, alice, tuula):
    client.force_login(alice)
    response = client.get(reverse("clients:client_detail", args=[coached.client.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Job coaching is ongoing" in html or "Työhönvalmennus on käynnissä" in html
    assert str(tuula) in html and tuula.organization.name in html
    assert reverse("coaching:referral_detail", args=[coached.uuid]) not in html
    assert SECRET not in html


def test_the_network_page_says_coaching_goes_on_and_whom_to_ask(client, coached, alice, tuula):
    network = coached.client.networks.get()
    client.force_login(alice)
    response = client.get(reverse("networks:network_detail", args=[network.uuid]))
    html = response.content.decode()
    assert str(tuula) in html and tuula.organization.name in html
    assert reverse("coaching:referral_detail", args=[coached.uuid]) not in html


def test_once_the_consent_names_her_organisation_she_reads_it_under_that_consent(
    client, coached, alice, kaisa, coaching_team, health_centre
):
    _name_alices_organisation(coached.client, kaisa, coaching_team, health_centre)
    client.force_login(alice)
    response = client.get(reverse("coaching:referral_detail", args=[coached.uuid]))
    assert response.status_code == 200 and response.context["full"] is True
    assert SECRET.encode() in response.content
    row = AccessLog.objects.filter(user=alice, object_kind="coaching_referral").get()
    assert row.basis == AccessLog.Basis.JOB_COACHING_CONSENT
    api = APIClient()
    api.force_authenticate(alice)
    body = api.get(f"/api/v1/coaching/referrals/{coached.uuid}/").json()
    assert body["record_visible"] is True
    assert AccessLog.objects.filter(user=alice, action="api").first().basis == (
        "job_coaching_consent"
    )


def test_a_withdrawn_coaching_consent_closes_the_record_again(
    client, coached, alice, kaisa, coaching_team, health_centre
):
    _name_alices_organisation(coached.client, kaisa, coaching_team, health_centre)
    from clients import services as client_services

    for consent in Consent.objects.filter(client=coached.client, scope="job_coaching"):
        client_services.withdraw_consent(
            consent,
            by=kaisa,
            withdrawn_on=timezone.localdate(),
            channel="phone",
            reported_by="client",
        )
    client.force_login(alice)
    assert client.get(reverse("coaching:referral_detail", args=[coached.uuid])).status_code == 404


def test_a_consent_naming_her_organisation_alone_opens_nothing_outside_the_network(
    client, coached, olli, kaisa, kela, coaching_team
):
    """The coaching consent discloses to network members; it does not make an outsider
    one."""
    from clients import services as client_services

    client_services.record_consent(
        coached.client,
        by=kaisa,
        scope=Consent.Scope.JOB_COACHING,
        method=Consent.Method.WRITTEN,
        organizations=[coaching_team, kela],
    )
    client.force_login(olli)
    assert client.get(reverse("coaching:referral_detail", args=[coached.uuid])).status_code == 404
