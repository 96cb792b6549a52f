"""The clients API: the same access rules as the pages, masked codes in lists, the access
log for every read, and field errors for bad input."""

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import AccessLog, Client, Consent
from clients.tests.factories import ClientFactory, member_of_network
from coordination.tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_request(alice):
    return ConsultationFactory(requester=alice, client__personal_identity_code="131052-308T")


@pytest.fixture
def alice_in_network(alices_request, alice):
    """alice a member of the client's network: that, not her request, lets her see the
    client."""
    return member_of_network(alices_request.client, alice)


@pytest.mark.parametrize(
    ("persona", "listed", "detail"),
    [
        ("alice", 1, 200),
        ("kaisa", 1, 200),
        ("olli", 0, 404),
        ("eero", 0, 404),
        ("ylva", 0, 404),
    ],
    indirect=["persona"],
)
def test_clients_api_access_matrix(
    client, alices_request, alice_in_network, persona, listed, detail
):
    client.force_login(persona)
    response = client.get(reverse("client-list"))
    assert response.status_code == 200 and response.json()["count"] == listed
    url = reverse("client-detail", args=[alices_request.client.uuid])
    assert client.get(url).status_code == detail
    consents = reverse("client-consents", args=[alices_request.client.uuid])
    assert client.get(consents).status_code == detail
    if detail == 404:
        assert "131052" not in response.content.decode()


def test_list_masks_the_code_and_detail_shows_it(client, alices_request, kaisa):
    client.force_login(kaisa)
    row = client.get(reverse("client-list")).json()["results"][0]
    assert row["personal_identity_code"] == "131052-***T"
    assert row["id"] == str(alices_request.client.uuid)
    detail = client.get(reverse("client-detail", args=[alices_request.client.uuid])).json()
    assert detail["personal_identity_code"] == "131052-308T"


def test_every_api_read_is_logged(client, alices_request, kaisa):
    client.force_login(kaisa)
    client.get(reverse("client-list"))
    client.get(reverse("client-detail", args=[alices_request.client.uuid]))
    client.get(reverse("client-consents", args=[alices_request.client.uuid]))
    rows = list(AccessLog.objects.filter(user=kaisa).order_by("pk"))
    assert [(row.action, row.client_id, row.basis) for row in rows] == [
        ("api", alices_request.client.pk, "hub_role")
    ] * 3


def test_client_is_addressed_by_uuid_only(client, alices_request, kaisa):
    client.force_login(kaisa)
    assert client.get(f"/api/v1/clients/{alices_request.client.pk}/").status_code == 404


@pytest.mark.parametrize("count", [10, 200])
def test_clients_list_query_count_is_constant(client, kaisa, count, django_assert_num_queries):
    ClientFactory.create_batch(count)
    client.force_login(kaisa)
    # Expect 8 queries: the session and the user; the count and the page of clients; one
    # INSERT of access-log rows for the clients on the page; the session saved again
    # (savepoint, update, release).
    with django_assert_num_queries(8):
        response = client.get(reverse("client-list"))
    assert len(response.json()["results"]) == min(count, 50)


