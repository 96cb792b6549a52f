"""Two kinds of pages. The professional's (login, access through the touchpoint): make
a link, show it as a QR code or on paper, e-mail it, revoke it; the hub reads the free
texts of the feedback. The client's (no login, only the token): the feedback form and the
self-assessment, in the variant of language they choose."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clients.audit import log_client_access
from clients.models import AccessLog
from common.formerrors import errors_onto
from common.ratelimit import client_address, over_limit
from idempotency.middleware import FIELD_NAME
from voice import services
from voice.access import access_link, access_touchpoint
from voice.feedback import free_texts
from voice.forms import FeedbackForm, LinkCreateForm, LinkSendForm, SelfAssessmentForm
from voice.models import ClientLink, LinkEvent
from voice.texts import PLAIN_FINNISH, VARIANT_NAMES, VARIANTS, language_of, texts_for

SESSION_TOKENS = "voice_link_tokens"
_PURPOSE_URLS: dict[str, str] = {
    ClientLink.Purpose.FEEDBACK: "voice:feedback",
    ClientLink.Purpose.SELF_ASSESSMENT: "voice:self_assessment",
}

# --- The professional's pages --------------------------------------------------------


@login_required
@require_POST
def link_create(request: HttpRequest, touchpoint: str, **ids) -> HttpResponse:
    (object_id,) = ids.values()
    obj = access_touchpoint(request.user, touchpoint, object_id)
    form = LinkCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what the link is for."))
        return redirect(request.POST.get("next") or "home")
    with errors_onto(form) as saved:
        link, token = services.create_link(
            obj=obj, purpose=form.cleaned_data["purpose"], by=request.user
        )
    if not saved.ok:
        messages.error(request, " ".join(str(error) for error in form.non_field_errors()))
        return redirect("home")
    # The token exists nowhere else: the professional's session keeps it for showing the
    # QR code and the print view, until the link is used or expires.
    tokens = request.session.get(SESSION_TOKENS, {})
    tokens = dict(list(tokens.items())[-19:])
    tokens[str(link.uuid)] = token
    request.session[SESSION_TOKENS] = tokens
    log_client_access(request, link.client, action=AccessLog.Action.CREATE, kind="client_link")
    return redirect("voice:link_detail", link_id=link.uuid)


def _link_url(request: HttpRequest, link: ClientLink) -> str | None:
    """The link's address, while this session holds its token and it can still be used."""
    token = request.session.get(SESSION_TOKENS, {}).get(str(link.uuid))
    if not token or link.state != ClientLink.State.OPEN:
        return None
    return request.build_absolute_uri(reverse(_PURPOSE_URLS[link.purpose], args=[token]))


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=6, border=4)


def _link_context(request: HttpRequest, link: ClientLink) -> dict:
    url = _link_url(request, link)
    return {
        "link": link,
        "url": url,
        "qr": _qr_svg(url) if url else "",
        "touchpoint_url": _touchpoint_url(link),
    }


def _touchpoint_url(link: ClientLink) -> str:
    if link.consultation_id:
        return reverse("consultation_detail", args=[link.consultation.uuid])  # type: ignore[union-attr]
    if link.meeting_id:
        return reverse("networks:meeting_detail", args=[link.meeting.uuid])  # type: ignore[union-attr]
    if link.plan_id:
        return reverse("serviceplans:plan_detail", args=[link.plan.uuid])  # type: ignore[union-attr]
    return reverse("coaching:referral_detail", args=[link.referral.uuid])  # type: ignore[union-attr]


@login_required
def link_detail(request: HttpRequest, link_id) -> HttpResponse:
    link = access_link(request.user, link_id)
    log_client_access(request, link.client, action=AccessLog.Action.VIEW, kind="client_link")
    context = _link_context(request, link)
    context.update(
        {
            "title": _("Link for the client"),
            "send_form": LinkSendForm(initial={"email": link.client.email}),
            "events": list(link.events.all()[:50]),
        }
    )
    return render(request, "voice/link_detail.html", context)


@login_required
def link_print(request: HttpRequest, link_id) -> HttpResponse:
    link = access_link(request.user, link_id)
    log_client_access(request, link.client, action=AccessLog.Action.VIEW, kind="client_link")
    context = _link_context(request, link)
    context["title"] = _("Link for the client")
    # The paper is the client's: in their language.
    with translation.override(link.language):
        return render(request, "voice/link_print.html", context)


@login_required
@require_POST
def link_send(request: HttpRequest, link_id) -> HttpResponse:
    link = access_link(request.user, link_id)
    form = LinkSendForm(request.POST)
    url = _link_url(request, link)
    if url is None:
        messages.error(request, _("This link can no longer be sent. Make a new one."))
        return redirect("voice:link_detail", link_id=link.uuid)
    if form.is_valid():
        with errors_onto(form) as saved:
            services.send_link(link, to=form.cleaned_data["email"], url=url, by=request.user)
        if saved.ok:
            log_client_access(
                request, link.client, action=AccessLog.Action.UPDATE, kind="client_link"
            )
            messages.success(request, _("The link was sent by e-mail."))
            return redirect("voice:link_detail", link_id=link.uuid)
    context = _link_context(request, link)
    context.update(
        {"title": _("Link for the client"), "send_form": form, "events": list(link.events.all())}
    )
    return render(request, "voice/link_detail.html", context, status=400)


