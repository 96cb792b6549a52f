"""The plans API: the permission table, field errors, the stale edit (409), versions,
reviews, the PDF, and constant query counts on the list."""

import datetime

import pytest

from serviceplans.models import PlanDocument, ServicePlan
from serviceplans.tests.conftest import agree

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "method", "suffix", "expected"),
    [
        ("alice", "get", "", 200),
        ("teemu", "get", "goals/", 200),
        ("kaisa", "get", "actions/", 200),
        ("kaisa", "get", "reviews/", 200),
        ("olli", "get", "", 404),
        ("olli", "get", "actions/", 404),
        ("olli", "post", "goals/", 404),
        ("olli", "post", "pdf/", 404),
        ("eero", "get", "", 404),
        ("ylva", "get", "", 404),
    ],
    indirect=["persona"],
)
def test_plan_api_permissions(client, plan, persona, method, suffix, expected):
    client.force_login(persona)
    url = f"/api/v1/plans/{plan.uuid}/{suffix}"
    response = getattr(client, method)(
        url, {} if method == "get" else None, content_type="application/json"
    )
    assert response.status_code == expected


def test_the_outsider_sees_no_plans_in_the_list(client, plan, olli):
    client.force_login(olli)
    assert client.get("/api/v1/plans/").json()["count"] == 0


def test_write_a_plan_through_the_api(client, network, alice, teemu, health_centre, today):
    client.force_login(alice)
    response = client.post(
        "/api/v1/plans/", {"network": str(network.uuid)}, content_type="application/json"
    )
    assert response.status_code == 201
    plan = response.json()
    url = f"/api/v1/plans/{plan['id']}/"
    response = client.patch(
        url,
        {"lock_version": plan["lock_version"], "client_goals": "Töihin"},
        content_type="application/json",
    )
    assert response.status_code == 200
    # The same lock_version again: someone else saved in between.
    stale = client.patch(
        url,
        {"lock_version": plan["lock_version"], "client_goals": "Vanha"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    goal = client.post(
        url + "goals/", {"text": "Työ", "domain": "work"}, content_type="application/json"
    )
    assert goal.status_code == 201
    bad = client.post(
        url + "actions/",
        {"description": "X", "service_type": "work_trial", "due_date": "2000-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"responsible_organization", "due_date"}
    action = client.post(
        url + "actions/",
        {
            "description": "IPS-valmennus",
            "service_type": "ips_job_coaching",
            "responsible_user": str(teemu.uuid),
            "goal": goal.json()["id"],
            "due_date": (today + datetime.timedelta(days=10)).isoformat(),
        },
        content_type="application/json",
    )
    assert action.status_code == 201
    current = client.get(url).json()
    assert len(current["actions"]) == 1 and current["actions"][0]["responsible_organization"]
    agreed = client.patch(
        url,
        {"lock_version": current["lock_version"], "status": "agreed", "agreement_method": "verbal"},
        content_type="application/json",
    )
    assert agreed.status_code == 200 and agreed.json()["status"] == "agreed"
    review = client.post(
        url + "reviews/",
        {
            "summary": "Hyvä alku",
            "next_review_date": (today + datetime.timedelta(days=30)).isoformat(),
            "goals": [{"goal": goal.json()["id"], "progress": "progressing"}],
        },
        content_type="application/json",
    )
    assert review.status_code == 201
    # The review is on the version in force, which stays in force; revising is its own step.
    assert review.json()["plan_version"] == 1
    revised = client.post(url + "revise/", content_type="application/json")
    assert revised.status_code == 201
    assert ServicePlan.objects.get(uuid=revised.json()["id"]).version == 2


def test_pdf_export_through_the_api(
    client, plan, alice, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    agree(plan, alice)
    client.force_login(alice)
    url = f"/api/v1/plans/{plan.uuid}/pdf/"
    assert client.get(url).status_code == 404  # nothing asked yet
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url)
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert client.get(url).status_code == 202  # still queued
    from serviceplans.tasks import render_plan_document

    render_plan_document(PlanDocument.objects.get(plan=plan).pk)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("rows", [1, 10])
def test_plan_list_queries_do_not_grow_with_rows(client, kaisa, rows, django_assert_num_queries):
    from clients.tests.factories import ClientFactory
    from networks import services as network_services
    from serviceplans import services

    for _ in range(rows):
        network = network_services.form_network(by=kaisa, client=ClientFactory())
        services.create_plan(network, by=kaisa)
    client.force_login(kaisa)
    # Expect 8 queries:
    #  1 the session, 2 the user, 3 the count for pagination,
    #  4 the page of plans with their networks and clients, 5 the access log rows,
    #  6-8 the session renewed: SAVEPOINT, UPDATE, RELEASE.
    with django_assert_num_queries(8):
        response = client.get("/api/v1/plans/")
    assert response.json()["count"] == rows


def test_the_schema_lists_the_plan_endpoints(client, kaisa):
    client.force_login(kaisa)
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/plans/",
        "/api/v1/plans/{id}/goals/",
        "/api/v1/plans/{id}/actions/",
        "/api/v1/plans/{id}/reviews/",
        "/api/v1/plans/{id}/pdf/",
        "/api/v1/clients/{id}/assessments/",
    ):
        assert path in schema
