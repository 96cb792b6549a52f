"""A person's logged-in sessions: recorded at login, shown on their sessions page, ended
by them one by one, and all at once when the account is deactivated or its password is
reset.

Django keeps the session itself (SESSION_ENGINE); a UserSession row names it by key with
what its owner needs to recognise it (started, last seen, browser). Ending a session
deletes it from the session store, so its cookie opens nothing any more.
"""

import re
import time
from collections.abc import Callable
from importlib import import_module
from typing import cast

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.middleware import mark_session_start
from common.ratelimit import client_address
from coordination.models import SecurityEvent, User, UserSession
from coordination.security import record_security_event

RECORD_KEY = "session_record"
SEEN_KEY = "session_seen_at"
# "Last seen" is written at most this often: not a database write on every request.
SEEN_EVERY_SECONDS = 60
USER_AGENT_LENGTH = UserSession._meta.get_field("user_agent").max_length or 300


def _store() -> type:
    return import_module(settings.SESSION_ENGINE).SessionStore


def record_login(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    """At login (user_logged_in receiver): the session's start, for the absolute
    lifetime, and a row for the person's sessions page."""
    if request is None or not hasattr(request, "session"):
        return
    mark_session_start(request)
    if request.session.session_key is None:
        request.session.save()
    session_key = request.session.session_key
    if session_key is None:  # a session engine that keeps no key: nothing to show
        return
    # Rows whose session has ended on its own (idle, closed browser) go when their owner
    # next logs in, so that the table does not grow with every login.
    UserSession.objects.filter(user=user).exclude(session_key__in=_live_keys()).delete()
    # A login in a session already logged in as the same person keeps its key (Django
    # rotates it only for a new login): the row is then that session's, begun again.
    now = timezone.now()
    record, _created = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "started_at": now,
            "last_seen_at": now,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
            "ip_address": client_address(request) or None,
        },
    )
    request.session[RECORD_KEY] = str(record.uuid)
    request.session[SEEN_KEY] = time.time()


def forget_logout(sender, request: HttpRequest | None, user: User | None, **kwargs) -> None:
    """At logout (user_logged_out receiver), before Django empties the session."""
    if request is None or not hasattr(request, "session"):
        return
    record = request.session.get(RECORD_KEY)
    if record:
        UserSession.objects.filter(uuid=record).delete()


def _live_keys() -> QuerySet:
    return Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")


def sessions_of(user: User | AnonymousUser) -> QuerySet[UserSession]:
    """The person's sessions that still work, newest use first."""
    if not user.is_authenticated:
        return UserSession.objects.none()
    return UserSession.objects.filter(user=user, session_key__in=_live_keys())


def current_record(request: HttpRequest) -> str | None:
    record: str | None = request.session.get(RECORD_KEY)
    return record


def access_session(user: User, record_uuid) -> UserSession:
    """One of the person's own sessions; anybody else's is as missing as one that is not."""
    try:
        return sessions_of(user).get(uuid=record_uuid)
    except UserSession.DoesNotExist:
        raise Http404 from None


def _delete(records: QuerySet[UserSession]) -> int:
    store = _store()
    # Fixed before the sessions go: `records` may be defined by which sessions live.
    rows = dict(records.values_list("pk", "session_key"))
    for key in rows.values():
        store(session_key=key).delete()
    UserSession.objects.filter(pk__in=rows).delete()
    return len(rows)


@transaction.atomic
def end_session(record: UserSession, *, request: HttpRequest) -> None:
    """The owner ends one of their sessions (not the one they are using)."""
    _delete(UserSession.objects.filter(pk=record.pk))
    record_security_event(
        SecurityEvent.Kind.SESSION_ENDED,
        user=record.user,
        request=request,
        details={"started": record.started_at.isoformat(), "browser": record.user_agent},
    )


@transaction.atomic
def end_other_sessions(request: HttpRequest) -> int:
    others = sessions_of(request.user)
    current = current_record(request)
    if current:
        others = others.exclude(uuid=current)
    count = _delete(others)
    if count:
        record_security_event(
            SecurityEvent.Kind.SESSION_ENDED,
            user=request.user,
            request=request,
            details={"sessions": count},
        )
    return count


def end_all_sessions(user: User) -> int:
    """Every session of the person, wherever it is (deactivation, password reset)."""
    return _delete(UserSession.objects.filter(user=user))


def end_sessions_of_inactive(sender, instance: User, **kwargs) -> None:
    """A deactivated person is logged out everywhere at once (User post_save receiver):
    whichever code path saved is_active=False, the admin's form or a service. Django's
    ModelBackend would also refuse the inactive user's sessions, but only request by
    request; their rows and cookies should not outlive the decision."""
    if not instance.is_active:
        end_all_sessions(instance)


class SessionRecordMiddleware:
    """Keeps the session's row current: its key after a rotation (the second factor
    rotates it) and its "last seen", at most once a minute. A session whose row was
    ended elsewhere is logged out here (a guard: ending it deletes the session too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        record = current_record(request) if request.user.is_authenticated else None
        key_before = request.session.session_key
        due = record and time.time() - request.session.get(SEEN_KEY, 0) >= SEEN_EVERY_SECONDS
        if due and not self._touch(request, record):  # type: ignore[arg-type]
            logout(request)
            record = None
        response = self.get_response(request)
        if record and request.session.session_key != key_before and request.user.is_authenticated:
            UserSession.objects.filter(uuid=record).update(session_key=request.session.session_key)
        return response

    @staticmethod
    def _touch(request: HttpRequest, record: str) -> bool:
        request.session[SEEN_KEY] = time.time()
        return (
            UserSession.objects.filter(uuid=record, user=cast(User, request.user)).update(
                last_seen_at=timezone.now(), session_key=request.session.session_key
            )
            == 1
        )


_BROWSERS = (
    (re.compile(r"Edg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"(OPR|Opera)/"), "Opera"),
    (re.compile(r"(Firefox|FxiOS)/"), "Firefox"),
    (re.compile(r"(Chrome|Chromium|CriOS)/"), "Chrome"),
    (re.compile(r"Safari/"), "Safari"),
)
_SYSTEMS = (
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"iPhone|iPad"), "iOS"),
    (re.compile(r"Android"), "Android"),
    (re.compile(r"Mac OS X|Macintosh"), "macOS"),
    (re.compile(r"CrOS"), "ChromeOS"),
    (re.compile(r"Linux"), "Linux"),
)


def describe_browser(user_agent: str) -> str:
    """ "Firefox, Windows" from a User-Agent header: enough to recognise one's own devices."""
    browser = next((name for pattern, name in _BROWSERS if pattern.search(user_agent)), None)
    system = next((name for pattern, name in _SYSTEMS if pattern.search(user_agent)), None)
    if browser and system:
        return f"{browser}, {system}"
    return browser or system or _("Unknown browser")
