"""The consultation request form with the keyboard only (WCAG 2.1.1, 2.1.2, 2.4.1, 2.4.3,
2.4.7, 3.3.1, 3.3.3), in Finnish: alice logs in, skips to the main content, opens the form
from the front page, sends it empty, hears the error summary, follows its links, fills
every field of an identified and then of an anonymous request with Tab, Shift+Tab, the
arrow keys, Space and Enter, and lands on the confirmation page. At every stop the focused
element must show a focus ring that it does not show unfocused; the Tab order must be the
page's order, top to bottom, without traps. Screenshots: var/screenshots/keyboard-*.png."""

import datetime
import itertools
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import timezone

from conftest import require_chromium
from coordination.models import ConsultationRequest
from tests.e2e.test_accessibility import AXE_OPTIONS, SERIOUS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.VAR_DIR) / "screenshots"

# How an element is named in this test: its id, else its name (and value for a box),
# else a link's address, else its tag and text.
DESCRIBE = """el => {
  if (!el || el === document.body || el === document.documentElement) return "body";
  if (el.id) return "#" + el.id;
  if (el.name) {
    const box = el.type === "radio" || el.type === "checkbox";
    return `${el.tagName.toLowerCase()}[name=${el.name}]` + (box ? `[value=${el.value}]` : "");
  }
  if (el.tagName === "A") return `a[href="${el.getAttribute("href")}"]`;
  return el.tagName.toLowerCase() + ":" + el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40);
}"""

# The focused element, its focus ring, where it is on the page; and the element focused
# before it, now unfocused, with its ring as it is now.
FOCUS_JS = f"""() => {{
  const describe = {DESCRIBE};
  const ring = (el) => {{
    const s = getComputedStyle(el);
    return {{style: s.outlineStyle, width: parseFloat(s.outlineWidth) || 0,
             color: s.outlineColor, shadow: s.boxShadow}};
  }};
  const el = document.activeElement;
  const rect = el.getBoundingClientRect();
  const before = window.__keyboardPrevious;
  const result = {{
    key: describe(el),
    ring: ring(el),
    top: rect.top + window.scrollY, bottom: rect.bottom + window.scrollY,
    left: rect.left + window.scrollX, width: rect.width, height: rect.height,
    inForm: !!el.closest("form.consultation-form"),
    previous: before && before.isConnected && before !== el
      ? {{key: describe(before), ring: ring(before)}} : null,
  }};
  window.__keyboardPrevious = el;
  return result;
}}"""

# Every element Tab should reach, in the order of the page: visible, not disabled, not
# tabindex=-1; of a group of radio buttons only the checked one (or the first).
TABBABLE_JS = f"""() => {{
  const describe = {DESCRIBE};
  const selector =
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
  const keys = [];
  for (const el of document.querySelectorAll(selector)) {{
    if (el.disabled || el.tabIndex < 0 || !el.getClientRects().length) continue;
    if (getComputedStyle(el).visibility === "hidden") continue;
    if (el.closest("details:not([open])") && el.tagName !== "SUMMARY") continue;
    if (el.type === "radio") {{
      const group = [...document.getElementsByName(el.name)];
      const chosen = group.find((radio) => radio.checked) || group[0];
      if (el !== chosen) continue;
    }}
    keys.push(describe(el));
  }}
  return keys;
}}"""

POSITIVE_TABINDEX_JS = (
    "() => [...document.querySelectorAll('[tabindex]')].filter(e => e.tabIndex > 0).length"
)


@pytest.fixture
def browser_context_args(browser_context_args):
    # No smooth scrolling (Bootstrap's), so that a screenshot shows where the focus is.
    return {
        **browser_context_args,
        "locale": "fi-FI",
        "viewport": {"width": 1280, "height": 900},
        "reduced_motion": "reduce",
    }


