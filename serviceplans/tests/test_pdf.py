"""The PDF of a plan version: made by the Celery task from a queued row, text extracted
with pypdf and checked (goals, actions, escaped HTML, the client's language)."""

import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from clients.models import AccessLog
from serviceplans import services
from serviceplans.models import PlanDocument
from serviceplans.tests.conftest import agree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    # Table cells wrap lines: compare with whitespace collapsed.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_pdf_has_the_goals_actions_and_escaped_html(
    client, plan, alice, teemu, django_capture_on_commit_callbacks
):
    services.add_goal(
        plan, by=alice, text="<script>alert('x')</script> & <b>oma</b> tavoite", domain="social"
    )
    agree(plan, alice)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("serviceplans:pdf_request", args=[plan.uuid]))
    document = PlanDocument.objects.get(plan=plan)
    assert document.status == PlanDocument.Status.READY
    assert len(document.sha256) == 64
    text = _text(document)
    assert "Matti Meikäläinen" in text  # the running header
    assert "Työkokeilu kahvilassa" in text and "Uni kuntoon" in text
    assert "Työkokeilupaikan etsiminen" in text
    assert str(teemu) in text  # who is responsible
    # Typed HTML is shown as text, not interpreted (spaces ignored: cells wrap lines).
    assert "<script>alert('x')</script>&<b>oma</b>tavoite" in text.replace(" ", "")
    assert "Sivu 1 / 1" in text  # page numbers

    # The page says "ready", and the download is logged.
    page = client.get(reverse("serviceplans:plan_detail", args=[plan.uuid]))
    assert page.context["latest_document"] == document
    response = client.get(reverse("serviceplans:pdf_download", args=[document.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert AccessLog.objects.filter(
        user=alice, action="export", object_kind="service_plan_pdf"
    ).exists()


def test_pdf_is_in_swedish_for_a_swedish_speaking_client(
    client, plan, alice, django_capture_on_commit_callbacks
):
    plan.client.language = "sv"
    plan.client.save(update_fields=["language"])
    agree(plan, alice)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("serviceplans:pdf_request", args=[plan.uuid]))
    text = _text(PlanDocument.objects.get(plan=plan))
    assert "Individuell serviceplan" in text
    assert "Mål" in text and "Åtgärder" in text
    assert "Arbetsprövning" in text  # the service type label
    assert "Sida" in text  # page numbers
    # Finland-Swedish dates: 28.11.2026, not Sweden's 2026-11-28.
    today = timezone.localdate()
    assert f"{today.day}.{today.month}.{today.year}" in text
    assert today.isoformat() not in text


def test_the_outsider_cannot_download(
    client, plan, alice, olli, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("serviceplans:pdf_request", args=[plan.uuid]))
    document = PlanDocument.objects.get(plan=plan)
    client.force_login(olli)
    assert client.get(reverse("serviceplans:pdf_download", args=[document.uuid])).status_code == 404
    assert client.post(reverse("serviceplans:pdf_request", args=[plan.uuid])).status_code == 404


def test_export_when_the_broker_is_down_stays_queued_then_completes(
    plan, alice, monkeypatch, django_capture_on_commit_callbacks
):
    from serviceplans import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.render_plan_document, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        document = services.request_plan_pdf(plan, by=alice)
    document.refresh_from_db()
    assert document.status == PlanDocument.Status.QUEUED  # the page says "queued"

    monkeypatch.undo()  # the broker is back: the periodic retry sends it
    PlanDocument.objects.filter(pk=document.pk).update(
        requested_at=document.requested_at - __import__("datetime").timedelta(minutes=2)
    )
    assert tasks.retry_queued_documents() == 1
    document.refresh_from_db()
    assert document.status == PlanDocument.Status.READY


def test_the_task_claims_a_row_once(plan, alice):
    from serviceplans.tasks import render_plan_document

    document = PlanDocument.objects.create(plan=plan, requested_by=alice, language="fi")
    assert render_plan_document(document.pk) == "ready"
    # A second delivery of the same task (Redis redelivers after a lost worker): no-op.
    assert render_plan_document(document.pk) == "skipped"
    document.refresh_from_db()
    assert document.status == PlanDocument.Status.READY


def test_the_page_says_queued_while_the_broker_is_down(
    client, plan, alice, monkeypatch, django_capture_on_commit_callbacks
):
    from serviceplans import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.render_plan_document, "delay", broker_down)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("serviceplans:pdf_request", args=[plan.uuid]))
    assert response.status_code == 302  # no error page: the export waits in the queue
    html = client.get(reverse("serviceplans:plan_detail", args=[plan.uuid])).content.decode()
    assert "pdf-queued" in html and 'hx-get="' in html  # polled until ready
    api = client.get(f"/api/v1/plans/{plan.uuid}/pdf/")
    assert api.status_code == 202 and api.json()["status"] == "queued"


def test_the_pdf_is_tagged_for_screen_readers(
    client, plan, alice, django_capture_on_commit_callbacks
):
    plan.client.language = "sv"
    plan.client.save(update_fields=["language"])
    agree(plan, alice)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("serviceplans:pdf_request", args=[plan.uuid]))
    with PlanDocument.objects.get(plan=plan).file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    root: Any = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]) == "sv"
    assert reader.metadata is not None
    assert reader.metadata.title == "Individuell serviceplan"
    # The headings and paragraphs are in the structure tree, in reading order.
    kinds = set()
    stack = [root["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if "/S" in node:
            kinds.add(str(node["/S"]))
        kids = node.get("/K", [])
        stack.extend(
            kid
            for kid in (kids if isinstance(kids, list) else [kids])
            if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get")
        )
    assert {"/H1", "/P"} <= kinds
