"""The pages of consultation requests: the form, the queue, the detail page with its
actions, and "My requests"."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clients.models import AccessLog, Client, Consent
from clients.services import withdraw_consent
from coordination import services
from coordination.models import ConsultationRequest, Feedback
from coordination.tests.factories import (
    AnonymousConsultationFactory,
    ConsultationFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
S = ConsultationRequest.Status


def identified_post(**overrides):
    data = {
        "kind": "identified",
        "client-personal_identity_code": "131052-308t",
        "client-first_name": "Matti",
        "client-last_name": "Meikäläinen",
        "client-municipality": "564",
        "client-language": "fi",
        "consent-consent_given": "on",
        "consent-method": "verbal",
        "reasons": ["mental_health"],
        "asked": ["consultation"],
        "urgency": "normal",
        "channel": "e_form",
        "description": "Tarvitaan arvio työkyvystä.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def anonymous_post(**overrides):
    data = {
        "kind": "anonymous",
        "anon-age_band": "25_29",
        "anon-municipality": "678",
        "anon-life_situation": "student",
        "reasons": ["education"],
        "asked": ["job_coaching"],
        "urgency": "normal",
        "channel": "phone",
        "description": "Nuori ilman opiskelupaikkaa.",
    }
    data.update(overrides)
    return data


# --- The form --------------------------------------------------------------------------


def test_professional_sends_an_identified_request(client, alice):
    client.force_login(alice)
    assert client.get(reverse("consultation_create")).status_code == 200
    response = client.post(reverse("consultation_create"), identified_post())
    consultation = ConsultationRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("consultation_confirmation", args=[consultation.uuid])
    assert consultation.client.personal_identity_code == "131052-308T"
    assert consultation.consent.is_valid and consultation.consent.method == "verbal"
    assert consultation.requesting_organization == alice.organization
    page = client.get(response.url)
    assert consultation.reference in page.content.decode()


def test_professional_sends_an_anonymous_request(client, alice):
    client.force_login(alice)
    # Identified fields filled in by mistake are ignored when "anonymous" is chosen.
    response = client.post(
        reverse("consultation_create"),
        anonymous_post(**{"client-first_name": "Matti", "client-personal_identity_code": "x"}),
    )
    assert response.status_code == 302
    consultation = ConsultationRequest.objects.get()
    assert consultation.anonymous and consultation.client is None and consultation.consent is None
    assert (consultation.age_band, consultation.municipality) == ("25_29", "678")
    assert not Client.objects.exists() and not Consent.objects.exists()


def test_an_anonymous_request_starts_with_no_age_band(client, alice):
    """Nothing is pre-selected: a band nobody chose would be counted in the metrics."""
    client.force_login(alice)
    page = client.get(reverse("consultation_create")).content.decode()
    assert (
        '<option value="" selected>' in page.split('name="anon-age_band"')[1].split("</select>")[0]
    )
    client.post(reverse("consultation_create"), anonymous_post(**{"anon-age_band": ""}))
    assert ConsultationRequest.objects.get().age_band == ""


@pytest.mark.parametrize(
    ("overrides", "form", "field"),
    [
        ({"client-personal_identity_code": "131052-308U"}, "client_form", "personal_identity_code"),
        ({"client-personal_identity_code": "131052Z308T"}, "client_form", "personal_identity_code"),
        (
            {"client-personal_identity_code": "", "client-date_of_birth": "2999-01-01"},
            "client_form",
            "date_of_birth",
        ),
        ({"client-personal_identity_code": ""}, "client_form", "date_of_birth"),
        ({"consent-consent_given": None}, "consent_form", "consent_given"),
        ({"consent-method": None}, "consent_form", "method"),
        ({"description": "x" * 10_001}, "consultation_form", "description"),
        ({"reasons": []}, "consultation_form", "reasons"),
        ({"asked": ["teleport"]}, "consultation_form", "asked"),
    ],
)
def test_bad_input_shows_a_field_error_and_saves_nothing(client, alice, overrides, form, field):
    client.force_login(alice)
    response = client.post(reverse("consultation_create"), identified_post(**overrides))
    assert response.status_code == 200
    assert field in response.context[form].errors
    assert not ConsultationRequest.objects.exists()
    assert not Client.objects.exists() and not Consent.objects.exists()
    html = response.content.decode()
    assert "Traceback" not in html and "invalid-feedback" in html


def test_identity_code_is_never_in_a_url_or_redirect(client, alice):
    client.force_login(alice)
    response = client.post(reverse("consultation_create"), identified_post())
    assert "131052" not in response.url
    detail = client.get(response.url)
    assert "131052-***T" in detail.content.decode() or detail.status_code == 200
    assert "308T" not in detail.content.decode().replace("131052-***T", "")


@pytest.mark.parametrize("persona", ["eero", "ylva"], indirect=True)
def test_managers_and_administrators_cannot_open_the_form(client, persona):
    client.force_login(persona)
    assert client.get(reverse("consultation_create")).status_code == 404
    assert client.post(reverse("consultation_create"), anonymous_post()).status_code == 404
    assert not ConsultationRequest.objects.exists()


def test_html_typed_into_text_shows_as_text(client, alice, kaisa):
    consultation = ConsultationFactory(
        requester=alice, description="<script>alert('x')</script><b>lihavoitu</b>"
    )
    services.answer_consultation(consultation, by=kaisa, advice="<img src=x onerror=alert(1)>")
    for user in (alice, kaisa):
        client.force_login(user)
        html = client.get(reverse("consultation_detail", args=[consultation.uuid])).content.decode()
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
        assert "<b>lihavoitu</b>" not in html
        assert "<img src=x" not in html and "&lt;img src=x" in html
    client.force_login(alice)
    html = client.get(reverse("my_requests")).content.decode()
    assert "<img src=x" not in html


# --- Access ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 200), ("kaisa", 200), ("olli", 404), ("eero", 404), ("ylva", 404)],
    indirect=["persona"],
)
def test_request_detail_access_matrix(client, alice, persona, status):
    # A surname no persona can have: Faker once gave the administrator the client's.
    consultation = ConsultationFactory(requester=alice, client__last_name="Qxälänkorpi")
    client.force_login(persona)
    response = client.get(reverse("consultation_detail", args=[consultation.uuid]))
    assert response.status_code == status
    if status == 404:
        html = response.content.decode()
        assert consultation.client.last_name not in html
        assert consultation.reference not in html


def test_unknown_or_malformed_ids_are_404(client, kaisa):
    client.force_login(kaisa)
    assert client.get("/consultations/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/consultations/1/").status_code == 404


def test_outsider_cannot_act_on_a_request(client, alice, olli):
    consultation = ConsultationFactory(requester=alice)
    client.force_login(olli)
    for action in ("withdraw", "feedback", "answer", "triage"):
        url = reverse("consultation_action", args=[consultation.uuid, action])
        assert client.post(url, {"usefulness": 5, "advice": "x"}).status_code == 404
    consultation.refresh_from_db()
    assert consultation.status == S.SUBMITTED


def test_detail_page_read_is_logged(client, alice, kaisa):
    consultation = ConsultationFactory(requester=alice)
    client.force_login(kaisa)
    client.get(reverse("consultation_detail", args=[consultation.uuid]), REMOTE_ADDR="10.1.2.3")
    row = AccessLog.objects.get(user=kaisa)
    assert (row.client, row.action, row.basis) == (consultation.client, "view", "hub_role")
    assert row.ip_address == "10.1.2.3"
    assert row.path == reverse("consultation_detail", args=[consultation.uuid])


def test_after_consent_is_withdrawn_the_requester_no_longer_sees_the_client(client, alice):
    consultation = ConsultationFactory(requester=alice)
    withdraw_consent(
        consultation.consent,
        by=alice,
        withdrawn_on=timezone.localdate(),
        channel="phone",
        reported_by="client",
    )
    client.force_login(alice)
    html = client.get(reverse("consultation_detail", args=[consultation.uuid])).content.decode()
    assert consultation.client.last_name not in html
    assert not AccessLog.objects.exists()


# --- Coordinator's actions -------------------------------------------------------------


def test_coordinator_triages_answers_and_closes(client, alice, kaisa):
    consultation = ConsultationFactory(requester=alice)
    client.force_login(kaisa)

    def post(action, data=None):
        return client.post(reverse("consultation_action", args=[consultation.uuid, action]), data)

    assert post("triage", {"urgency": "urgent"}).status_code == 302
    assert post("answer", {"advice": "Ohjaa työttömien terveystarkastukseen."}).status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == S.ANSWERED and consultation.urgency == "urgent"
    assert post("close", {"outcome": "health_check"}).status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == S.CLOSED and consultation.outcome == "health_check"


def test_illegal_transition_on_a_page_gives_a_message_not_an_error(client, alice, kaisa):
    consultation = ConsultationFactory(requester=alice, status=S.CLOSED)
    client.force_login(kaisa)
    url = reverse("consultation_action", args=[consultation.uuid, "answer"])
    response = client.post(url, {"advice": "Myöhässä."}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    consultation.refresh_from_db()
    assert consultation.status == S.CLOSED and not hasattr(consultation, "answer")


def test_answer_without_advice_is_a_field_error(client, alice, kaisa):
    consultation = ConsultationFactory(requester=alice)
    client.force_login(kaisa)
    url = reverse("consultation_action", args=[consultation.uuid, "answer"])
    response = client.post(url, {"advice": ""})
    assert response.status_code == 400
    assert "advice" in response.context["answer_form"].errors


def test_coordinator_assigns_to_a_colleague(client, alice, kaisa, hub):
    colleague = UserFactory(organization=hub, role="coordinator")
    consultation = ConsultationFactory(requester=alice)
    client.force_login(kaisa)
    url = reverse("consultation_action", args=[consultation.uuid, "assign"])
    assert client.post(url, {"assignee": str(colleague.uuid)}).status_code == 302
    consultation.refresh_from_db()
    assert consultation.assigned_to == colleague


def test_professional_cannot_answer_their_own_request(client, alice):
    consultation = ConsultationFactory(requester=alice)
    client.force_login(alice)
    url = reverse("consultation_action", args=[consultation.uuid, "answer"])
    client.post(url, {"advice": "Itse."})
    consultation.refresh_from_db()
    assert consultation.status == S.SUBMITTED


def test_requester_withdraws(client, alice):
    consultation = ConsultationFactory(requester=alice)
    client.force_login(alice)
    client.post(
        reverse("consultation_withdraw", args=[consultation.uuid]), {"reason": "Asia ratkesi."}
    )
    consultation.refresh_from_db()
    assert consultation.status == S.WITHDRAWN


def test_unknown_action_is_404(client, alice, kaisa):
    consultation = ConsultationFactory(requester=alice)
    client.force_login(kaisa)
    url = reverse("consultation_action", args=[consultation.uuid, "explode"])
    assert client.post(url).status_code == 404


# --- The queue -------------------------------------------------------------------------


def test_queue_is_longest_waiting_first_and_hides_closed(client, alice, kaisa):
    with time_machine.travel("2026-11-16 09:00 +02:00"):
        old = ConsultationFactory(requester=alice)
    new = ConsultationFactory(requester=alice)
    ConsultationFactory(requester=alice, status=S.CLOSED)
    client.force_login(kaisa)
    rows = list(client.get(reverse("consultation_queue")).context["page"])
    assert rows == [old, new]


@time_machine.travel("2026-11-30 12:00 +02:00", tick=False)
def test_queue_shows_waiting_working_days_against_the_target(client, alice, kaisa, settings):
    settings.CONSULTATION_TARGET_WORKING_DAYS = 5
    with time_machine.travel("2026-11-20 12:00 +02:00", tick=False):  # a Friday
        late = ConsultationFactory(requester=alice)
    with time_machine.travel("2026-11-27 12:00 +02:00", tick=False):
        fresh = ConsultationFactory(requester=alice)
    client.force_login(kaisa)
    rows = {c.pk: c for c in client.get(reverse("consultation_queue")).context["page"]}
    assert rows[late.pk].waiting_days == 6 and rows[late.pk].overdue
    assert rows[fresh.pk].waiting_days == 1 and not rows[fresh.pk].overdue


def test_queue_filters(client, alice, olli, kaisa):
    urgent = ConsultationFactory(requester=alice, urgency="urgent")
    from_kela = ConsultationFactory(requester=olli)
    anonymous_raahe = AnonymousConsultationFactory(requester=alice, municipality="678")
    mine = ConsultationFactory(requester=alice, assigned_to=kaisa)
    closed = ConsultationFactory(requester=alice, status=S.CLOSED)
    client.force_login(kaisa)

    def shown(**params):
        return set(client.get(reverse("consultation_queue"), params).context["page"])

    assert shown(urgency="urgent") == {urgent}
    assert shown(organization_kind="kela") == {from_kela}
    assert shown(municipality="raahe") == {anonymous_raahe}
    assert shown(tab="mine") == {mine}
    assert closed not in shown()
    assert closed in shown(tab="all")


@pytest.mark.parametrize("persona", ["alice", "olli", "eero", "ylva"], indirect=True)
def test_queue_is_only_for_coordinators(client, persona):
    client.force_login(persona)
    assert client.get(reverse("consultation_queue")).status_code == 404


@pytest.mark.parametrize("count", [10, 200])
def test_queue_query_count_is_constant(client, alice, kaisa, count, django_assert_num_queries):
    ConsultationFactory.create_batch(count, requester=alice)
    client.force_login(kaisa)
    # Expect 12 queries: the session and the user; the count and the page of requests
    # (with requester, organisation, client and coordinator joined); one INSERT of the
    # access-log rows of the clients shown; the tabs' counts (one aggregate); the
    # coordinators of the bulk form's choice; the unread notifications and the user's
    # organisation in the navigation bar; then the session is saved again (savepoint,
    # update, release) because every request renews the idle timeout.
    with django_assert_num_queries(12):
        response = client.get(reverse("consultation_queue"))
    assert len(response.context["page"]) == min(count, 50)
    assert AccessLog.objects.filter(user=kaisa, action="list").count() == min(count, 50)


# --- My requests -----------------------------------------------------------------------


def test_my_requests_shows_only_my_own(client, alice, olli):
    mine = ConsultationFactory(requester=alice)
    ConsultationFactory(requester=olli)
    client.force_login(alice)
    assert list(client.get(reverse("my_requests")).context["page"]) == [mine]


def test_my_requests_shows_the_answer_and_takes_feedback_once(client, alice, kaisa):
    consultation = ConsultationFactory(requester=alice)
    services.answer_consultation(consultation, by=kaisa, advice="Ota yhteys TYP:iin.")
    client.force_login(alice)
    html = client.get(reverse("my_requests")).content.decode()
    assert "Ota yhteys TYP:iin." in html
    url = reverse("consultation_action", args=[consultation.uuid, "feedback"])
    response = client.post(url, {"usefulness": "5", "text": "Selkeä vastaus"})
    assert response.status_code == 302
    assert Feedback.objects.get().usefulness == 5
    client.get(reverse("my_requests"))  # shows (and so consumes) the thank-you message
    second = client.post(url, {"usefulness": "1"}, follow=True)
    assert [m.level_tag for m in second.context["messages"]] == ["error"]
    assert Feedback.objects.count() == 1
    html = client.get(reverse("my_requests")).content.decode()
    assert 'name="usefulness"' not in html


def test_feedback_out_of_range_is_a_field_error(client, alice, kaisa):
    consultation = ConsultationFactory(requester=alice)
    services.answer_consultation(consultation, by=kaisa, advice="Neuvo.")
    client.force_login(alice)
    url = reverse("consultation_action", args=[consultation.uuid, "feedback"])
    response = client.post(url, {"usefulness": "9"})
    assert response.status_code == 400
    assert "usefulness" in response.context["feedback_form"].errors
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("count", [10, 200])
def test_my_requests_query_count_is_constant(
    client, alice, kaisa, count, django_assert_num_queries
):
    for consultation in ConsultationFactory.create_batch(count, requester=alice):
        services.answer_consultation(consultation, by=kaisa, advice="Neuvo.")
    client.force_login(alice)
    # Expect 11 queries: the session and the user; the count and the page of requests
    # (organisation, client, consent and answer joined); the feedback of the page,
    # prefetched; one INSERT of the page's access-log rows (the clients as the requester
    # sent them); the unread notifications and the user's organisation in the navigation
    # bar; the session saved again (savepoint, update, release).
    with django_assert_num_queries(11):
        response = client.get(reverse("my_requests"))
    assert len(response.context["page"]) == min(count, 50)


# --- Notifications ---------------------------------------------------------------------


def test_answer_reaches_the_requesters_inbox(
    client, alice, kaisa, django_capture_on_commit_callbacks
):
    consultation = ConsultationFactory(requester=alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_consultation(consultation, by=kaisa, advice="Neuvo.")
    client.force_login(alice)
    home = client.get(reverse("home"))
    assert [item["badge"] for item in home.context["nav_items"] if item["badge"]] == [1]
    inbox = client.get(reverse("inbox:list"))
    assert [item.kind for item in inbox.context["page"]] == ["request_answered"]
    client.post(reverse("inbox:mark_all_read"))
    assert not alice.inbox_items.filter(read_at__isnull=True).exists()


def test_home_page_counts(client, alice):
    OrganizationFactory(name="Toinen")
    client.force_login(alice)
    assert client.get(reverse("home")).status_code == 200


def test_confirmation_is_only_for_the_requester(client, alice, kaisa):
    consultation = ConsultationFactory(requester=alice)
    client.force_login(kaisa)
    url = reverse("consultation_confirmation", args=[consultation.uuid])
    assert client.get(url).status_code == 404


def test_birth_date_is_derived_on_the_form(client, alice):
    client.force_login(alice)
    client.post(
        reverse("consultation_create"),
        identified_post(**{"client-date_of_birth": "1990-01-01"}),
    )
    assert Client.objects.get().date_of_birth == datetime.date(1952, 10, 13)


def test_opening_the_request_reads_its_notification(
    client, alice, kaisa, django_capture_on_commit_callbacks
):
    consultation = ConsultationFactory(requester=alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_consultation(consultation, by=kaisa, advice="Neuvo.")
    client.force_login(alice)
    assert alice.inbox_items.filter(read_at__isnull=True).exists()
    client.get(reverse("consultation_detail", args=[consultation.uuid]))
    assert not alice.inbox_items.filter(read_at__isnull=True).exists()


def test_home_pages_show_counts(client, alice, kaisa):
    ConsultationFactory.create_batch(2, requester=alice)
    client.force_login(alice)
    assert client.get(reverse("home")).context["my_open_count"] == 2
    client.force_login(kaisa)
    assert client.get(reverse("home")).context["queue_waiting_count"] == 2


def test_manager_sees_no_names_or_codes_anywhere(client, alice, kaisa, eero):
    consultation = ConsultationFactory(
        requester=alice,
        client__first_name="Salainen",
        client__last_name="Henkilö",
        client__personal_identity_code="131052-308T",
    )
    services.answer_consultation(consultation, by=kaisa, advice="Neuvo.")
    client.force_login(eero)
    urls = [
        reverse("home"),
        reverse("metrics:dashboard"),
        reverse("inbox:list"),
        reverse("consultation_detail", args=[consultation.uuid]),
        reverse("clients:client_detail", args=[consultation.client.uuid]),
        reverse("clients:client_search"),
        reverse("client-list"),
        reverse("client-detail", args=[consultation.client.uuid]),
        reverse("consultation-list"),
        reverse("consultation-detail", args=[consultation.uuid]),
    ]
    for url in urls:
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code in (200, 404), url
        assert "Salainen" not in body and "Henkilö" not in body, url
        assert "131052" not in body, url
    assert not AccessLog.objects.filter(user=eero).exists()


def test_the_part_not_chosen_shows_no_errors(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("consultation_create"), identified_post(**{"client-first_name": ""})
    )
    assert response.status_code == 200
    assert "first_name" in response.context["client_form"].errors
    assert not response.context["anonymous_form"].errors
    response = client.post(
        reverse("consultation_create"),
        anonymous_post(**{"anon-municipality": "", "client-first_name": "Matti"}),
    )
    assert "municipality" in response.context["anonymous_form"].errors
    assert not response.context["client_form"].errors
    assert response.context["client_form"].initial["first_name"] == "Matti"
