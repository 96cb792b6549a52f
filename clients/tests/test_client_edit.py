"""The hub corrects a client's details on a page: validated as the API validates them,
saved from the version the form was opened at (a stale save is 409 and keeps the text),
and the change – who changed which fields, never a value – joins the client's record.
Also: the access log's kinds in words, and the client's extract in their own language."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader
from rest_framework.test import APIClient

from clients.models import OBJECT_KINDS, AccessLog, ClientChange
from clients.tests.factories import ClientFactory
from common.timeline import TimelineQuery, collect_for_client


@pytest.fixture
def matti(kaisa):
    return ClientFactory(
        first_name="Matti", last_name="Meikäläinen", personal_identity_code="131052-308T",
        phone="040 123 4567", language="fi", created_by=kaisa,
    )  # fmt: skip


def _form(client, **changes):
    data = {
        "lock_version": client.lock_version,
        "first_name": client.first_name,
        "last_name": client.last_name,
        "phone": client.phone,
        "email": client.email,
        "address": client.address,
        "language": client.language,
        "municipality": client.municipality,
        "life_situation": client.life_situation,
        "target_groups": client.target_groups,
    }
    data.update(changes)
    return data


def test_a_coordinator_corrects_the_language_and_the_change_is_on_the_record(client, matti, kaisa):
    client.force_login(kaisa)
    url = reverse("clients:client_edit", args=[matti.uuid])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="lock_version"' in page.content.decode()
    response = client.post(
        url, _form(matti, language="sv", email="matti@example.invalid", target_groups=["under_30"])
    )
    assert response.status_code == 302
    matti.refresh_from_db()
    assert (matti.language, matti.email, matti.target_groups) == (
        "sv",
        "matti@example.invalid",
        ["under_30"],
    )
    change = ClientChange.objects.get(client=matti)
    assert change.changed_by == kaisa
    assert change.fields == ["email", "language", "target_groups"]
    assert AccessLog.objects.filter(
        user=kaisa, client=matti, action=AccessLog.Action.UPDATE
    ).exists()
    events = collect_for_client(
        matti, kaisa, TimelineQuery(kinds=frozenset({"client_changed"}))
    ).events
    assert len(events) == 1
    assert str(kaisa) in str(events[0].title)


def test_the_record_names_the_fields_never_the_identity_code(client, matti, kaisa):
    """The identity code cannot be changed here, and the API's change of it names the
    field only."""
    from clients import services

    services.update_client(
        matti, by=kaisa, lock_version=matti.lock_version, personal_identity_code="010101-123N"
    )
    client.force_login(kaisa)
    html = client.get(reverse("clients:client_record", args=[matti.uuid])).content.decode()
    assert "timeline-client_changed" in html
    assert "010101" not in html and "131052" not in html


def test_a_stale_save_is_409_and_keeps_the_text(client, matti, kaisa, eero):
    client.force_login(kaisa)
    url = reverse("clients:client_edit", args=[matti.uuid])
    opened = _form(matti, phone="050 999 8888")
    from clients import services

    services.update_client(matti, by=eero, lock_version=matti.lock_version, first_name="Mati")
    response = client.post(url, opened)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'value="050 999 8888"' in html
    assert 'id="stale-warning"' in html
    matti.refresh_from_db()
    assert (matti.first_name, matti.phone) == ("Mati", "040 123 4567")
    # The form now carries the current version: saving again is deliberate and goes through.
    assert response.context["form"].data["lock_version"] == str(matti.lock_version)
    again = client.post(url, dict(response.context["form"].data.lists()))
    assert again.status_code == 302


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"municipality": "999"}, "municipality"),
        ({"language": "de"}, "language"),
        ({"first_name": ""}, "first_name"),
        ({"email": "not an address"}, "email"),
        ({"target_groups": ["nobody"]}, "target_groups"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(client, matti, kaisa, changes, field):
    client.force_login(kaisa)
    url = reverse("clients:client_edit", args=[matti.uuid])
    response = client.post(url, _form(matti, **changes))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not ClientChange.objects.exists()


def test_the_api_refuses_the_same_municipality(matti, kaisa):
    """The page and the API share the validation: the same bad municipality is refused."""
    api = APIClient()
    api.force_authenticate(kaisa)
    url = f"/api/v1/clients/{matti.uuid}/"
    response = api.patch(
        url, {"municipality": "999", "lock_version": matti.lock_version}, format="json"
    )
    assert response.status_code == 400
    assert "municipality" in response.json()


@pytest.mark.parametrize("persona", ["alice", "olli", "ylva"], indirect=True)
def test_only_the_hub_edits_the_details(client, matti, persona):
    client.force_login(persona)
    url = reverse("clients:client_edit", args=[matti.uuid])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, _form(matti, first_name="X")).status_code in (403, 404)
    matti.refresh_from_db()
    assert matti.first_name == "Matti"


# --- The access log's kinds in words ---------------------------------------------------


def _written_kinds() -> set[str]:
    """Every object kind the apps write to the access log, found in their code: a
    `kind="..."` or `access_log_kind = "..."` next to a logging call, or a `_log(...,
    "kind")`."""
    from pathlib import Path

    from django.conf import settings

    kinds = set()
    for app in ("clients", "coordination", "networks", "serviceplans", "healthchecks", "coaching"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            text = path.read_text()
            kinds |= set(re.findall(r'access_log_kind = "(\w+)"', text))
            kinds |= set(re.findall(r'kind: str = "(\w+)"', text))
            kinds |= set(re.findall(r'_log\([^\n]*, "(\w+)"\)', text))
            for call in re.finditer(r"(?:_log\w*|log_client_access|log_referral)\(", text):
                window = text[call.end() : call.end() + 400].split("\n\n")[0]
                kinds |= set(re.findall(r'\bkind="(\w+)"', window))
    return {kind for kind in kinds if not kind.isupper()}


def test_every_access_log_kind_has_a_label_in_every_language():
    written = _written_kinds()
    assert {"coaching_referral", "job_start", "network_meeting"} <= written
    assert written - set(OBJECT_KINDS) == set()
    for language in ("fi", "sv"):
        with translation.override(language):
            for kind, label in OBJECT_KINDS.items():
                assert str(label) != kind and "_" not in str(label), (language, kind)


def test_the_log_shows_the_coaching_kinds_in_words(client, ylva, matti, tuula):
    AccessLog.objects.create(
        user=tuula, client=matti, action="view", basis="job_coaching", object_kind="job_start"
    )
    client.force_login(ylva)
    client.cookies["tyokyky_language"] = "sv"
    html = client.get(reverse("clients:access_log")).content.decode()
    assert "Arbetsstart" in html
    assert ">job_start<" not in html


# --- The client's extract in the client's language -------------------------------------


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_access_report_pdf_is_in_swedish_for_a_swedish_speaking_client(
    client, ylva, matti, tuula
):
    matti.language = "sv"
    matti.save(update_fields=["language"])
    AccessLog.objects.create(
        user=tuula, client=matti, action="view", basis="job_coaching", object_kind="job_start"
    )
    client.force_login(ylva)  # the administrator reads in Finnish
    url = reverse("clients:access_report", args=[matti.uuid])
    response = client.get(url, {"format": "pdf"})
    assert response.status_code == 200
    text = _pdf_text(response)
    assert "Utdrag ur användningsloggen" in text
    assert "Arbetsstart" in text  # the kind of data, in words, in Swedish
    assert "Käyttölokiote" not in text and "job_start" not in text
    # The administrator's own page stays in the administrator's language.
    page = client.get(url).content.decode()
    assert "Utdrag ur användningsloggen" not in page


def test_the_access_report_pdf_is_in_finnish_for_a_finnish_speaking_client(client, ylva, matti):
    client.force_login(ylva)
    client.cookies["tyokyky_language"] = "sv"  # the administrator reads in Swedish
    response = client.get(reverse("clients:access_report", args=[matti.uuid]), {"format": "pdf"})
    text = _pdf_text(response)
    assert "Käyttölokiote" in text
    assert "Utdrag ur användningsloggen" not in text
