"""Personas and fixtures shared by every app's tests.

alice is a nurse at a health centre who asks the hub for help; olli is a professional of
another organisation who has nothing to do with alice's clients (the outsider); kaisa is
the hub's coordinator; eero the manager; ylva the administrator; tuula is a job coach
(IPS) of the job coaching team, a professional like alice.
"""

import os
import shutil

import pytest
from django.conf import settings

from coordination.tests import factories as personas
from coordination.tests.factories import TEST_PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    return [
        f"database: {engine} ({database.get('HOST') or database['NAME']})",
        f"redis: {settings.REDIS_URL or 'none'}",
        f"chromium: {CHROMIUM if shutil.which(CHROMIUM) else 'missing'}",
    ]


def pytest_configure(config):
    if IN_CI and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise pytest.UsageError("CI=true: the tests must run on PostgreSQL (set DATABASE_URL).")
    # Tasks run in-process in tests; the tests that need a real worker start one.
    from config.celery import app

    app.conf.task_always_eager = True


def pytest_runtest_setup(item):
    # Two threads racing for one row show SQLite's database-wide write lock, not the row
    # locks (select_for_update) that PostgreSQL takes and the code relies on.
    if (
        item.get_closest_marker("postgresql")
        and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    ):
        pytest.skip("needs PostgreSQL's row locks; SQLite locks the whole database")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache (Redis when the tests have it)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def health_centre(db):
    return personas.make_health_centre()


@pytest.fixture
def hub(db):
    return personas.make_hub()


@pytest.fixture
def kela(db):
    return personas.make_kela()


@pytest.fixture
def alice(health_centre):
    return personas.make_alice(health_centre)


@pytest.fixture
def olli(kela):
    return personas.make_olli(kela)


@pytest.fixture
def kaisa(hub):
    return personas.make_kaisa(hub)


@pytest.fixture
def eero(hub):
    return personas.make_eero(hub)


@pytest.fixture
def coaching_team(db):
    return personas.make_coaching_team()


@pytest.fixture
def tuula(coaching_team):
    return personas.make_tuula(coaching_team)


@pytest.fixture
def ylva(hub):
    return personas.make_ylva(hub)


@pytest.fixture
def persona(request):
    """The persona named by the test's parameter: `@pytest.mark.parametrize('persona',
    ['alice'], indirect=True)`."""
    return request.getfixturevalue(request.param)


def require_redis():
    """Redis for the tests that need it: an error in CI, a skip on a laptop without it."""
    if settings.REDIS_URL:
        return settings.REDIS_URL
    if IN_CI:
        pytest.fail("CI=true but REDIS_URL is not set: Redis is required.")
    pytest.skip("no Redis: set REDIS_URL or start redis-server on 127.0.0.1:6379")


def require_chromium():
    if shutil.which(CHROMIUM):
        return CHROMIUM
    if IN_CI:
        pytest.fail(f"CI=true but {CHROMIUM} is missing: apt-get install chromium.")
    pytest.skip(f"no {CHROMIUM}: apt-get install chromium")