@login_required
@require_POST
def link_revoke(request: HttpRequest, link_id) -> HttpResponse:
    link = access_link(request.user, link_id)
    services.revoke_link(link, by=request.user)
    log_client_access(request, link.client, action=AccessLog.Action.UPDATE, kind="client_link")
    messages.success(request, _("The link was revoked: it no longer works."))
    return redirect("voice:link_detail", link_id=link.uuid)


@login_required
def feedback_texts(request: HttpRequest) -> HttpResponse:
    """The clients' own words, for the hub only: without names or dates, and only for a
    period with at least five answers."""
    if not (request.user.is_active and request.user.is_coordinator):
        raise Http404
    result = free_texts(request.GET)
    return render(
        request,
        "voice/feedback_texts.html",
        {"title": _("Clients' feedback in their own words"), "section": "metrics", **result},
    )


# --- The client's pages --------------------------------------------------------------


def _variant(request: HttpRequest, link: ClientLink | None) -> str:
    chosen = request.POST.get("lang") or request.GET.get("lang") or ""
    if chosen in VARIANTS:
        return chosen
    return link.language if link is not None and link.language in VARIANTS else "fi"


def _client_render(request, template, variant, context, status=200) -> HttpResponse:
    texts = texts_for(variant)
    context = {
        **context,
        "t": texts,
        "variant": variant,
        "variants": [(code, VARIANT_NAMES[code]) for code in VARIANTS],
        "plain": variant == PLAIN_FINNISH,
        "html_lang": language_of(variant),
    }
    with translation.override(language_of(variant)):
        return render(request, template, context, status=status)


def _refused(request, variant, opened: services.Opened) -> HttpResponse:
    reasons: dict[str, str] = {
        LinkEvent.Kind.REFUSED_EXPIRED: "refused_expired",
        LinkEvent.Kind.REFUSED_USED: "refused_used",
        LinkEvent.Kind.REFUSED_REVOKED: "refused_revoked",
    }
    reason = reasons.get(opened.refusal or "", "refused_unknown")
    # A wrong purpose is answered like an unknown link: the token is not for this page.
    known = reason != "refused_unknown"
    texts = texts_for(variant)
    if known and opened.link is not None:
        contact = texts["contact"] % {"organisation": opened.link.organization.name}
    else:
        contact = texts["contact_unknown"]
    return _client_render(
        request,
        "voice/client_refused.html",
        variant,
        {"reason": reason, "contact": contact},
        status=410 if known else 404,
    )


def _too_many(request, variant) -> HttpResponse:
    services.log_rate_limited()
    return _client_render(
        request, "voice/client_refused.html", variant, {"reason": "refused_rate"}, status=429
    )


def _address_over(request, kind: str, limit: int) -> bool:
    return over_limit(
        f"voice-{kind}:{client_address(request)}",
        limit,
        settings.CLIENT_LINK_RATE_LIMIT_WINDOW_SECONDS,
    )


def _client_page(request: HttpRequest, token: str, purpose: str) -> HttpResponse:
    variant = _variant(request, None)
    if _address_over(request, "open", settings.CLIENT_LINK_RATE_LIMIT_PER_ADDRESS):
        return _too_many(request, variant)
    opened = services.open_link(token, purpose, log_open=request.method == "GET")
    link = opened.link
    variant = _variant(request, link)
    key = request.POST.get(FIELD_NAME, "")
    if opened.refusal or link is None:
        if link is not None and request.method == "POST" and services.is_replay(link, key):
            return _client_render(request, "voice/client_thanks.html", variant, {})
        return _refused(request, variant, opened)
    texts = texts_for(variant)
    form_class = FeedbackForm if purpose == ClientLink.Purpose.FEEDBACK else SelfAssessmentForm
    form = form_class(texts, request.POST or None)
    if request.method == "POST":
        if _address_over(request, "answer", settings.CLIENT_FEEDBACK_RATE_LIMIT_PER_ADDRESS):
            return _too_many(request, variant)
        if form.is_valid():
            with errors_onto(form) as saved:
                if purpose == ClientLink.Purpose.FEEDBACK:
                    services.submit_feedback(link, key=key, **form.cleaned_data)
                else:
                    services.submit_self_assessment(link, key=key, **form.cleaned_data)
            if saved.ok:
                return _client_render(request, "voice/client_thanks.html", variant, {})
    template = (
        "voice/client_feedback.html"
        if purpose == ClientLink.Purpose.FEEDBACK
        else "voice/client_self_assessment.html"
    )
    status = 400 if form.is_bound else 200
    return _client_render(request, template, variant, {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    return _client_page(request, token, ClientLink.Purpose.FEEDBACK)


@require_http_methods(["GET", "POST"])
def self_assessment(request: HttpRequest, token: str) -> HttpResponse:
    return _client_page(request, token, ClientLink.Purpose.SELF_ASSESSMENT)
