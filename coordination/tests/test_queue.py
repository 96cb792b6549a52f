"""The coordinator's queue: what waits first, tabs, search, sorting and bulk moves."""

import datetime
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from coordination import queue, services
from coordination.models import ConsultationRequest
from coordination.tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db
S = ConsultationRequest.Status
QUEUE = reverse("consultation_queue")


def rows(client, **params):
    return list(client.get(QUEUE, params).context["page"])


def _ago(days):
    return timezone.now() - datetime.timedelta(days=days)


# --- What waits, in what order ---------------------------------------------------------


def test_queue_opens_on_what_waits_for_the_hub_urgent_first_then_longest_waiting(
    client, alice, kaisa
):
    old = ConsultationFactory(requester=alice, submitted_at=_ago(9))
    older_triaged = ConsultationFactory(requester=alice, status=S.TRIAGED, submitted_at=_ago(12))
    urgent_new = ConsultationFactory(requester=alice, urgency="urgent", submitted_at=_ago(1))
    ConsultationFactory(requester=alice, status=S.ANSWERED, submitted_at=_ago(20))
    ConsultationFactory(requester=alice, status=S.CLOSED, submitted_at=_ago(30))
    client.force_login(kaisa)
    assert rows(client) == [urgent_new, older_triaged, old]


def test_home_count_and_waiting_tab_agree(client, alice, kaisa):
    for status in (S.SUBMITTED, S.TRIAGED, S.TRIAGED, S.ANSWERED, S.NETWORK_NEEDED, S.CLOSED):
        ConsultationFactory(requester=alice, status=status)
    client.force_login(kaisa)
    home = client.get(reverse("home")).context
    page = client.get(QUEUE)
    waiting_tab = {key: count for key, _label, count in page.context["tabs"]}["waiting"]
    assert home["queue_waiting_count"] == 3
    assert waiting_tab == 3
    assert page.context["page"].paginator.count == 3
    assert queue.waiting_for_hub(ConsultationRequest.objects.all()).count() == 3


def test_tabs_answered_mine_and_all(client, alice, kaisa):
    answered = ConsultationFactory(requester=alice, status=S.ANSWERED)
    network = ConsultationFactory(requester=alice, status=S.NETWORK_NEEDED)
    mine = ConsultationFactory(requester=alice, assigned_to=kaisa)
    closed = ConsultationFactory(requester=alice, status=S.CLOSED, assigned_to=kaisa)
    client.force_login(kaisa)
    assert set(rows(client, tab="answered")) == {answered, network}
    assert rows(client, tab="mine") == [mine]
    assert set(rows(client, tab="all")) == {answered, network, mine, closed}
    html = client.get(QUEUE, {"tab": "mine"}).content.decode()
    assert re.search(r'id="tab-mine" href="[^"]*" aria-current="page"', html)


# --- Search --------------------------------------------------------------------------


def test_search_by_reference_is_tolerant_of_case_and_spaces(client, alice, kaisa):
    wanted = ConsultationFactory(requester=alice, reference="K-2026-000123")
    ConsultationFactory(requester=alice, reference="K-2026-001230")
    client.force_login(kaisa)
    for typed in ("K-2026-000123", " k-2026-000123 ", "k 2026 123", "K2026000123", "k-2026-123"):
        assert rows(client, q=typed) == [wanted], typed


def test_search_by_reference_finds_it_in_every_tab_it_belongs_to(client, alice, kaisa):
    closed = ConsultationFactory(requester=alice, status=S.CLOSED, reference="K-2026-000777")
    client.force_login(kaisa)
    assert rows(client, q="K-2026-000777") == []
    assert rows(client, q="K-2026-000777", tab="all") == [closed]


def test_search_by_client_requester_and_organisation(client, alice, olli, kaisa):
    matti = ConsultationFactory(
        requester=alice, client=ClientFactory(first_name="Matti", last_name="Virtanen")
    )
    from_kela = ConsultationFactory(requester=olli)
    client.force_login(kaisa)
    assert rows(client, q="virtanen matti") == [matti]
    assert rows(client, q="Olli") == [from_kela]
    assert rows(client, q=olli.organization.name.split()[0]) == [from_kela]