class Keyboard:
    """Moves focus with the keys and checks every stop."""

    def __init__(self, page):
        self.page = page
        self.stops = []
        self.rings = {}  # the ring of each element when it had the focus

    def focused(self):
        stop = self.page.evaluate(FOCUS_JS)
        self.stops.append(stop)
        return stop

    def check_ring(self, stop):
        """The focus ring is there and visible (an outline of 2px or more), and it is
        the focus that draws it: the element loses it when focus moves on."""
        ring = stop["ring"]
        assert ring["style"] != "none" and ring["width"] >= 2, f"no focus ring on {stop['key']}"
        # The ring is yellow (seen on the dark navigation bar) with a black edge (seen on
        # a white page): Bootstrap's pale blue or red glow must not replace the black.
        assert "rgb(0, 0, 0) 0px 0px 0px" in ring["shadow"], f"no dark ring on {stop['key']}"
        previous = stop["previous"]
        if previous and previous["key"] in self.rings:
            focused_ring = self.rings[previous["key"]]
            assert previous["ring"] != focused_ring, f"{previous['key']} looks focused unfocused"

    def press(self, key):
        self.page.keyboard.press(key)
        return self.check_focus()

    def check_focus(self):
        stop = self.focused()
        if stop["key"] != "body":
            assert stop["width"] > 0 and stop["height"] > 0, f"{stop['key']} is unseen"
            self.check_ring(stop)
            self.rings[stop["key"]] = stop["ring"]
        return stop

    def tab(self, back=False):
        return self.press("Shift+Tab" if back else "Tab")

    def tab_to(self, key, back=False, limit=120):
        passed = []
        for _ in range(limit):
            stop = self.tab(back)
            if stop["key"] == key:
                return stop
            passed.append(stop["key"])
        raise AssertionError(f"Tab never reached {key}; it went through {passed}")

    def type(self, text):
        self.page.keyboard.type(text)

    def shoot(self, step):
        """The visible part of the page, where the focus is."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"keyboard-{step}.png"))


@pytest.fixture
def keys(page):
    require_chromium()
    page.set_default_timeout(15_000)
    return Keyboard(page)


def fill(keys, plan, until="#send-request"):
    """Tab through the form from where the focus is to `until`, doing at each field what
    `plan` says: a text to type, or a list of keys to press. Every field of the plan
    must be met on the way."""
    done = set()
    while True:
        stop = keys.tab()
        # A date field takes several Tabs (day, month, year): act on the first only.
        action = plan.get(stop["key"]) if stop["key"] not in done else None
        if isinstance(action, str):
            keys.type(action)
        elif action:
            for key in action:
                keys.press(key)
        if action is not None:
            done.add(stop["key"])
        if stop["key"] == until:
            break
    assert set(plan) - done == set(), "Tab did not reach every field"


def check_error_summary(keys, page, title):
    """The summary has the focus, is announced (role=alert), and links to each invalid
    field; each field says it is invalid and is described by its message. The page's
    title begins with "Error:" (WCAG 2.4.2: the title tells that the sending failed)."""
    summary = page.locator("#form-errors")
    assert page.evaluate("() => document.activeElement.id") == "form-errors"
    assert summary.get_attribute("role") == "alert"
    assert page.title() != title and page.title().endswith(title)
    links = summary.locator("a[data-field]")
    assert links.count() >= 1
    for index in range(links.count()):
        link = links.nth(index)
        field_id = link.get_attribute("data-field")
        assert link.get_attribute("href") == f"#{field_id}"
        field = page.locator(f"#{field_id}")
        assert field.get_attribute("aria-invalid") == "true", field_id
        # A single field is described by its message; a group of boxes by its fieldset.
        described = field.get_attribute("aria-describedby") or page.locator(
            f"fieldset:has(#{field_id})"
        ).last.get_attribute("aria-describedby")  # the innermost
        messages = [page.locator(f"#{name}").inner_text().strip() for name in described.split()]
        assert any(message and message in link.inner_text() for message in messages), field_id
    # Every field marked invalid is in the summary.
    invalid = page.evaluate(
        """() => [...new Set([...document.querySelectorAll('[aria-invalid=true]')]
             .map(el => el.type === 'checkbox' || el.type === 'radio'
                  ? el.name : el.id))]"""
    )
    fields = [links.nth(i).get_attribute("data-field") for i in range(links.count())]
    assert len(invalid) == len(set(fields)), invalid
    return fields


def assert_no_serious_axe_violations(page):
    """axe on the page as it is now (a form sent back with its errors)."""
    result = Axe().run(page, options=AXE_OPTIONS).response
    found = {v["id"]: v["impact"] for v in result["violations"]}
    assert {rule: impact for rule, impact in found.items() if impact in SERIOUS} == {}


def check_tab_order(keys, page):
    """From the focus (or the top of the page) to the end of the page, Tab meets every
    element it should, in the order of the page (a date field is one element however
    many Tabs it takes); inside the form each stop is below the one before or right of
    it on the same line. Answers the whole expected order."""
    assert page.evaluate(POSITIVE_TABINDEX_JS) == 0
    order = page.evaluate(TABBABLE_JS)
    here = keys.focused()["key"]
    expected = order[order.index(here) + 1 :] if here in order else order
    met, stops = [], []
    for _ in range(2 * len(expected) + 10):
        if len(met) == len(expected):
            break
        stop = keys.tab()
        stops.append(stop)
        if not met or met[-1] != stop["key"]:
            met.append(stop["key"])
    assert met == expected
    form = [stop for stop in stops if stop["inForm"]]
    form = [stop for before, stop in zip([None, *form], form, strict=False)
            if before is None or before["key"] != stop["key"]]  # fmt: skip
    for before, after in itertools.pairwise(form):
        same_line = after["top"] < before["bottom"] and before["top"] < after["bottom"]
        if same_line:
            assert after["left"] > before["left"], (before["key"], after["key"])
        else:
            assert after["top"] >= before["bottom"] - 1, (before["key"], after["key"])
    return order


def test_a_consultation_request_with_the_keyboard_only(page, live_server, alice, password, keys):
    url = live_server.url
    # Dates whose day and month are the same: typed digit by digit they come out right
    # whether the browser's date fields run day-month-year or month-day-year.
    until = datetime.date(timezone.localdate().year + 1, 11, 11)

    # Log in: username, Tab, password, Enter.
    page.goto(f"{url}/login/")
    keys.tab_to("#id_username")
    keys.type("alice")
    keys.tab()
    keys.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/")

    # The first Tab reaches the skip link, visible now; Enter moves focus to <main>.
    skip = keys.tab()
    assert skip["key"] == 'a[href="#main"]'
    assert skip["width"] > 40 and skip["height"] > 20 and skip["top"] >= 0
    keys.shoot("1-skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    # From the main content, the first link is the request form's.
    keys.tab_to('a[href="/consultations/new/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/consultations/new/")
    title = page.title()

    # The whole page in Tab order; then back up to the send button.
    order = check_tab_order(keys, page)
    assert order.index("#id_kind_0") < order.index("#id_description") < order.index("#send-request")
    assert "#id_anon-municipality" not in order  # the anonymous part is hidden
    keys.tab_to("#send-request", back=True)
    keys.shoot("2-focus-on-send")

    # Sent empty: the summary is focused and announced, its links lead to the fields.
    page.keyboard.press("Enter")
    page.wait_for_selector("#form-errors")
    fields = check_error_summary(keys, page, title)
    assert "id_client-first_name" in fields and "id_consent-consent_given" in fields
    assert "id_reasons_0" in fields and "id_description" in fields
    keys.shoot("3-error-summary")
    assert_no_serious_axe_violations(page)
    first_link = keys.tab()
    assert first_link["key"].startswith('a[href="#id_')
    page.keyboard.press("Enter")
    assert keys.check_focus()["key"] == "#" + fields[0]
    keys.shoot("4-error-link-focus")
    assert not ConsultationRequest.objects.exists()

    # Back up to the first field with Shift+Tab, then every field of an identified
    # request, forwards.
    keys.tab_to("#id_kind_0", back=True)
    fill(
        keys,
        {
            "#id_client-personal_identity_code": "101052-308V",
            "#id_client-first_name": "Matti",
            "#id_client-last_name": "Meikäläinen",
            "#id_client-date_of_birth": "10101952",
            "#id_client-municipality": "Oulu",  # typed on the select: picks Oulu (564)
            "#id_client-phone": "040 123 4567",
            "#id_client-language": ["ArrowDown"],  # ruotsi
            "#id_client-life_situation": ["ArrowDown"],
            "#id_client-target_groups_0": ["Space"],
            "#id_client-target_groups_4": ["Space"],
            "#id_consent-consent_given": ["Space"],
            "#id_consent-method": ["ArrowDown"],  # kirjallinen
            "#id_consent-valid_until": until.strftime("%d%m%Y"),
            "#id_reasons_1": ["Space"],
            "#id_reasons_3": ["Space"],
            "#id_asked_1": ["Space"],  # "consultation", checked from the start, stays
            "#id_urgency": ["ArrowDown"],
            "#id_channel": ["ArrowDown"],
            "#id_description": "Matti on ollut kaksi vuotta työttömänä. Auttaisiko verkosto?",
        },
    )
    assert page.input_value("#id_client-date_of_birth") == "1952-10-10"
    assert page.input_value("#id_consent-valid_until") == until.isoformat()
    keys.shoot("5-identified-filled")
    page.keyboard.press("Enter")
    page.wait_for_selector("#reference")
    keys.shoot("6-confirmation")

    consultation = ConsultationRequest.objects.get()
    assert not consultation.anonymous
    assert (consultation.client.first_name, consultation.client.language) == ("Matti", "sv")
    assert consultation.client.date_of_birth == datetime.date(1952, 10, 10)
    assert sorted(consultation.client.target_groups) == ["long_term_unemployed", "mental_health"]
    assert consultation.consent.method == "written"
    assert consultation.consent.valid_until == until
    assert sorted(consultation.reasons) == ["long_unemployment", "mental_health"]
    assert sorted(consultation.asked) == ["consultation", "network"]
    assert (consultation.urgency, consultation.channel) == ("urgent", "phone")

    # Another request, anonymous, from the confirmation page.
    keys.tab()  # the skip link
    page.keyboard.press("Enter")
    keys.tab_to('a[href="/consultations/new/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/consultations/new/")
    keys.tab_to("#id_kind_0")
    assert keys.press("ArrowDown")["key"] == "#id_kind_1"  # the radio buttons: arrow keys
    assert page.is_hidden("#section-identified") and page.is_hidden("#section-consent")
    order = check_tab_order(keys, page)
    assert "#id_client-first_name" not in order and "#id_anon-municipality" in order
    keys.tab_to("#send-request", back=True)
    page.keyboard.press("Enter")
    page.wait_for_selector("#form-errors")
    fields = check_error_summary(keys, page, title)
    assert fields == ["id_anon-municipality", "id_reasons_0", "id_description"]
    keys.shoot("7-anonymous-errors")
    assert_no_serious_axe_violations(page)
    keys.tab()
    page.keyboard.press("Enter")
    assert keys.check_focus()["key"] == "#id_anon-municipality"
    keys.tab_to("#id_kind_1", back=True)
    fill(
        keys,
        {
            "#id_anon-age_band": ["ArrowDown", "ArrowDown"],  # from "not known" to 25–29
            "#id_anon-municipality": "Raahe",  # typed on the select: picks Raahe (678)
            "#id_anon-life_situation": ["ArrowDown", "ArrowDown"],
            "#id_reasons_0": ["Space"],
            "#id_asked_3": ["Space"],
            "#id_urgency": ["ArrowDown", "ArrowUp"],  # down to "urgent" and back: normal
            "#id_channel": ["ArrowDown", "ArrowDown"],  # e-mail
            "#id_description": "Nuori aikuinen ilman koulutusta ja työtä.",
        },
    )
    keys.shoot("8-anonymous-filled")
    page.keyboard.press("Enter")
    page.wait_for_selector("#reference")

    anonymous = ConsultationRequest.objects.get(anonymous=True)
    assert anonymous.client is None
    assert (anonymous.age_band, anonymous.municipality) == ("25_29", "678")
    assert anonymous.life_situation == "unemployed_not_registered"
    assert anonymous.reasons == ["work_ability_unclear"]
    assert sorted(anonymous.asked) == ["consultation", "health_check"]
    assert (anonymous.urgency, anonymous.channel) == ("normal", "email")
    # Every stop of the walk showed its focus ring (checked at each key press).
    assert len(keys.stops) > 100
