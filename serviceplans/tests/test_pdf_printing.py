"""Text that prints right, and plans too large to print refused before anything is queued."""

import io
import pathlib

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from serviceplans import pdf, services
from serviceplans.models import PlanDocument

pytestmark = pytest.mark.django_db

EMOJI_FONT = pathlib.Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
RLO, PDF_MARK = "\u202e", "\u202c"


def _fonts(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        resources = page["/Resources"]
        assert isinstance(resources, DictionaryObject)
        page_fonts = resources["/Font"]
        assert isinstance(page_fonts, DictionaryObject)
        fonts |= {str(font.get_object()["/BaseFont"]) for font in page_fonts.values()}
    return fonts


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_a_right_to_left_override_does_not_reverse_printed_text(plan, alice):
    services.add_goal(plan, by=alice, text=f"Oma {RLO}tavoite{PDF_MARK} selvä", domain="work")
    html = pdf.plan_html(plan, "fi")
    assert RLO not in html and PDF_MARK not in html
    assert "Oma tavoite selvä" in _text(pdf.html_to_pdf(html))


@pytest.mark.skipif(not EMOJI_FONT.exists(), reason="apt-get install fonts-noto-color-emoji")
def test_emoji_print_with_the_emoji_font(plan, alice):
    services.add_goal(plan, by=alice, text="Kahvilatyö ☕ ja hymy 😀", domain="work")
    with_emoji = pdf.render_plan_pdf(plan, "fi")
    assert any("Noto-Color-Emoji" in font for font in _fonts(with_emoji))
    assert "😀" in _text(with_emoji)


@pytest.mark.skipif(not EMOJI_FONT.exists(), reason="apt-get install fonts-noto-color-emoji")
def test_a_plan_without_emoji_does_not_carry_the_emoji_font(plan):
    assert not any("Emoji" in font for font in _fonts(pdf.render_plan_pdf(plan, "fi")))


def test_a_plan_over_the_size_limit_is_refused_before_queuing(client, plan, alice, monkeypatch):
    monkeypatch.setattr(services, "MAX_PDF_ACTIONS", plan.actions.count() - 1)
    client.force_login(alice)
    response = client.post(reverse("serviceplans:pdf_request", args=[plan.uuid]), follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert any("enintään 1 toimenpidettä; tässä suunnitelmassa on 2" in m for m in messages)
    api = client.post(f"/api/v1/plans/{plan.uuid}/pdf/")
    assert api.status_code == 400
    assert "enintään 1 toimenpidettä" in api.json()["non_field_errors"][0]
    assert not PlanDocument.objects.exists()


def test_the_refusal_is_in_the_persons_language(client, plan, alice, monkeypatch, settings):
    monkeypatch.setattr(services, "MAX_PDF_ACTIONS", 1)
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    api = client.post(f"/api/v1/plans/{plan.uuid}/pdf/")
    assert "högst 1 åtgärder" in api.json()["non_field_errors"][0]
