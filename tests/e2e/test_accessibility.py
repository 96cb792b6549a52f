"""axe-core on every page of the service, for every role, in Finnish: no serious or
critical violations of WCAG 2.1 A/AA (moderate and minor ones are recorded too), and every
page has its language, one h1, a main and a navigation landmark. The pages are found by
walking the URL resolver (tests/routes.py), so a new page is checked the day it is added;
the pages that take an object id are opened on a small world of real objects
(tests/e2e/world.py). The results go to var/axe-results.json, by role and page."""

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.world import build_world
from tests.routes import page_routes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RESULTS = Path("var/axe-results.json")
ROUTES = Path("var/axe-object-routes.json")
# Routes that are not pages (they answer with a file or redirect after a POST).
# ... and the single sign-on routes: redirects to and from a provider, none configured
# here (tests/e2e/test_sso_flow.py checks the pages of a sign-in with axe).
NOT_HTML = {"two_factor_qr", "logout", "set_language", "sso_start", "sso_callback"}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SERIOUS = ("serious", "critical")
ROLES = ["alice", "kaisa", "eero", "ylva", "tuula"]

STRUCTURE_JS = """() => ({
  lang: document.documentElement.lang,
  h1: document.querySelectorAll("h1").length,
  main: document.querySelectorAll("main, [role=main]").length,
  nav: document.querySelectorAll("nav, [role=navigation]").length,
  title: document.title.trim().length > 0,
})"""
GOOD_STRUCTURE = {"lang": "fi", "h1": 1, "main": 1, "title": True}

# The contrast axe leaves undecided because the element has a background image (the
# arrow of a <select>): text against the element's own opaque background colour, when it
# has one, by the WCAG formula. Answers {selector: ratio}.
CONTRAST_JS = """(selectors) => {
  const channels = (colour) => colour.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratios = {};
  for (const selector of selectors) {
    const el = document.querySelector(selector);
    if (!el) continue;
    const style = getComputedStyle(el);
    const background = channels(style.backgroundColor);
    if (background.length > 3 && background[3] < 1) continue;
    const pair = [luminance(channels(style.color)), luminance(background)];
    const ratio = (Math.max(...pair) + 0.05) / (Math.min(...pair) + 0.05);
    ratios[selector] = Math.round(ratio * 100) / 100;
  }
  return ratios;
}"""


def probe(page, url):
    """What a GET of `url` answers, without following redirects: "page" for a whole HTML
    page, else the reason to pass it over (405 for POST-only routes, 404, a redirect, a
    file or an htmx fragment)."""
    response = page.request.get(url, max_redirects=0)
    if response.status != 200:
        return str(response.status)
    content_type = response.headers.get("content-type") or ""
    if "text/html" not in content_type:
        return content_type.split(";")[0]
    if "<html" not in response.text()[:500].lower():
        return "fragment"
    return "page"


def check_page(page, axe, url):
    page.goto(url)
    result = axe.run(page, options=AXE_OPTIONS).response
    undecided = [
        node["target"][0]
        for rule in result["incomplete"]
        if rule["id"] == "color-contrast"
        for node in rule["nodes"]
        if len(node["target"]) == 1 and "background image" in node["failureSummary"]
    ]
    return {
        "violations": {v["id"]: v["impact"] for v in result["violations"]},
        "nodes": {v["id"]: len(v["nodes"]) for v in result["violations"]},
        # Where, and why (axe's summary), for the first few elements of each violation.
        "where": {
            v["id"]: [f"{node['target']}: {node['failureSummary']}" for node in v["nodes"][:3]]
            for v in result["violations"]
        },
        # What axe could not decide (e.g. contrast over a gradient): for a person to look.
        "incomplete": {v["id"]: v["impact"] for v in result["incomplete"]},
        "review": {
            v["id"]: [f"{node['target']}: {node['failureSummary']}" for node in v["nodes"][:3]]
            for v in result["incomplete"]
        },
        "passes": len(result["passes"]),
        "contrast_by_hand": page.evaluate(CONTRAST_JS, undecided),
        "structure": page.evaluate(STRUCTURE_JS),
    }


def check_pages(page, base_url, urls, statuses=(200,)):
    axe = Axe()
    report = {}
    for url in urls:
        # Ask first, so that POST-only routes (405) and files are passed over.
        response = page.request.get(base_url + url, max_redirects=0)
        if response.status not in statuses:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        report[url] = check_page(page, axe, base_url + url)
        report[url]["final_url"] = page.url.removeprefix(base_url)
    return report


