"""The inbox page, opening an item, marking items read or done, and the e-mail
preferences under the account menu."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.inbox import Kind
from inbox import services
from inbox.access import access_item
from inbox.models import Delivery

PAGE_SIZE = 30


@login_required
def inbox_list(request):
    show = request.GET.get("show", "all")
    if show not in services.FILTERS:
        show = "all"
    page = Paginator(services.listed(request.user, show), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "inbox/inbox_list.html", {"page": page, "show": show})


def _safe_target(url: str) -> str:
    """The stored url is a path on this site; anything else opens the inbox."""
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return ""


@login_required
def item_open(request, item_id):
    """Mark the item read and go to its thing (a GET: the link in a list or an e-mail)."""
    item = services.mark_read(access_item(request.user, item_id))
    return redirect(_safe_target(item.url) or "inbox:list")


def _back(request):
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)
    return redirect("inbox:list")


@require_POST
@login_required
def item_done(request, item_id):
    services.mark_done(access_item(request.user, item_id))
    return _back(request)


@require_POST
@login_required
def item_read(request, item_id):
    services.mark_read(access_item(request.user, item_id))
    return _back(request)


@require_POST
@login_required
def mark_all_read(request):
    services.mark_all_read(request.user)
    return _back(request)


@login_required
def preferences(request):
    errors: dict = {}
    choices = services.delivery_choices(request.user)
    if request.method == "POST":
        posted = {
            name.removeprefix("kind-"): value
            for name, value in request.POST.items()
            if name.startswith("kind-")
        }
        try:
            services.set_preferences(request.user, posted)
        except ValidationError as error:
            errors = error.message_dict
            choices.update({k: v for k, v in posted.items() if k in choices})
        else:
            messages.success(request, _("Your e-mail choices were saved."))
            return redirect("inbox:preferences")
    rows = [
        {
            "kind": kind,
            "label": Kind(kind).label,
            "delivery": choices[kind],
            "errors": errors.get(kind, []),
        }
        for kind in choices
    ]
    unknown = [msg for kind, msgs in errors.items() if kind not in choices for msg in msgs]
    return render(
        request,
        "inbox/preferences.html",
        {"rows": rows, "deliveries": Delivery.choices, "unknown_errors": unknown},
        status=400 if errors else 200,
    )
