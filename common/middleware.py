import re
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage import default_storage
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Finnish unless the user has chosen otherwise.

    Django's LocaleMiddleware would follow the browser's Accept-Language header; a
    Finnish public service opens in Finnish, and Swedish or English are the user's own
    choice (the language switch, or the language saved on their account at login), kept
    in the language cookie.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreMiddleware:
    """Nothing a logged-in person (or a program with a key) is shown may be kept by the
    browser's cache or a proxy: the answers carry client data. An answer that sets its own
    Cache-Control (never_cache's, or a file's) keeps it. Static files never get here:
    WhiteNoise answers them before."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if (signed_in or "HTTP_AUTHORIZATION" in request.META) and not response.has_header(
            "Cache-Control"
        ):
            response["Cache-Control"] = "no-store, private"
        return response


# C0 control characters but tab, newline and carriage return: never typed by a person,
# and NUL cannot even be stored in a PostgreSQL text column (the query fails).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def _limit_in_megabytes() -> str:
    return f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


class RequestInputMiddleware:
    """Input no page can be broken by, checked once for every view:

    - a query parameter (name or value) with a control character is refused with 400
      naming the parameter: search and filter values reach the database, and a NUL there
      was a 500;
    - NUL is taken out of posted form fields (a browser never sends one; the rest of the
      text is what was typed), the forms then validate what remains;
    - a body over DATA_UPLOAD_MAX_MEMORY_SIZE (or with too many fields) gets 413 and a
      page naming the limit instead of Django's bare 400, and the API a JSON message.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            if _CONTROL.search(name) or any(_CONTROL.search(value) for value in values):
                return self._bad_parameter(request, _CONTROL.sub("", name))
        if request.method == "POST":
            refused = self._clean_post(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _clean_post(self, request: HttpRequest) -> HttpResponse | None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = request.META.get("CONTENT_LENGTH") or "0"
        too_big = (
            limit is not None
            and length.isdigit()
            and int(length) > limit
            and request.content_type != "multipart/form-data"
        )
        if not too_big and request.content_type in _FORM_TYPES:
            try:
                post = request.POST
            except (RequestDataTooBig, TooManyFieldsSent):
                too_big = True
            else:
                if any("\x00" in value for value in _values(post)):
                    cleaned = post.copy()
                    for name in cleaned:
                        cleaned.setlist(
                            name, [value.replace("\x00", "") for value in cleaned.getlist(name)]
                        )
                    cleaned._mutable = False
                    # The parsed form Django's request keeps (the stubs do not declare it).
                    request._post = cleaned  # type: ignore[attr-defined]
        if not too_big:
            return None
        message = _(
            "What was sent is too large: at most %(limit)s MB of text can be sent at once. "
            "Nothing was saved."
        ) % {"limit": _limit_in_megabytes()}
        if _wants_json(request):
            return JsonResponse({"detail": message}, status=413)
        return render(
            request,
            "413.html",
            {"message": message},
            status=413,
        )

    def _bad_parameter(self, request: HttpRequest, name: str) -> HttpResponse:
        message = _("The parameter %(name)s contains a control character.") % {"name": name}
        if _wants_json(request):
            return JsonResponse({name: [message]}, status=400)
        return render(request, "400_parameter.html", {"message": message}, status=400)


def _values(post: QueryDict) -> Iterator[str]:
    for _name, values in post.lists():
        yield from values


# When the session's login happened (seconds since the epoch), written at login.
SESSION_STARTED_KEY = "session_started_at"


def mark_session_start(request: HttpRequest) -> None:
    """Note the login's time in its session (a user_logged_in receiver calls this)."""
    request.session[SESSION_STARTED_KEY] = time.time()


class AbsoluteSessionLifetimeMiddleware:
    """A login lasts at most SESSION_ABSOLUTE_SECONDS, however busy the session is.

    The idle limit (SESSION_COOKIE_AGE, renewed by every request) ends a session left
    alone; this ends one that is kept alive, by a person who never logs out or by
    whoever took over its cookie. A page is redirected to the login with a message; an
    API request goes on logged out, so that DRF answers it as any unauthenticated
    request. A session from before this was introduced starts counting now.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                mark_session_start(request)
            elif time.time() - started >= settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                if not _wants_json(request):
                    return self._to_login(request)
        return self.get_response(request)

    @staticmethod
    def _to_login(request: HttpRequest) -> HttpResponse:
        hours = settings.SESSION_ABSOLUTE_SECONDS / 3600
        message = _("You were logged out: a login lasts at most %(hours)s hours. Log in again.") % {
            "hours": f"{hours:g}"
        }
        # The messages middleware sits further in and does not see this request, so the
        # message is stored here (in a cookie: the session was just emptied).
        storage = default_storage(request)
        storage.add(message_levels.INFO, message)
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        response = redirect(reverse(settings.LOGIN_URL) + (f"?{query}" if query else ""))
        storage.update(response)
        return response