def save(role, report):
    """Add the role's pages to var/axe-results.json (a page of an object is keyed by its
    route, so that runs with new ids replace the old entries)."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing.setdefault(role, {}).update(report)
    RESULTS.write_text(json.dumps(existing, indent=1, ensure_ascii=False, sort_keys=True))


def serious(report):
    return {
        url: {rule: impact for rule, impact in entry["violations"].items() if impact in SERIOUS}
        for url, entry in report.items()
        if any(impact in SERIOUS for impact in entry["violations"].values())
    }


def low_contrast(report):
    """The contrasts measured by hand (CONTRAST_JS) under 4.5:1."""
    return {
        url: low
        for url, entry in report.items()
        if (low := {el: ratio for el, ratio in entry["contrast_by_hand"].items() if ratio < 4.5})
    }


def bad_structure(report, nav=True):
    """Pages without lang="fi", or with no h1 or more than one, no main landmark or (for
    a logged-in user) no navigation landmark."""
    bad = {}
    for url, entry in report.items():
        found = entry["structure"]
        wrong = {key: found[key] for key, value in GOOD_STRUCTURE.items() if found[key] != value}
        if nav and found["nav"] < 1:
            wrong["nav"] = found["nav"]
        if wrong:
            bad[url] = wrong
    return bad


def simple_page_urls():
    return [route.url() for route in page_routes() if not route.takes_object_id
            and route.name not in NOT_HTML]  # fmt: skip


def object_pages(world):
    """(route, key, url) of every page route with URL arguments, once per state of the
    world's objects: the key is the route's pattern (and the state, when there are
    several)."""
    pages = []
    for route in page_routes():
        if not route.takes_object_id or route.name in NOT_HTML:
            continue
        missing = [name for name in route.converters if name not in world]
        assert not missing, f"{route.pattern}: tests/e2e/world.py has no {missing}"
        choices = []
        for name in route.converters:
            value = world[name]
            choices.append(value.items() if isinstance(value, dict) else [(None, value)])
        for combination in itertools.product(*choices):
            labels = [label for label, _value in combination if label]
            values = {
                name: value
                for name, (_label, value) in zip(route.converters, combination, strict=True)
            }
            key = "/" + route.pattern + (f" ({', '.join(labels)})" if labels else "")
            pages.append((route.pattern, key, route.url(**values)))
    return pages


@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_no_serious_violations_on_any_page_of_a_role(page, live_server, login_as, persona):
    login_as(persona)
    report = check_pages(page, live_server.url, simple_page_urls())
    save(persona.role, report)
    assert len(report) >= 3, f"too few pages were checked: {sorted(report)}"
    assert serious(report) == {}
    assert low_contrast(report) == {}
    assert bad_structure(report) == {}


def test_no_serious_violations_before_login(page, live_server):
    report = check_pages(
        page, live_server.url, ["/login/", "/accessibility/", "/no-such-page/"], (200, 404)
    )
    save("anonymous", report)
    assert {"/login/", "/accessibility/", "/no-such-page/"} <= set(report)
    assert serious(report) == {}
    assert low_contrast(report) == {}
    assert bad_structure(report, nav=False) == {}


def test_no_serious_violations_on_the_pages_of_objects(
    page,
    live_server,
    login_as,
    settings,
    tmp_path,
    alice,
    kaisa,
    eero,
    ylva,
    tuula,
    health_centre,
):
    """Every page that takes an object id, for each role that may open it: the others
    get 404 and are passed over, as are POST-only routes (405), redirects, files and
    htmx fragments. Every such route must be a page for some role or plainly not a
    page: one that answers 404 to everybody means the world lacks what it needs."""
    settings.MEDIA_ROOT = tmp_path
    world = build_world(alice=alice, kaisa=kaisa, health_centre=health_centre, tuula=tuula)
    pages = object_pages(world)
    axe = Axe()
    seen: dict[Any, set[Any]] = {route: set() for route, _key, _url in pages}
    checked = {}
    for persona in (alice, kaisa, eero, ylva, tuula):
        page.context.clear_cookies()
        login_as(persona)
        report = {}
        for route, key, url in pages:
            answer = probe(page, live_server.url + url)
            seen[route].add(answer)
            if answer == "page":
                report[key] = check_page(page, axe, live_server.url + url)
                report[key]["url"] = url
        save(persona.role, report)
        checked[persona.role] = report

    # What each route with URL arguments answered, over all roles, for the closing note.
    ROUTES.write_text(json.dumps({r: sorted(a) for r, a in seen.items()}, indent=1))
    not_a_page = {"405", "302", "application/pdf", "text/calendar", "fragment"}
    unexplained = {route: answers for route, answers in seen.items()
                   if "page" not in answers and not answers & not_a_page}  # fmt: skip
    assert unexplained == {}, "no role could open these pages: extend tests/e2e/world.py"
    assert sum(len(report) for report in checked.values()) >= 10
    assert {role: serious(report) for role, report in checked.items() if serious(report)} == {}
    assert {role: low for role, report in checked.items() if (low := low_contrast(report))} == {}
    assert {
        role: bad_structure(report) for role, report in checked.items() if bad_structure(report)
    } == {}
