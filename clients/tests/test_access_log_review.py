"""The access-log review: administrators only, filters, CSV, the client's
access report and its PDF, and the review trail that records every reading."""

import csv
import datetime
import io
import uuid

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from clients.models import AccessLog, AccessLogIsAppendOnly, AccessLogReview
from clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

LIST = reverse("clients:access_log")


def log(user, client, *, at=None, action="view", basis="consultation", kind="client"):
    return AccessLog.objects.create(
        user=user,
        client=client,
        action=action,
        basis=basis,
        at=at or timezone.now(),
        ip_address="192.0.2.7",
        path=f"/clients/{client.uuid}/",
        object_kind=kind,
    )


def many_logs(n, users, clients):
    now = timezone.now()
    AccessLog.objects.bulk_create(
        AccessLog(
            user=users[i % len(users)],
            client=clients[i % len(clients)],
            action="view",
            basis="consultation",
            at=now - datetime.timedelta(minutes=i),
            path="/x/",
        )
        for i in range(n)
    )


@pytest.fixture
def matti(alice):
    return ClientFactory(
        first_name="Matti", last_name="Meikäläinen", personal_identity_code="131052-308T",
        created_by=alice,
    )  # fmt: skip


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


# --- access ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "olli", "kaisa", "eero"], indirect=True)
def test_everybody_but_the_administrator_gets_404(client, persona, matti, alice):
    log(alice, matti)
    client.force_login(persona)
    report = reverse("clients:access_report", args=[matti.uuid])
    assert client.get(LIST).status_code == 404
    assert client.get(LIST, {"format": "csv"}).status_code == 404
    assert client.post(LIST, {"client_query": "Matti"}).status_code == 404
    assert client.get(report).status_code == 404
    assert client.get(report, {"format": "pdf"}).status_code == 404
    assert not AccessLogReview.objects.exists()


def test_anonymous_is_sent_to_login(client, matti):
    response = client.get(LIST)
    assert response.status_code == 302 and "/login/" in response.url


def test_administrator_sees_the_log_and_the_reading_is_recorded(client, ylva, alice, matti):
    log(alice, matti)
    client.force_login(ylva)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Meikäläinen" in html and "131052-***T" in html
    assert "131052-308T" not in html
    review = AccessLogReview.objects.get()
    assert (review.user, review.action, review.client, review.filters) == (ylva, "list", None, {})
    # The review is not an access-log row: the log shows reads of client data only.
    assert AccessLog.objects.count() == 1


def test_the_administrator_sees_no_client_content(client, ylva, alice, matti):
    from coordination.tests.factories import ConsultationFactory

    ConsultationFactory(requester=alice, client=matti, description="Salainen kuvaus")
    log(alice, matti)
    client.force_login(ylva)
    for response in (
        client.get(LIST),
        client.get(reverse("clients:access_report", args=[matti.uuid])),
    ):
        assert "Salainen kuvaus" not in response.content.decode()


def test_administrator_home_and_navigation_link_to_the_log(client, ylva):
    client.force_login(ylva)
    home = client.get(reverse("home"))
    urls = [item["url"] for item in home.context["nav_items"]]
    assert LIST in urls


