"""The inbox page, the badge, opening and finishing items, the API, and the e-mail
preferences: a person sees and changes only their own items (anyone else's is 404), and
the badge and the list cost the same number of queries at few and many items."""

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from common.inbox import Kind, announce
from coordination.tests.factories import ConsultationFactory
from inbox.models import Delivery, EmailPreference, InboxItem

pytestmark = pytest.mark.django_db


def _items(user, count, kind=Kind.REQUEST_ANSWERED):
    with transaction.atomic():
        for consultation in ConsultationFactory.create_batch(count, requester=user):
            announce(user, kind, consultation)
    return list(InboxItem.objects.filter(recipient=user).order_by("pk"))


@pytest.mark.parametrize("count", [2, 60])
def test_the_badge_is_one_query_at_few_and_many_items(
    client, alice, count, django_assert_num_queries
):
    _items(alice, count)
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # Expect 11 queries: the session and the user; the page itself (its COUNT, its rows,
    # their feedback, the access log); the badge's one unread COUNT and the user's
    # organisation in the navigation bar; the session saved (savepoint, update, release).
    with django_assert_num_queries(11) as captured:
        response = client.get(reverse("my_requests"))
    badge = [q["sql"] for q in captured.captured_queries if "inbox_inboxitem" in q["sql"]]
    assert len(badge) == 1 and "COUNT(" in badge[0]
    html = response.content.decode()
    assert "Inbox <span" in html and f">{count}<" in html


def _list_queries(client, user, django_assert_num_queries):
    client.force_login(user)
    # Expect: the session and the user; the page's COUNT and its rows; the badge's
    # COUNT and the user's organisation; the session saved (savepoint, update, release).
    with django_assert_num_queries(9):
        return client.get(reverse("inbox:list"))


@pytest.mark.parametrize("count", [3, 80])
def test_the_inbox_list_costs_the_same_at_few_and_many(
    client, alice, count, django_assert_num_queries
):
    _items(alice, count)
    response = _list_queries(client, alice, django_assert_num_queries)
    assert response.status_code == 200
    assert len(response.context["page"]) == min(count, 30)


def test_unread_first_then_newest_and_the_filters(client, alice):
    first, second, third = _items(alice, 3)
    InboxItem.objects.filter(pk=third.pk).update(read_at=third.created_at)
    InboxItem.objects.filter(pk=first.pk).update(done_at=first.created_at)
    client.force_login(alice)
    listed = lambda show: [i.pk for i in client.get(f"/inbox/?show={show}").context["page"]]  # noqa: E731
    assert listed("all") == [second.pk, third.pk]  # not done: unread first
    assert listed("unread") == [second.pk, first.pk]
    assert listed("done") == [first.pk]
    assert listed("nonsense") == listed("all")


def test_opening_an_item_marks_it_read_and_goes_to_its_thing(client, alice):
    (item,) = _items(alice, 1)
    client.force_login(alice)
    response = client.get(reverse("inbox:open", args=[item.uuid]))
    assert response.status_code == 302 and response["Location"] == item.url
    item.refresh_from_db()
    assert item.read_at is not None


def test_mark_done_and_mark_all_read(client, alice):
    one, _two = _items(alice, 2)
    client.force_login(alice)
    assert client.post(reverse("inbox:done", args=[one.uuid])).status_code == 302
    one.refresh_from_db()
    assert one.done_at is not None and one.read_at is not None
    client.post(reverse("inbox:mark_all_read"))
    assert not InboxItem.objects.filter(recipient=alice, read_at__isnull=True).exists()


def test_someone_elses_item_is_404_everywhere(client, alice, olli):
    (item,) = _items(alice, 1)
    client.force_login(olli)
    for url in (
        reverse("inbox:open", args=[item.uuid]),
        reverse("inbox:read", args=[item.uuid]),
        reverse("inbox:done", args=[item.uuid]),
    ):
        method = client.get if url.endswith(f"{item.uuid}/") else client.post
        assert method(url).status_code == 404, url
    api = f"/api/v1/inbox/{item.uuid}/"
    assert client.get(api).status_code == 404
    assert client.post(api + "read/").status_code == 404
    assert client.post(api + "done/").status_code == 404
    assert client.get("/api/v1/inbox/").json()["results"] == []
    client.post(reverse("inbox:mark_all_read"))
    item.refresh_from_db()
    assert item.read_at is None and item.done_at is None


def test_the_api_lists_and_marks_the_users_own_items(client, alice):
    one, two = _items(alice, 2)
    client.force_login(alice)
    listed = client.get("/api/v1/inbox/").json()
    assert {row["id"] for row in listed["results"]} == {str(one.uuid), str(two.uuid)}
    assert "Meikäläinen" not in str(listed)
    assert client.post(f"/api/v1/inbox/{one.uuid}/read/").json()["read_at"]
    done = client.post(f"/api/v1/inbox/{two.uuid}/done/").json()
    assert done["done_at"] and done["read_at"]
    assert [r["id"] for r in client.get("/api/v1/inbox/?show=done").json()["results"]] == [
        str(two.uuid)
    ]


def test_the_home_page_shows_new_items_one_click_from_their_thing(client, alice):
    (item,) = _items(alice, 1)
    client.force_login(alice)
    html = client.get(reverse("home")).content.decode()
    assert 'class="mb-4 new-for-you"' in html
    assert reverse("inbox:open", args=[item.uuid]) in html
    assert reverse("inbox:done", args=[item.uuid]) in html


# --- Preferences -----------------------------------------------------------------------


def test_preferences_are_saved_per_kind(client, alice):
    client.force_login(alice)
    page = client.get(reverse("inbox:preferences"))
    assert page.status_code == 200
    response = client.post(
        reverse("inbox:preferences"),
        {"kind-request_answered": "daily_digest", "kind-urgent_request": "none"},
    )
    assert response.status_code == 302
    assert dict(EmailPreference.objects.filter(user=alice).values_list("kind", "delivery")) == {
        "request_answered": Delivery.DAILY_DIGEST,
        "urgent_request": Delivery.NONE,
    }


@pytest.mark.parametrize(
    "posted",
    [
        {"kind-request_answered": "daily_digest", "kind-no_such_kind": "none"},
        {"kind-request_answered": "daily_digest", "kind-urgent_request": "weekly"},
    ],
)
def test_an_unknown_kind_or_way_is_an_error_and_nothing_is_saved(client, alice, posted):
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("inbox:preferences"), posted)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is no such kind of inbox item." in html or (
        "Choose immediately, in a daily digest or not by e-mail." in html
    )
    assert not EmailPreference.objects.exists()