def test_search_by_identity_code_finds_nothing_and_says_where_to_search(client, alice, kaisa):
    consultation = ConsultationFactory(requester=alice)
    client.force_login(kaisa)
    code = consultation.client.personal_identity_code
    response = client.get(QUEUE, {"q": code, "tab": "all"}, follow=True)
    assert response.redirect_chain == [(QUEUE + "?tab=all", 302)]
    assert code not in response.content.decode()
    assert "henkilötunnus" in response.content.decode()


# --- Sorting ---------------------------------------------------------------------------


def test_sorting_by_a_column_marks_it_with_aria_sort(client, alice, kaisa):
    first = ConsultationFactory(requester=alice, submitted_at=_ago(5))
    second = ConsultationFactory(requester=alice, submitted_at=_ago(2))
    client.force_login(kaisa)
    assert rows(client, sort="-sent") == [second, first]
    response = client.get(QUEUE, {"sort": "-sent"})
    html = response.content.decode()
    assert html.count("aria-sort=") == 1
    assert 'aria-sort="descending"><a class="sort-link" href="?tab=waiting&amp;sort=sent"' in html
    assert rows(client, sort="sent") == [first, second]
    assert rows(client, sort="nonsense") == [first, second]


# --- Bulk moves ------------------------------------------------------------------------


def _seen(consultation):
    assignee = consultation.assigned_to.uuid if consultation.assigned_to else ""
    return {f"seen-{consultation.uuid}": f"{consultation.status}:{assignee}"}


def _bulk(client, consultations, **data):
    body = {"selected": [str(c.uuid) for c in consultations], **data}
    for consultation in consultations:
        body.update(_seen(consultation))
    return client.post(QUEUE, body)


@pytest.fixture
def pekka(hub):
    return UserFactory(username="pekka", first_name="Pekka", organization=hub, role="coordinator")


def test_bulk_assign_two_requests(client, alice, kaisa, pekka):
    one, two = ConsultationFactory.create_batch(2, requester=alice)
    client.force_login(kaisa)
    response = _bulk(client, [one, two], action="assign", assignee=str(pekka.uuid))
    assert response.status_code == 302
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.assigned_to == pekka and two.assigned_to == pekka
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("2" in text for text in texts)


def test_bulk_close_with_an_outcome(client, alice, kaisa):
    one, two = ConsultationFactory.create_batch(2, requester=alice, status=S.ANSWERED)
    client.force_login(kaisa)
    response = _bulk(client, [one, two], action="close", outcome="advice_given")
    assert response.status_code == 302
    assert set(
        ConsultationRequest.objects.filter(pk__in=[one.pk, two.pk]).values_list("status", "outcome")
    ) == {(S.CLOSED, "advice_given")}


def test_bulk_reports_requests_that_moved_between_load_and_submit(client, alice, kaisa, pekka):
    """The page was loaded; then a colleague answered one and took another; the third is
    as it was. Only the third is assigned, the others are reported one by one and left
    exactly as the colleague left them."""
    answered, taken, untouched = ConsultationFactory.create_batch(3, requester=alice)
    client.force_login(kaisa)
    page = client.get(QUEUE).content.decode()
    body: dict[str, object] = {
        "selected": [str(c.uuid) for c in (answered, taken, untouched)],
        "action": "assign",
        "assignee": str(kaisa.uuid),
    }
    for consultation in (answered, taken, untouched):
        seen = re.search(rf'name="seen-{consultation.uuid}" value="([^"]*)"', page)
        assert seen is not None
        body[f"seen-{consultation.uuid}"] = seen[1]
    # Meanwhile:
    services.answer_consultation(answered, by=pekka, advice="Ohjaa TYP:iin.")
    services.assign_consultation(taken, by=pekka, to=pekka)

    response = client.post(QUEUE, body)

    assert response.status_code == 302
    for consultation in (answered, taken, untouched):
        consultation.refresh_from_db()
    assert answered.status == S.ANSWERED and answered.assigned_to == pekka
    assert taken.assigned_to == pekka
    assert untouched.assigned_to == kaisa
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(answered.reference in text and "Vastattu" in text for text in texts), texts
    assert any(taken.reference in text and "Pekka" in text for text in texts), texts
    assert not any(untouched.reference in text for text in texts)


