"""axe-core on every page of the service, for every role, in Finnish: no serious or
critical violations of WCAG 2.1 A/AA. The pages are found by walking the URL resolver
(tests/routes.py), so a new page is checked the day it is added."""

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.routes import page_routes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RESULTS = Path("var/axe-results.json")
# Routes that are not pages (they answer with a file or redirect after a POST).
NOT_HTML = {"two_factor_qr", "logout", "set_language"}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def check_pages(page, base_url, urls, statuses=(200,)):
    axe = Axe()
    report = {}
    for url in urls:
        # Ask first, so that POST-only routes (405) and files are passed over.
        probe = page.request.get(base_url + url, max_redirects=0)
        if probe.status not in statuses:
            continue
        if "text/html" not in (probe.headers.get("content-type") or ""):
            continue
        page.goto(base_url + url)
        result = axe.run(page, options=AXE_OPTIONS)
        violations = result.response["violations"]
        report[url] = {
            "final_url": page.url.removeprefix(base_url),
            "violations": {v["id"]: v["impact"] for v in violations},
            "passes": len(result.response["passes"]),
        }
    return report


def save(role, report):
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing[role] = report
    RESULTS.write_text(json.dumps(existing, indent=1, ensure_ascii=False))


def serious(report):
    return {
        url: {rule: impact for rule, impact in entry["violations"].items()
              if impact in ("serious", "critical")}
        for url, entry in report.items()
        if any(impact in ("serious", "critical") for impact in entry["violations"].values())
    }  # fmt: skip


def simple_page_urls():
    return [route.url() for route in page_routes() if not route.takes_object_id
            and route.name not in NOT_HTML]  # fmt: skip


@pytest.mark.parametrize("persona", ["alice", "kaisa", "eero", "ylva"], indirect=True)
def test_no_serious_violations_on_any_page_of_a_role(page, live_server, login_as, persona):
    login_as(persona)
    report = check_pages(page, live_server.url, simple_page_urls())
    save(persona.role, report)
    assert len(report) >= 3, f"too few pages were checked: {sorted(report)}"
    assert serious(report) == {}


def test_no_serious_violations_before_login(page, live_server):
    report = check_pages(
        page, live_server.url, ["/login/", "/accessibility/", "/no-such-page/"], (200, 404)
    )
    save("anonymous", report)
    assert {"/login/", "/accessibility/", "/no-such-page/"} <= set(report)
    assert serious(report) == {}
