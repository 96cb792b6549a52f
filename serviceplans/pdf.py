"""The plan as a PDF (WeasyPrint): A4, the client's language, the client's name and the
plan version in the running header, page numbers in the footer. The template uses block
and table layout only (nested flex is pathologically slow in WeasyPrint; the actions, which
may be thousands, are blocks, not table rows), system fonts (emoji from Noto Color Emoji
through fontconfig's fallback), and a `url_fetcher` that refuses every fetch, so a URL
typed into a free-text field can never make the renderer reach the network (DESIGN.md §9)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from common.text import neutralise_bidi
from serviceplans.models import PlanReview, ServicePlan

# The largest plan printed. Time and memory grow in step with the actions: 3,000 took 13.7 s
# of CPU and 170 MB on a busy shared 2-core machine (tests/benchmarks/test_plan_pdf_size.py),
# so 5,000 stay well inside the task's 90 s limit. A larger plan is refused when the PDF is
# asked for, before anything is queued.
MAX_PDF_ACTIONS = 5000


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"PDF rendering fetches nothing: {url[:60]}")


def plan_context(plan: ServicePlan) -> dict:
    """Everything the template shows, fetched here in a fixed number of queries."""
    goals = list(plan.goals.all())
    actions = list(
        plan.actions.select_related("responsible_user", "responsible_organization", "goal")
    )
    reviews = list(
        PlanReview.objects.filter(plan__network=plan.network_id, plan__version__lte=plan.version)
        .select_related("reviewed_by", "plan")
        .prefetch_related("progress__goal")
        .order_by("reviewed_on", "pk")
    )
    network = plan.network
    members = list(
        network.members.filter(left_at__isnull=True).select_related("user", "organization")
    )
    return {
        "plan": plan,
        "client": plan.client,
        "goals": goals,
        "actions": actions,
        "reviews": reviews,
        "members": members,
        "printed_at": timezone.localtime(),
    }


def plan_html(plan: ServicePlan, language: str) -> str:
    """The template has no bidirectional controls of its own: those in the result were
    typed into the plan, and are taken out so that printed text reads as it was typed."""
    with translation.override(language):
        return neutralise_bidi(render_to_string("serviceplans/plan_pdf.html", plan_context(plan)))


def html_to_pdf(html: str) -> bytes:
    # WeasyPrint takes over a second to import; only a PDF needs it, not every process.
    from weasyprint import HTML  # noqa: PLC0415

    # PDF/UA-1: a tagged PDF (structure tree, reading order, the document's language
    # and title from <html lang> and <title>), so a screen reader reads the plan.
    return HTML(
        string=html, base_url=str(settings.BASE_DIR / "static"), url_fetcher=_no_fetch
    ).write_pdf(pdf_variant="pdf/ua-1")


def render_plan_pdf(plan: ServicePlan, language: str) -> bytes:
    return html_to_pdf(plan_html(plan, language))