def test_bulk_close_leaves_a_request_closed_meanwhile_as_it_is(client, alice, kaisa, pekka):
    closed, open_ = ConsultationFactory.create_batch(2, requester=alice, status=S.ANSWERED)
    client.force_login(kaisa)
    seen = {**_seen(closed), **_seen(open_)}
    services.close_consultation(closed, by=pekka, outcome="referred", note="")
    response = client.post(
        QUEUE,
        {
            "selected": [str(closed.uuid), str(open_.uuid)],
            "action": "close",
            "outcome": "no_action",
            **seen,
        },
    )
    assert response.status_code == 302
    closed.refresh_from_db()
    open_.refresh_from_db()
    assert closed.outcome == "referred"
    assert open_.status == S.CLOSED and open_.outcome == "no_action"


def test_bulk_without_a_choice_or_a_coordinator_is_told_next_to_the_field(client, alice, kaisa):
    one = ConsultationFactory(requester=alice)
    client.force_login(kaisa)
    response = client.post(QUEUE, {"action": "assign", "assignee": str(kaisa.uuid)})
    assert response.status_code == 400
    assert "Valitse vähintään yksi pyyntö." in response.content.decode()
    response = _bulk(client, [one], action="assign")
    assert response.status_code == 400
    assert response.context["bulk_form"].errors["assignee"]
    response = _bulk(client, [one], action="close")
    assert response.context["bulk_form"].errors["outcome"]
    one.refresh_from_db()
    assert one.assigned_to is None and one.status == S.SUBMITTED


@pytest.mark.parametrize("persona", ["alice", "eero", "tuula"], indirect=True)
def test_bulk_is_only_for_coordinators(client, persona, alice):
    one = ConsultationFactory(requester=alice)
    client.force_login(persona)
    response = _bulk(client, [one], action="close", outcome="no_action")
    assert response.status_code == 404
    one.refresh_from_db()
    assert one.status == S.SUBMITTED


def test_transition_consultations_does_each_whole_or_not_at_all(alice, kaisa):
    good = ConsultationFactory(requester=alice)
    withdrawn = ConsultationFactory(requester=alice, status=S.WITHDRAWN)
    results = services.transition_consultations(
        [
            (withdrawn, services.Seen(S.WITHDRAWN, None)),
            (good, services.Seen(S.SUBMITTED, None)),
        ],
        by=kaisa,
        action="close",
        outcome="no_action",
    )
    assert [result.done for result in results] == [False, True]
    withdrawn.refresh_from_db()
    assert withdrawn.status == S.WITHDRAWN and withdrawn.outcome == ""


# --- Query counts and the access log ---------------------------------------------------


@pytest.mark.parametrize("count", [3, 120])
@pytest.mark.parametrize("tab", ["waiting", "all"])
def test_queue_query_count_with_search_is_constant(
    client, alice, kaisa, count, tab, django_assert_num_queries
):
    ConsultationFactory.create_batch(count, requester=alice, urgency="urgent")
    client.force_login(kaisa)
    # Expect 12 queries, as without a search (test_consultation_pages): the name search
    # is a subquery of the page's and the tab counts' queries, not a query of its own.
    with django_assert_num_queries(12):
        response = client.get(QUEUE, {"tab": tab, "q": "Alice", "sort": "-urgency"})
    assert len(response.context["page"]) == min(count, 50)


def test_queue_logs_the_clients_it_shows(client, alice, kaisa):
    from clients.models import AccessLog

    consultation = ConsultationFactory(requester=alice)
    client.force_login(kaisa)
    client.get(QUEUE)
    assert AccessLog.objects.filter(user=kaisa, client=consultation.client, action="list").exists()


# --- The API -------------------------------------------------------------------------


@time_machine.travel("2026-11-27 12:00 +02:00")
def test_api_needs_action_is_the_queues_waiting_in_its_order(client, alice, kaisa):
    old = ConsultationFactory(requester=alice, submitted_at=_ago(9))
    urgent = ConsultationFactory(requester=alice, urgency="urgent", submitted_at=_ago(1))
    ConsultationFactory(requester=alice, status=S.ANSWERED, submitted_at=_ago(20))
    client.force_login(kaisa)
    body = client.get("/api/v1/consultations/", {"needs_action": "true"}).json()
    results = body["results"] if isinstance(body, dict) else body
    assert [row["id"] for row in results] == [str(urgent.uuid), str(old.uuid)]
