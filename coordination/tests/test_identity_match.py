"""A request naming a person the hub already knows: the requester is shown only what they
sent, the same as for a new person; the coordinator sees the match and links it."""

import pytest
from django.urls import reverse

from clients.models import AccessLog, Client, Consent
from clients.tests.factories import ClientFactory
from coordination import services
from coordination.models import ConsultationRequest
from coordination.tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

KNOWN_CODE = "131052-308T"
NEW_CODE = "010190-123M"


@pytest.fixture(autouse=True)
def _in_english(client, settings):
    """The pages are read in English (the catalogues translate them)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def known(alice):
    """Matti, a client of alice's request, with what alice recorded about him."""
    matti = ClientFactory(
        first_name="Matti",
        last_name="Meikäläinen",
        personal_identity_code=KNOWN_CODE,
        municipality="244",
        phone="040 111 2222",
        email="matti@example.org",
    )
    ConsultationFactory(requester=alice, client=matti)
    return matti


def request_body(code, first="Olavi", last="Outolintu"):
    return {
        "anonymous": False,
        "client": {
            "first_name": first,
            "last_name": last,
            "personal_identity_code": code,
            "municipality": "564",
        },
        "consent": {"method": "verbal"},
        "reasons": ["mental_health"],
        "asked": ["consultation"],
        "description": "Tarvitaan arvio.",
    }


def page_post(code, first="Olavi", last="Outolintu"):
    return {
        "kind": "identified",
        "client-personal_identity_code": code,
        "client-first_name": first,
        "client-last_name": last,
        "client-municipality": "564",
        "client-language": "fi",
        "consent-consent_given": "on",
        "consent-method": "verbal",
        "reasons": ["mental_health"],
        "asked": ["consultation"],
        "urgency": "normal",
        "channel": "e_form",
        "description": "Tarvitaan arvio.",
    }


STORED = ("Matti", "Meikäläinen", "Kempele", "040 111 2222", "matti@example.org", KNOWN_CODE)


def assert_nothing_stored_in(text: str):
    for value in STORED:
        assert value not in text, value