def test_coordinator_creates_and_updates_a_client(client, kaisa):
    client.force_login(kaisa)
    response = client.post(
        reverse("client-list"),
        {"first_name": "Liisa", "last_name": "Lehto", "personal_identity_code": "131052y308t"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    created = Client.objects.get()
    assert created.personal_identity_code == "131052Y308T"
    url = reverse("client-detail", args=[created.uuid])
    response = client.patch(
        url, {"municipality": "244", "lock_version": 0}, content_type="application/json"
    )
    assert response.status_code == 200
    created.refresh_from_db()
    assert created.municipality == "244"
    assert list(AccessLog.objects.values_list("action", flat=True).order_by("pk")) == [
        "create",
        "update",
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"personal_identity_code": "131052-308U"}, "personal_identity_code"),
        ({"personal_identity_code": "", "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"personal_identity_code": ""}, "date_of_birth"),
        ({"personal_identity_code": "131052-308T", "target_groups": ["aliens"]}, "target_groups"),
    ],
)
def test_bad_client_input_is_a_400_with_field_errors(client, kaisa, data, field):
    client.force_login(kaisa)
    response = client.post(
        reverse("client-list"),
        {"first_name": "A", "last_name": "B", **data},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()
    assert "131052" not in response.content.decode()
    assert not Client.objects.exists()


def test_duplicate_code_is_a_field_error(client, kaisa):
    ClientFactory(personal_identity_code="131052-308T")
    client.force_login(kaisa)
    response = client.post(
        reverse("client-list"),
        {"first_name": "A", "last_name": "B", "personal_identity_code": "131052-308T"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "personal_identity_code" in response.json()


@pytest.mark.parametrize("persona", ["alice", "eero"], indirect=True)
def test_only_coordinators_create_clients(client, persona):
    client.force_login(persona)
    response = client.post(
        reverse("client-list"),
        {"first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Client.objects.exists()


def test_consent_is_recorded_through_the_api(client, alices_request, kaisa, hub):
    client.force_login(kaisa)
    url = reverse("client-consents", args=[alices_request.client.uuid])
    response = client.post(
        url,
        {"scope": "network", "method": "written", "organizations": [str(hub.uuid)]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    consent = Consent.objects.get(scope="network")
    assert consent.recorded_by == kaisa and list(consent.organizations.all()) == [hub]
    assert len(client.get(url).json()) == 2
    bad = client.post(
        url, {"scope": "everything", "method": "written"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "scope" in bad.json()


def test_schema_lists_the_new_endpoints(client, alice):
    client.force_login(alice)
    schema = client.get(reverse("schema")).content.decode()
    for path in (
        "/api/v1/clients/",
        "/api/v1/clients/{id}/consents/",
        "/api/v1/consultations/",
        "/api/v1/consultations/{id}/transition/",
        "/api/v1/consultations/{id}/feedback/",
    ):
        assert path in schema


@pytest.mark.parametrize("persona", ["alice", "olli", "eero", "ylva"], indirect=True)
def test_changing_a_client_one_may_not_see_is_404_not_403(
    client, alices_request, alice_in_network, persona
):
    """Found by the IDOR matrix: a PATCH was refused with 403 before the client was looked
    up. Now a client the user may not see is 404, like every other read or change, and one
    they see but may not change (alice, the requester) is 403."""
    client.force_login(persona)
    hidden = ClientFactory()
    url = reverse("client-detail", args=[hidden.uuid])
    response = client.patch(url, {"municipality": "240"}, content_type="application/json")
    assert response.status_code == 404
    own = reverse("client-detail", args=[alices_request.client.uuid])
    response = client.patch(own, {"municipality": "240"}, content_type="application/json")
    assert response.status_code == (403 if persona.username == "alice" else 404)
    hidden.refresh_from_db()
    assert hidden.municipality == "564"


def test_a_client_without_a_life_situation_is_listed_within_the_schema(client, kaisa):
    """Regression (schemathesis): the list answered "" for an unknown life situation,
    which the schema's enum did not allow."""
    import jsonschema
    from drf_spectacular.generators import SchemaGenerator

    from clients.tests.factories import ClientFactory

    ClientFactory(life_situation="")
    client.force_login(kaisa)
    row = client.get("/api/v1/clients/").json()["results"][0]
    assert row["life_situation"] == ""
    components = SchemaGenerator().get_schema(request=None, public=True)["components"]
    field = components["schemas"]["ClientList"]["properties"]["life_situation"]
    jsonschema.validate(row["life_situation"], {**field, "components": components})


@pytest.fixture
def alices_network(kaisa, alice, health_centre):
    """A network kaisa leads around a client, alice a member under the client's network
    consent; the client has withdrawn an earlier consent that covered Kela."""
    from networks import services as network_services
    from networks.models import NetworkMember
    from networks.tests.factories import network_consent

    person = ClientFactory(first_name="Matti", last_name="Meikäläinen")
    network = network_services.form_network(by=kaisa, client=person)
    network_consent(person, [health_centre], kaisa)
    network_services.add_network_member(
        network, by=kaisa, user=alice, role=NetworkMember.Role.OTHER
    )
    return network


def test_a_network_member_cannot_record_a_consent_through_the_api(
    client, alices_network, alice, kela
):
    """The page lets only the hub record a consent; the API says the same, so that a
    member cannot undo the client's withdrawal by recording a new one."""
    client.force_login(alice)
    person = alices_network.client
    before = Consent.objects.filter(client=person).count()
    url = reverse("client-consents", args=[person.uuid])
    assert client.get(url).status_code == 200
    for scope in ("network", "consultation", "job_coaching"):
        response = client.post(
            url,
            {"scope": scope, "method": "verbal", "organizations": [str(kela.uuid)]},
            content_type="application/json",
        )
        assert response.status_code == 403, response.content
    assert Consent.objects.filter(client=person).count() == before
    assert not AccessLog.objects.filter(user=alice, action="create").exists()


def test_the_coordinator_records_the_same_consent_through_the_api(
    client, alices_network, kaisa, kela
):
    client.force_login(kaisa)
    person = alices_network.client
    response = client.post(
        reverse("client-consents", args=[person.uuid]),
        {"scope": "network", "method": "verbal", "organizations": [str(kela.uuid)]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Consent.objects.filter(client=person, organizations=kela).exists()


def test_the_consent_service_refuses_who_the_page_refuses(alices_network, alice, kaisa):
    from django.core.exceptions import PermissionDenied

    from clients import services

    person = alices_network.client
    with pytest.raises(PermissionDenied):
        services.record_consent(person, by=alice, scope="network", method="verbal")
    consent = person.consents.get()
    with pytest.raises(PermissionDenied):
        services.withdraw_consent(
            consent,
            by=alice,
            withdrawn_on=timezone.localdate(),
            channel="phone",
            reported_by="client",
        )
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    services.withdraw_consent(
        consent, by=kaisa, withdrawn_on=timezone.localdate(), channel="phone", reported_by="client"
    )


def test_a_second_client_change_from_the_same_version_is_409(client, alices_request, hub):
    """Two coordinators correct the client's details from the same reading: the second
    is refused (409) and the first one's change stays."""
    from coordination.models import User
    from coordination.tests.factories import UserFactory

    first, second = (UserFactory(organization=hub, role=User.Role.COORDINATOR) for _ in range(2))
    url = reverse("client-detail", args=[alices_request.client.uuid])
    client.force_login(first)
    version = client.get(url).json()["lock_version"]
    response = client.patch(
        url, {"municipality": "244", "lock_version": version}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["lock_version"] == version + 1
    client.force_login(second)
    stale = client.patch(
        url, {"municipality": "240", "lock_version": version}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    missing = client.patch(url, {"municipality": "240"}, content_type="application/json")
    assert missing.status_code == 400 and "lock_version" in missing.json()
    alices_request.client.refresh_from_db()
    assert alices_request.client.municipality == "244"


def test_withdrawing_a_consent_through_the_api_needs_its_details(client, alices_request, kaisa):
    consent = alices_request.consent
    client.force_login(kaisa)
    url = reverse("client-consent-withdraw", args=[alices_request.client.uuid, consent.uuid])
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) >= {"withdrawn_on", "withdrawal_channel", "withdrawal_reported_by"}
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    response = client.post(
        url,
        {
            "withdrawn_on": timezone.localdate().isoformat(),
            "withdrawal_channel": "written",
            "withdrawal_reported_by": "representative",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["withdrawal_channel"] == "written" and body["is_valid"] is False


def test_an_outsider_cannot_withdraw_a_consent_through_the_api(client, alices_request, olli):
    consent = alices_request.consent
    client.force_login(olli)
    url = reverse("client-consent-withdraw", args=[alices_request.client.uuid, consent.uuid])
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 404
