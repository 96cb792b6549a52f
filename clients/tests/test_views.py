"""Client pages: search for coordinators, the client page with its timeline, consent
withdrawal; access and the access log."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from clients.models import AccessLog, Consent
from clients.tests.factories import ClientFactory, member_of_network
from coordination import services
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
    ("persona", "status"),
    [("alice", 200), ("kaisa", 200), ("olli", 404), ("eero", 404), ("ylva", 404)],
    indirect=["persona"],
)
def test_client_page_access_matrix(client, alices_request, alice_in_network, persona, status):
    client.force_login(persona)
    url = reverse("clients:client_detail", args=[alices_request.client.uuid])
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    if status == 404:
        assert alices_request.client.last_name not in html
        assert "131052" not in html
        assert not AccessLog.objects.exists()
    else:
        log = AccessLog.objects.get()
        assert (log.user, log.client, log.action) == (persona, alices_request.client, "view")


def test_client_page_shows_a_timeline(client, alices_request, kaisa):
    services.answer_consultation(alices_request, by=kaisa, advice="Neuvo.")
    client.force_login(kaisa)
    response = client.get(reverse("clients:client_detail", args=[alices_request.client.uuid]))
    kinds = [event.kind for event in response.context["timeline"]]
    assert kinds == ["answer", "request", "consent_given"]
    assert alices_request.reference in response.content.decode()


WITHDRAWAL = {
    "withdrawn_on": "",  # filled in by the tests: today
    "withdrawal_channel": "phone",
    "withdrawal_reported_by": "client",
}


def withdrawal(**changes):
    return {**WITHDRAWAL, "withdrawn_on": timezone.localdate().isoformat(), **changes}


def test_consent_withdrawal_is_confirmed_and_honoured_at_once(
    client, alices_request, alice_in_network, alice
):
    """alice recorded the network consent that lets her see the client; withdrawing it,
    with the day, the channel and who withdrew, ends her access at once."""
    client.force_login(alice)
    consent = Consent.objects.get(client=alices_request.client, scope="network")
    Consent.objects.filter(pk=consent.pk).update(recorded_by=alice)
    url = reverse("clients:consent_withdraw", args=[alices_request.client.uuid, consent.uuid])
    page = client.get(url)
    assert page.status_code == 200 and b'name="withdrawal_channel"' in page.content
    response = client.post(url, withdrawal())
    assert response.status_code == 302 and response.url == reverse("my_requests")
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == alice
    assert consent.withdrawal_channel == "phone" and consent.withdrawal_reported_by == "client"
    assert consent.withdrawn_on == timezone.localdate()
    # Alice's access ended with the confirmation.
    detail = reverse("clients:client_detail", args=[alices_request.client.uuid])
    assert client.get(detail).status_code == 404


@pytest.mark.parametrize("field", ["withdrawn_on", "withdrawal_channel", "withdrawal_reported_by"])
def test_a_withdrawal_without_its_details_is_refused(client, alices_request, kaisa, field):
    client.force_login(kaisa)
    consent = alices_request.consent
    url = reverse("clients:consent_withdraw", args=[alices_request.client.uuid, consent.uuid])
    response = client.post(url, withdrawal(**{field: ""}))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert Consent.objects.valid().filter(pk=consent.pk).exists()


def test_a_withdrawal_dated_in_the_future_is_refused(client, alices_request, kaisa):
    client.force_login(kaisa)
    consent = alices_request.consent
    url = reverse("clients:consent_withdraw", args=[alices_request.client.uuid, consent.uuid])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, withdrawal(withdrawn_on=tomorrow.isoformat()))
    assert response.status_code == 400 and response.context["form"].errors["withdrawn_on"]
    assert Consent.objects.valid().filter(pk=consent.pk).exists()


def test_the_withdrawal_is_on_the_timeline(client, alices_request, kaisa):
    client.force_login(kaisa)
    consent = alices_request.consent
    url = reverse("clients:consent_withdraw", args=[alices_request.client.uuid, consent.uuid])
    client.post(
        url, withdrawal(withdrawal_channel="written", withdrawal_reported_by="representative")
    )
    response = client.get(reverse("clients:client_detail", args=[alices_request.client.uuid]))
    event = next(e for e in response.context["timeline"] if e.kind == "consent_withdrawn")
    # The page speaks the user's language (Finnish by default).
    with translation.override("fi"):
        written = str(Consent.WithdrawalChannel.WRITTEN.label)
        representative = str(Consent.ReportedBy.REPRESENTATIVE.label).lower()
    assert written in event.detail and representative in event.detail


def test_outsider_cannot_withdraw(client, alices_request, olli):
    client.force_login(olli)
    consent = alices_request.consent
    url = reverse("clients:consent_withdraw", args=[alices_request.client.uuid, consent.uuid])
    assert client.get(url).status_code == 404
    assert client.post(url, withdrawal()).status_code == 404
    assert Consent.objects.valid().filter(pk=consent.pk).exists()


def test_search_by_name_lists_masked_codes_and_logs_each_client(client, kaisa):
    found = ClientFactory(first_name="Matti", last_name="Virtanen")
    other = ClientFactory(first_name="Maija", last_name="Virtanen")
    ClientFactory(first_name="Pekka", last_name="Korhonen")
    client.force_login(kaisa)
    response = client.get(reverse("clients:client_search"), {"q": "virtanen"})
    assert set(response.context["results"]) == {found, other}
    html = response.content.decode()
    assert found.masked_identity_code in html
    assert found.personal_identity_code not in html
    assert set(AccessLog.objects.values_list("client", flat=True)) == {found.pk, other.pk}
    assert set(AccessLog.objects.values_list("action", flat=True)) == {"list"}


def test_search_by_exact_code_is_a_post_and_opens_the_client(client, kaisa):
    found = ClientFactory(personal_identity_code="131052-308T")
    client.force_login(kaisa)
    response = client.post(
        reverse("clients:client_search"), {"personal_identity_code": "131052-308t"}
    )
    assert response.status_code == 302
    assert response.url == reverse("clients:client_detail", args=[found.uuid])
    assert "131052" not in response.url


@pytest.mark.parametrize("code", ["131052-308U", "010101-0101"])
def test_search_by_a_wrong_or_unknown_code_is_a_field_error(client, kaisa, code):
    ClientFactory(personal_identity_code="131052-308T")
    client.force_login(kaisa)
    response = client.post(reverse("clients:client_search"), {"personal_identity_code": code})
    assert response.status_code == 200
    assert "personal_identity_code" in response.context["code_form"].errors


@pytest.mark.parametrize("persona", ["alice", "olli", "eero", "ylva"], indirect=True)
def test_only_coordinators_search(client, persona):
    client.force_login(persona)
    assert client.get(reverse("clients:client_search"), {"q": "a"}).status_code == 404


@pytest.mark.parametrize("count", [10, 200])
def test_client_search_query_count_is_constant(client, kaisa, count, django_assert_num_queries):
    ClientFactory.create_batch(count, last_name="Virtanen")
    client.force_login(kaisa)
    # Expect 9 queries: the session and the user; the matching clients (at most 50); one
    # INSERT of their access-log rows; the unread count and the user's organisation in the
    # navigation bar; the session saved again (savepoint, update, release).
    with django_assert_num_queries(9):
        response = client.get(reverse("clients:client_search"), {"q": "virtanen"})
    assert len(response.context["results"]) == min(count, 50)


def test_professional_sees_only_their_own_requests_on_the_timeline(
    client, alices_request, alice_in_network, olli
):
    from coordination.tests.factories import ConsultationFactory as Factory

    Factory(requester=olli, client=alices_request.client)
    client.force_login(alices_request.requester)
    response = client.get(reverse("clients:client_detail", args=[alices_request.client.uuid]))
    requests = [e.url for e in response.context["timeline"] if e.kind == "request"]
    assert requests == [reverse("consultation_detail", args=[alices_request.uuid])]


def test_coordinator_records_a_network_consent(client, alices_request, kaisa, hub):
    client.force_login(kaisa)
    url = reverse("clients:consent_create", args=[alices_request.client.uuid])
    response = client.post(
        url, {"scope": "network", "method": "written", "organizations": [str(hub.uuid)]}
    )
    assert response.status_code == 302
    consent = Consent.objects.get(scope="network")
    assert consent.recorded_by == kaisa and list(consent.organizations.all()) == [hub]


def test_consent_in_the_past_is_a_field_error(client, alices_request, kaisa):
    client.force_login(kaisa)
    url = reverse("clients:consent_create", args=[alices_request.client.uuid])
    response = client.post(
        url, {"scope": "network", "method": "written", "valid_until": "2000-01-01"}
    )
    assert response.status_code == 400
    assert "valid_until" in response.context["consent_form"].errors
    assert not Consent.objects.filter(scope="network").exists()


def test_professional_cannot_record_consents_on_the_page(client, alices_request, alice):
    client.force_login(alice)
    url = reverse("clients:consent_create", args=[alices_request.client.uuid])
    assert client.post(url, {"scope": "network", "method": "written"}).status_code == 404


def test_client_pages_have_no_inline_scripts_or_styles(client, alices_request, kaisa):
    import re

    client.force_login(kaisa)
    urls = [
        reverse("clients:client_detail", args=[alices_request.client.uuid]),
        reverse("clients:client_search") + "?q=a",
        reverse("consultation_queue"),
        reverse("consultation_detail", args=[alices_request.uuid]),
        reverse("consultation_create"),
        reverse("my_requests"),
        reverse("inbox:list"),
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert "<style" not in html and " style=" not in html, url


def test_identity_code_is_kept_out_of_error_reports(client, kaisa, alice):
    from django.views.debug import SafeExceptionReporterFilter

    client.force_login(kaisa)
    response = client.post(
        reverse("clients:client_search"), {"personal_identity_code": "131052-308T"}
    )
    filtered = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert "131052" not in str(filtered)
    client.force_login(alice)
    response = client.post(
        reverse("consultation_create"), {"client-personal_identity_code": "131052-308T"}
    )
    filtered = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert "131052" not in str(filtered)


@pytest.mark.parametrize("query", ["131052-308T", "131052-308t", " 131052a308T ", "010190-1231"])
def test_a_code_in_the_name_search_is_not_searched_nor_echoed(client, kaisa, query, settings):
    """A code typed into the name search goes into the URL and the server's log; the
    page does not search with it, and sends the user to the identity-code field."""
    ClientFactory(first_name="Matti", last_name="Meikäläinen", personal_identity_code="131052-308T")
    client.force_login(kaisa)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("clients:client_search"), {"q": query})
    assert response.status_code == 302
    assert response.url == reverse("clients:client_search")
    assert "?" not in response.url and "131052" not in response.url
    assert not AccessLog.objects.exists()
    page = client.get(response.url)
    text = page.content.decode()
    assert query.strip().upper() not in text.upper() and "Meikäläinen" not in text
    assert "use the personal identity code field" in text


def test_a_name_search_still_searches(client, kaisa):
    ClientFactory(first_name="Matti", last_name="Meikäläinen")
    client.force_login(kaisa)
    response = client.get(reverse("clients:client_search"), {"q": "meikäläinen 1952"})
    assert response.status_code == 200 and response.context["results"] == []
    response = client.get(reverse("clients:client_search"), {"q": "meikäläinen"})
    assert [str(c) for c in response.context["results"]] == ["Matti Meikäläinen"]