def test_reviews_are_append_only(ylva, matti):
    review = AccessLogReview.objects.create(user=ylva, action="list", client=matti)
    with pytest.raises(AccessLogIsAppendOnly):
        review.save()
    with pytest.raises(AccessLogIsAppendOnly):
        AccessLogReview.objects.update(action="export")
    with pytest.raises(AccessLogIsAppendOnly):
        review.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_change_a_review(ylva, matti):
    review = AccessLogReview.objects.create(user=ylva, action="list", client=matti)
    for sql in (
        "UPDATE clients_accesslogreview SET action = 'x' WHERE id = %s",
        "DELETE FROM clients_accesslogreview WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [review.pk])


# --- filters -----------------------------------------------------------------------------


@pytest.fixture
def spread(alice, olli, kaisa, matti):
    """Five entries across users, organisations, clients, bases, actions and dates."""
    other = ClientFactory(first_name="Liisa", last_name="Lahtinen", created_by=alice)
    now = timezone.now()
    return {
        "alice_matti": log(alice, matti, at=now - datetime.timedelta(days=40)),
        "alice_other": log(alice, other, at=now - datetime.timedelta(days=1), action="list"),
        "olli_matti": log(olli, matti, at=now - datetime.timedelta(days=2), basis="network"),
        "kaisa_matti": log(kaisa, matti, at=now, basis="hub_role", action="update"),
        "kaisa_other": log(kaisa, other, at=now - datetime.timedelta(days=3), action="export",
                           basis="hub_role"),
        "other": other,
    }  # fmt: skip


def shown(response) -> set[int]:
    return {entry.pk for entry in response.context["page"].object_list}


def test_filters(client, ylva, spread, alice, olli, matti, health_centre, kela):
    client.force_login(ylva)
    ids = {name: entry.pk for name, entry in spread.items() if name != "other"}
    today = timezone.localdate()
    cases = [
        ({}, set(ids.values())),
        ({"user": alice.uuid}, {ids["alice_matti"], ids["alice_other"]}),
        ({"organization": kela.uuid}, {ids["olli_matti"]}),
        (
            {"client": matti.uuid},
            {ids["alice_matti"], ids["olli_matti"], ids["kaisa_matti"]},
        ),
        ({"basis": "hub_role"}, {ids["kaisa_matti"], ids["kaisa_other"]}),
        ({"action": "export"}, {ids["kaisa_other"]}),
        (
            {"date_from": today - datetime.timedelta(3), "date_to": today - datetime.timedelta(1)},
            {ids["alice_other"], ids["olli_matti"], ids["kaisa_other"]},
        ),
        ({"client": matti.uuid, "basis": "network"}, {ids["olli_matti"]}),
        # Disclosures: read by another organisation than alice's health centre, which
        # recorded both clients.
        ({"disclosures": "on"}, {ids["olli_matti"], ids["kaisa_matti"], ids["kaisa_other"]}),
    ]  # fmt: skip
    for params, expected in cases:
        response = client.get(LIST, params)
        assert response.status_code == 200, params
        assert shown(response) == expected, params
    # Newest first.
    entries = list(client.get(LIST).context["page"].object_list)
    assert entries == sorted(entries, key=lambda entry: entry.at, reverse=True)
    # The review trail keeps the filters as the URL had them: uuids, values, dates.
    assert AccessLogReview.objects.filter(client=matti, action="list").count() == 2
    review = AccessLogReview.objects.filter(filters__user=str(alice.uuid)).get()
    assert review.filters == {"user": str(alice.uuid)}


def test_bad_filters_are_errors_not_results(client, ylva, spread):
    client.force_login(ylva)
    response = client.get(LIST, {"client": uuid.uuid4(), "date_from": "yesterday"})
    assert response.status_code == 400
    assert shown(response) == set()
    form = response.context["filterset"].form
    assert "client" in form.errors and "date_from" in form.errors


def test_client_search_by_code_is_a_post_and_is_never_echoed(client, ylva, matti, spread):
    client.force_login(ylva)
    response = client.post(LIST, {"client_query": "131052-308t"})
    assert response.status_code == 200
    assert list(response.context["found"]) == [matti]
    html = response.content.decode()
    assert "131052-308" not in html.upper().replace("***", "")
    assert f"?client={matti.uuid}" in html
    review = AccessLogReview.objects.get(action="search")
    assert review.filters == {} and review.client is None
    assert "131052" not in str(list(AccessLogReview.objects.values()))


def test_client_search_by_name(client, ylva, matti, spread):
    client.force_login(ylva)
    response = client.post(LIST, {"client_query": "meikä"})
    assert list(response.context["found"]) == [matti]
    assert client.post(LIST, {"client_query": "Nobody"}).context["found"] == []
    assert client.post(LIST, {"client_query": ""}).status_code == 400


# --- query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["list", "csv"])
def test_list_and_csv_query_count_does_not_grow(client, ylva, alice, olli, kaisa, path):
    client.force_login(ylva)
    clients_ = [ClientFactory() for _ in range(5)]

    def count(n):
        many_logs(n, [alice, olli, kaisa], clients_)
        with CaptureQueriesContext(connection) as queries:
            if path == "list":
                response = client.get(LIST, {"basis": "consultation"})
                assert len(response.context["page"].object_list) == min(
                    50, AccessLog.objects.count()
                )
            else:
                response = client.get(LIST, {"format": "csv", "basis": "consultation"})
                rows = csv_rows(response)
                assert len(rows) == AccessLog.objects.count() + 1
        return len(queries)

    few = count(10)
    many = count(190)  # 200 in all
    # List (12): session, user, the page count, the review INSERT, the page rows (user,
    # organisation and client joined), the user and organisation options of the filter
    # form (their own sizes, not the log's), the session save (savepoint, update,
    # release). CSV (8): session, user, the review INSERT, the session save, and the
    # rows through one server-side cursor (chunks are fetches of it, not new queries).
    assert few == many, (few, many)
    assert few == (12 if path == "list" else 8), few


# --- CSV ---------------------------------------------------------------------------------


def test_csv_export_parsed_back(client, ylva, spread, matti, alice):
    client.force_login(ylva)
    with translation.override("en"):
        response = client.get(
            LIST, {"format": "csv", "client": matti.uuid}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    rows = csv_rows(response)
    header, body = rows[0], rows[1:]
    assert len(header) == 12
    assert len(body) == 3
    # Newest first; the client by name, masked code and uuid, never the whole code.
    first = body[0]
    assert first[4] == "Matti Meikäläinen"
    assert first[5] == "131052-***T"
    assert first[6] == str(matti.uuid)
    assert first[10] == "192.0.2.7"
    assert [row[2] for row in body] == ["kaisa", "olli", "alice"]
    assert "131052-308T" not in str(rows)
    review = AccessLogReview.objects.get(action="export")
    assert review.client == matti and review.filters == {"client": str(matti.uuid)}


def test_csv_export_writes_dates_the_finland_swedish_way(client, ylva, spread, matti):
    client.force_login(ylva)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.get(LIST, {"format": "csv", "client": matti.uuid})
    body = csv_rows(response)[1:]
    at = timezone.localtime(AccessLog.objects.filter(client=matti).latest("at").at)
    assert body[0][0] == f"{at.day}.{at.month}.{at.year} {at.hour}.{at.minute:02d}"


# --- the client's access report ----------------------------------------------------------


def test_access_report_groups_by_organisation_and_user(client, ylva, spread, matti, hub, kela):
    client.force_login(ylva)
    url = reverse("clients:access_report", args=[matti.uuid])
    response = client.get(url)
    assert response.status_code == 200
    report = response.context
    assert report["total"] == 3
    groups = {
        (group.organization.name if group.organization else None): group
        for group in report["organizations"]
    }
    # Alice's health centre recorded Matti; Kela and the hub are disclosures.
    assert not groups["Oulun sote-keskus Tuira"].disclosure
    assert groups[kela.name].disclosure and groups[hub.name].disclosure
    assert report["disclosures"] == 2
    assert [len(u.entries) for u in groups[hub.name].users] == [1]
    # The recording organisation first, then the disclosures.
    assert report["organizations"][0].organization.name == "Oulun sote-keskus Tuira"
    # The report is in the review trail, and lists itself.
    review = AccessLogReview.objects.get(action="report")
    assert review.client == matti
    assert report["reviews"] == [review]
    assert "131052-308T" not in response.content.decode()


def test_access_report_for_a_missing_client_is_404(client, ylva):
    client.force_login(ylva)
    assert client.get(reverse("clients:access_report", args=[uuid.uuid4()])).status_code == 404


def test_access_report_pdf_parsed_back(client, ylva, spread, matti, kela):
    client.force_login(ylva)
    response = client.get(reverse("clients:access_report", args=[matti.uuid]), {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Matti Meikäläinen" in text
    assert "131052-***T" in text and "131052-308T" not in text
    assert kela.name in text and "Olli" in text
    review = AccessLogReview.objects.get(action="report")
    assert review.filters == {"format": "pdf"}


def test_access_report_query_count_does_not_grow(client, ylva, alice, olli, kaisa, matti):
    client.force_login(ylva)
    url = reverse("clients:access_report", args=[matti.uuid])

    def count(n):
        many_logs(n, [alice, olli, kaisa], [matti])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).context["total"] == AccessLog.objects.count()
        return len(queries)

    assert count(10) == count(190)
