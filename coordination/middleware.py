from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Finnish unless the user has chosen otherwise.

    Django's LocaleMiddleware would follow the browser's Accept-Language header; a
    Finnish public service opens in Finnish, and Swedish or English are the user's own
    choice (the language switch, or the language saved on their account at login), kept
    in the language cookie.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()
