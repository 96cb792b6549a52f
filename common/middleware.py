from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
