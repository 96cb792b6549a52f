"""The inbox is tested through the services that announce: the plan of serviceplans'
tests (kaisa's network around Matti, alice the responsible worker, teemu a member) and a
real Celery worker for the digests (tests/conftest.py)."""

from celery.contrib.pytest import (  # noqa: F401
    celery_includes,
    celery_worker,
    celery_worker_pool,
)

from networks.tests.conftest import te_office, teemu  # noqa: F401
from serviceplans.tests.conftest import client_, network, plan, today  # noqa: F401
from tests.conftest import celery_app, celery_worker_parameters  # noqa: F401
