"""The professional's side: a link is made from the touchpoint's page by someone who
may see it, shown as a QR code and on paper, e-mailed with nothing but the link, and
revoked; everybody else gets 404 and every read is in the access log."""

import pytest

from clients.models import AccessLog, WorkAbilityAssessment
from coordination.tests.factories import AnonymousConsultationFactory, ConsultationFactory
from networks.tests.factories import MemberFactory, network_consent
from outbox.models import OutboxMessage
from serviceplans.models import ServicePlan
from voice import services
from voice.models import ClientLink, LinkEvent

pytestmark = pytest.mark.django_db


def create(client, meeting, purpose="feedback"):
    return client.post(f"/client-links/new/meeting/{meeting.uuid}/", {"purpose": purpose})


def test_the_meeting_page_offers_links_to_a_coordinator(client, kaisa, meeting):
    client.force_login(kaisa)
    page = client.get(f"/networks/meetings/{meeting.uuid}/").content.decode()
    assert f'action="/client-links/new/meeting/{meeting.uuid}/"' in page
    assert "Palautelinkki" in page and "Oman arvion linkki" in page


def test_a_coordinator_makes_a_link_and_sees_its_qr_code(client, kaisa, meeting):
    client.force_login(kaisa)
    made = create(client, meeting)
    link = ClientLink.objects.get()
    assert made.status_code == 302
    assert made["Location"] == f"/client-links/{link.uuid}/"
    page = client.get(made["Location"]).content.decode()
    assert "<svg" in page and 'class="segno"' in page
    assert "/c/feedback/" in page
    printed = client.get(f"/client-links/{link.uuid}/print/").content.decode()
    assert "<svg" in printed and "data-print" in printed
    # The QR code and the address are shown only while the link can be used.
    client.post(f"/client-links/{link.uuid}/revoke/")
    assert "<svg" not in client.get(made["Location"]).content.decode()
    logged = AccessLog.objects.filter(client=link.client, object_kind="client_link")
    assert set(logged.values_list("action", flat=True)) == {"create", "view", "update"}


def test_a_link_defaults_to_fourteen_days_and_the_clients_language(kaisa, make_link):
    link, _token = make_link()
    assert (link.expires_at - link.created_at).days == 14
    assert link.language == link.client.language
    assert link.organization == kaisa.organization


def test_the_e_mail_carries_only_the_link(client, kaisa, meeting):
    client.force_login(kaisa)
    create(client, meeting)
    link = ClientLink.objects.get()
    sent = client.post(f"/client-links/{link.uuid}/send/", {"email": "asiakas@example.org"})
    assert sent.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.recipient == "asiakas@example.org"
    assert "/c/feedback/" in message.body
    for data in (link.client.first_name, link.client.last_name, str(link.client.uuid)):
        assert data not in message.body and data not in message.subject
    assert LinkEvent.objects.filter(link=link, kind="sent").exists()


def test_a_bad_address_is_named_next_to_its_field(client, kaisa, meeting):
    client.force_login(kaisa)
    create(client, meeting)
    link = ClientLink.objects.get()
    page = client.post(f"/client-links/{link.uuid}/send/", {"email": "not an address"})
    assert page.status_code == 400
    assert 'id="id_email-error"' in page.content.decode()
    assert OutboxMessage.objects.count() == 0


@pytest.mark.parametrize("persona", ["alice", "olli", "eero", "ylva"])
def test_an_outsider_gets_404(client, request, persona, make_link, meeting):
    link, _token = make_link()
    client.force_login(request.getfixturevalue(persona))
    assert create(client, meeting).status_code == 404
    for suffix in ("", "print/"):
        assert client.get(f"/client-links/{link.uuid}/{suffix}").status_code == 404
    assert client.post(f"/client-links/{link.uuid}/revoke/").status_code == 404
    assert ClientLink.objects.count() == 1
    assert not AccessLog.objects.filter(object_kind="client_link").exists()


def test_a_network_member_may_hand_out_a_link(client, alice, make_link, meeting):
    MemberFactory(network=meeting.network, user=alice)
    network_consent(meeting.network.client, [alice.organization], meeting.network.coordinator)
    client.force_login(alice)
    assert create(client, meeting, "self_assessment").status_code == 302
    link = ClientLink.objects.get()
    assert link.organization == alice.organization
    assert client.get(f"/client-links/{link.uuid}/").status_code == 200


def test_a_consultation_link_is_the_hubs_and_needs_a_client(client, alice, kaisa):
    identified = ConsultationFactory(requester=alice)
    anonymous = AnonymousConsultationFactory(requester=alice)
    client.force_login(alice)
    url = "/client-links/new/consultation/{}/"
    assert client.post(url.format(identified.uuid), {"purpose": "feedback"}).status_code == 404
    client.force_login(kaisa)
    assert client.post(url.format(anonymous.uuid), {"purpose": "feedback"}).status_code == 404
    assert client.post(url.format(identified.uuid), {"purpose": "feedback"}).status_code == 302
    assert ClientLink.objects.get().touchpoint == "consultation_answer"


def test_the_plan_page_shows_the_clients_own_assessment(client, kaisa, meeting):
    plan = ServicePlan.objects.create(
        client=meeting.network.client, network=meeting.network, version=1, created_by=kaisa
    )
    link, _token = services.create_link(obj=plan, purpose="self_assessment", by=kaisa)
    services.submit_self_assessment(link, score=4, narrative="<b>Haluan töihin</b>")
    assert WorkAbilityAssessment.objects.get().kind == "self"
    client.force_login(kaisa)
    page = client.get(f"/plans/{plan.uuid}/").content.decode()
    assert "Asiakkaan oma arvio" in page
    assert "4/10" in page
    assert "&lt;b&gt;Haluan töihin&lt;/b&gt;" in page