def test_outsider_naming_a_known_code_in_the_api_sees_only_what_they_sent(client, olli, known):
    client.force_login(olli)
    response = client.post(
        reverse("consultation-list"), request_body(KNOWN_CODE), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert_nothing_stored_in(response.content.decode())
    body = response.json()
    assert body["client"]["first_name"] == "Olavi" and body["client"]["id"] is None
    detail = client.get(reverse("consultation-detail", args=[body["id"]]))
    assert_nothing_stored_in(detail.content.decode())
    # Not linked, and no access to the record through the request.
    consultation = ConsultationRequest.objects.get(uuid=body["id"])
    assert consultation.client is None and consultation.awaiting_identification
    assert client.get(reverse("client-detail", args=[known.uuid])).status_code == 404
    assert client.get(reverse("clients:client_detail", args=[known.uuid])).status_code == 404
    assert client.get(reverse("client-list")).json()["count"] == 0
    # The known client has not gained a consent from olli's request.
    assert not known.consents.filter(recorded_by=olli).exists()


def test_outsider_naming_a_known_code_on_the_page_sees_only_what_they_sent(client, olli, known):
    client.force_login(olli)
    response = client.post(reverse("consultation_create"), page_post(KNOWN_CODE), follow=True)
    assert response.status_code == 200
    consultation = ConsultationRequest.objects.get(requester=olli)
    for url in (
        reverse("consultation_detail", args=[consultation.uuid]),
        reverse("my_requests"),
        reverse("consultation_confirmation", args=[consultation.uuid]),
    ):
        text = client.get(url).content.decode()
        assert_nothing_stored_in(text)
    detail = client.get(reverse("consultation_detail", args=[consultation.uuid])).content.decode()
    assert "Olavi Outolintu" in detail
    assert client.get(reverse("clients:client_detail", args=[known.uuid])).status_code == 404


def _fields(body):
    """What differs between two requests anyway (ids, times, the reference, the code)."""
    body = dict(body)
    for name in ("id", "reference", "submitted_at"):
        body.pop(name)
    body["client"] = {k: v for k, v in body["client"].items() if k != "personal_identity_code"}
    return body


def test_known_and_new_codes_look_the_same_to_the_requester(client, olli, known):
    client.force_login(olli)
    url = reverse("consultation-list")
    known_body = client.post(url, request_body(KNOWN_CODE), content_type="application/json")
    new_body = client.post(url, request_body(NEW_CODE), content_type="application/json")
    assert _fields(known_body.json()) == _fields(new_body.json())
    for body in (known_body.json(), new_body.json()):
        again = client.get(reverse("consultation-detail", args=[body["id"]])).json()
        assert _fields(again) == _fields(new_body.json())
    # The pages too, apart from the reference and the masked code.
    pages = []
    for body, code in ((known_body.json(), KNOWN_CODE), (new_body.json(), NEW_CODE)):
        text = client.get(reverse("consultation_detail", args=[body["id"]])).content.decode()
        masked = f"{code[:7]}***{code[-1]}"
        for value, mark in ((body["reference"], "REF"), (masked, "CODE"), (body["id"], "ID")):
            text = text.replace(value, mark)
        pages.append(text)
    strip = [line for line in pages[0].splitlines() if "csrf" not in line]
    other = [line for line in pages[1].splitlines() if "csrf" not in line]
    assert strip == other


def test_a_new_code_creates_the_client_and_links_it(client, olli):
    client.force_login(olli)
    response = client.post(
        reverse("consultation-list"), request_body(NEW_CODE), content_type="application/json"
    )
    consultation = ConsultationRequest.objects.get(uuid=response.json()["id"])
    assert consultation.client.personal_identity_code == NEW_CODE
    assert consultation.consent.is_valid and consultation.consent.client == consultation.client
    # The requester still reaches the record only through a network.
    assert client.get(reverse("client-detail", args=[consultation.client.uuid])).status_code == 404


def test_coordinator_sees_the_match_and_links_it(client, olli, kaisa, known):
    client.force_login(olli)
    body = client.post(
        reverse("consultation-list"), request_body(KNOWN_CODE), content_type="application/json"
    ).json()
    consultation = ConsultationRequest.objects.get(uuid=body["id"])

    client.force_login(kaisa)
    queue = client.get(reverse("consultation_queue")).content.decode()
    assert "Olavi Outolintu" in queue and "Awaiting identification" in queue
    page = client.get(reverse("consultation_detail", args=[consultation.uuid])).content.decode()
    assert "This identity code belongs to an existing client: Matti Meikäläinen." in page
    api = client.get(reverse("consultation-detail", args=[consultation.uuid])).json()
    assert api["awaiting_identification"] is True
    assert api["identity_match"]["id"] == str(known.uuid)

    response = client.post(reverse("consultation_action", args=[consultation.uuid, "link-client"]))
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.client == known
    assert consultation.consent.client == known and consultation.consent.is_valid
    assert consultation.consent.recorded_by == olli
    assert AccessLog.objects.filter(
        user=kaisa, client=known, action=AccessLog.Action.UPDATE
    ).exists()

    # After the link the requester still sees only their own snapshot.
    client.force_login(olli)
    for url in (
        reverse("consultation-detail", args=[consultation.uuid]),
        reverse("consultation_detail", args=[consultation.uuid]),
        reverse("my_requests"),
    ):
        assert_nothing_stored_in(client.get(url).content.decode())
    assert client.get(reverse("client-detail", args=[known.uuid])).status_code == 404


def test_only_a_coordinator_links(olli, alice, known):
    consultation = services.submit_consultation(
        requester=olli,
        anonymous=False,
        reasons=["mental_health"],
        asked=["consultation"],
        description="x",
        client_data={"first_name": "O", "last_name": "O", "personal_identity_code": KNOWN_CODE},
        consent_method="verbal",
    )
    with pytest.raises(services.InvalidTransition):
        services.link_consultation_client(consultation, by=olli)
    with pytest.raises(services.InvalidTransition):
        services.link_consultation_client(consultation, by=alice)


def test_the_api_links_through_a_transition(client, olli, kaisa, known):
    client.force_login(olli)
    body = client.post(
        reverse("consultation-list"), request_body(KNOWN_CODE), content_type="application/json"
    ).json()
    url = reverse("consultation-transition", args=[body["id"]])
    denied = client.post(url, {"action": "link_client"}, content_type="application/json")
    assert denied.status_code == 400
    client.force_login(kaisa)
    response = client.post(url, {"action": "link_client"}, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["client"]["id"] == str(known.uuid)


def test_a_waiting_request_needs_the_link_before_a_network(olli, kaisa, known):
    consultation = services.submit_consultation(
        requester=olli,
        anonymous=False,
        reasons=["mental_health"],
        asked=["network"],
        description="x",
        client_data={"first_name": "O", "last_name": "O", "personal_identity_code": KNOWN_CODE},
        consent_method="verbal",
    )
    with pytest.raises(services.InvalidTransition):
        services.mark_network_needed(consultation, by=kaisa)
    services.link_consultation_client(consultation, by=kaisa)
    assert services.mark_network_needed(consultation, by=kaisa).status == "network_needed"


def test_invalid_client_details_are_refused_alike_for_known_and_new_codes(client, olli, known):
    client.force_login(olli)
    answers = []
    for code in (KNOWN_CODE, NEW_CODE):
        body = request_body(code, first="")
        response = client.post(reverse("consultation-list"), body, content_type="application/json")
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1] and answers[0][0] == 400
    assert Client.objects.count() == 1
    assert not Consent.objects.filter(recorded_by=olli).exists()


@pytest.mark.parametrize("persona", ["olli", "alice", "tuula"], indirect=True)
def test_a_professional_cannot_create_a_client_to_probe_a_code(client, persona, known):
    """Creating client records is the hub's: a professional's POST is refused before any
    look-up, so the answer is the same for a known and a new code."""
    client.force_login(persona)
    answers = []
    for code in (KNOWN_CODE, NEW_CODE):
        body = {"first_name": "A", "last_name": "B", "personal_identity_code": code}
        response = client.post(reverse("client-list"), body, content_type="application/json")
        answers.append((response.status_code, response.content))
    assert answers[0] == answers[1] and answers[0][0] == 403
    assert Client.objects.count() == 1


def test_the_requester_cannot_filter_by_what_others_recorded(client, olli, kaisa, known):
    client.force_login(olli)
    body = client.post(
        reverse("consultation-list"), request_body(KNOWN_CODE), content_type="application/json"
    ).json()
    consultation = ConsultationRequest.objects.get(uuid=body["id"])
    services.link_consultation_client(consultation, by=kaisa)
    url = reverse("consultation-list")
    assert client.get(url, {"municipality": "Kempele"}).json()["count"] == 0
    assert client.get(url, {"municipality": "oulu"}).json()["count"] == 1
    client.force_login(kaisa)
    assert client.get(url, {"municipality": "Kempele"}).json()["count"] == 2


def test_a_coordinators_own_request_is_linked_at_once(kaisa, known):
    """The hub's own request: the coordinator sees every client anyway."""
    consultation = services.submit_consultation(
        requester=kaisa,
        anonymous=False,
        reasons=["mental_health"],
        asked=["consultation"],
        description="x",
        client_data={"first_name": "M", "last_name": "M", "personal_identity_code": KNOWN_CODE},
        consent_method="written",
    )
    assert consultation.client == known and consultation.consent.client == known
    assert consultation.client_as_sent.first_name == "M"


def test_a_consent_expired_before_the_link_is_refused(olli, kaisa, known):
    import datetime

    import time_machine
    from django.utils import timezone

    consultation = services.submit_consultation(
        requester=olli,
        anonymous=False,
        reasons=["mental_health"],
        asked=["consultation"],
        description="x",
        client_data={"first_name": "O", "last_name": "O", "personal_identity_code": KNOWN_CODE},
        consent_method="written",
        consent_valid_until=timezone.localdate() + datetime.timedelta(days=1),
    )
    later = timezone.now() + datetime.timedelta(days=3)
    with time_machine.travel(later), pytest.raises(services.InvalidTransition):
        services.link_consultation_client(consultation, by=kaisa)
    consultation.refresh_from_db()
    assert consultation.client is None


def test_a_waiting_request_is_not_counted_as_a_client(olli, known):
    from metrics.filters import Filters
    from metrics.topics.participation import distinct_clients

    services.submit_consultation(
        requester=olli,
        anonymous=False,
        reasons=["mental_health"],
        asked=["consultation"],
        description="x",
        client_data={"first_name": "O", "last_name": "O", "personal_identity_code": KNOWN_CODE},
        consent_method="verbal",
    )
    assert distinct_clients(Filters.default()) == 1  # matti, through alice's request


def test_the_requesters_reads_of_what_they_sent_are_logged(client, olli):
    """What the requester sent is still the client's data once a client holds it: their
    page, list and API reads are in the access log, on the basis of the request."""
    client.force_login(olli)
    body = client.post(
        reverse("consultation-list"), request_body(NEW_CODE), content_type="application/json"
    ).json()
    consultation = ConsultationRequest.objects.get(uuid=body["id"])
    before = AccessLog.objects.filter(user=olli, action__in=["view", "list", "api"]).count()

    client.get(reverse("consultation_detail", args=[consultation.uuid]))
    client.get(reverse("my_requests"))
    client.get(reverse("consultation-detail", args=[consultation.uuid]))

    reads = AccessLog.objects.filter(user=olli, action__in=["view", "list", "api"])
    assert reads.count() == before + 3
    assert set(reads.values_list("client", flat=True)) == {consultation.client_id}
    assert set(reads.values_list("basis", flat=True)) == {AccessLog.Basis.CONSULTATION}
