"""The job coach's main pages, as a person sees them on a desktop and on a phone: the
caseload, the client's coaching record, an employer and the team's fidelity trend.
Screenshots go to var/screenshots/ for a person to look at; the test asserts what can be
measured: nothing wider than the screen (no sideways scrolling at 320 CSS px, WCAG 1.4.10
reflow), every form control with a name, and the fidelity chart with its table."""

import pytest

from tests.e2e.world import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": (1280, 900), "phone": (320, 640)}

# Elements that stick out of the viewport (their right edge beyond it), when the page
# itself can be scrolled sideways; table wrappers that scroll on their own are fine.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1
      && !el.closest(".table-responsive, .visually-hidden"))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
}"""

UNNAMED_CONTROLS_JS = """() => [...document.querySelectorAll(
    "main input:not([type=hidden]), main select, main textarea, main button")]
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
    && !el.getAttribute("aria-labelledby") && !(el.tagName === "BUTTON" && el.innerText.trim()))
  .map((el) => el.outerHTML.slice(0, 120))"""


def test_the_job_coachs_pages_fit_the_screen(
    page, live_server, login_as, screenshot, alice, kaisa, tuula, health_centre
):
    world = build_world(alice=alice, kaisa=kaisa, health_centre=health_centre, tuula=tuula)
    pages = {
        "caseload": "/coaching/",
        "referral": f"/coaching/{world['referral_id']['follow-along']}/",
        "employer": f"/coaching/employers/{world['employer_id']}/",
        "fidelity": "/coaching/fidelity/",
        "review": f"/coaching/fidelity/{world['review_id']}/",
    }
    login_as(tuula)
    problems = {}
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        for name, url in pages.items():
            response = page.goto(live_server.url + url)
            assert response.status == 200, url
            screenshot(f"{name}-{size}")
            if overflow := page.evaluate(OVERFLOW_JS):
                problems[f"{name} ({size}): wider than the screen"] = overflow
            if unnamed := page.evaluate(UNNAMED_CONTROLS_JS):
                problems[f"{name} ({size}): controls without a name"] = unnamed
    assert problems == {}

    # The fidelity trend: a chart is also a table (the numbers, for a screen reader).
    page.goto(live_server.url + pages["fidelity"])
    assert page.locator("main table").count() >= 1
