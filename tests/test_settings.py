"""The settings module started as production would start it, in a separate process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "q3Vt9-production-test-key-Lm2Zx8Rr4Kp7Wn1Yb6Hc5Jd0Fg3Ts9Ue2",
    "ALLOWED_HOSTS": "tyokyky.hyvinvointialue.example",
    "DATABASE_URL": "postgres://tyokyky@db.example:5432/tyokyky",
    "REDIS_URL": "redis://redis.example:6379/0",
}


def manage(*args, env):
    # The test run's own variables must not leak into "production" (the async guard is
    # switched off for Playwright in tests, and check --deploy rightly refuses that).
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "secret",
    [None, "django-insecure-development-key-never-use-in-production", "short", "a" * 60],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    env = {**PRODUCTION_ENV}
    env.pop("SECRET_KEY")
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_secret_key_may_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("Zq8-file-secret-" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7" * 2 + "\n")
    env = {**PRODUCTION_ENV, "SECRET_KEY_FILE": str(secret_file)}
    env.pop("SECRET_KEY")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr


def test_a_typo_in_a_boolean_is_refused():
    result = manage("check", env={"DEBUG": "ture"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_embedded_default_is_sqlite_with_eager_tasks():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)"
    )
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "CELERY_TASK_ALWAYS_EAGER"}
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True"], result.stderr


def test_trusted_proxies_are_addresses_or_networks():
    env = {**PRODUCTION_ENV, "TRUSTED_PROXIES": "10.0.0.2, 172.16.0.0/12, fd00::/8"}
    assert manage("check", "--deploy", "--fail-level", "WARNING", env=env).returncode == 0
    result = manage("check", env={**PRODUCTION_ENV, "TRUSTED_PROXIES": "10.0.0.2,proxy.local"})
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr and "proxy.local" in result.stderr


def test_an_unknown_document_storage_is_refused():
    result = manage("check", env={**PRODUCTION_ENV, "DOCUMENT_STORAGE": "ftp"})
    assert result.returncode != 0
    assert "DOCUMENT_STORAGE" in result.stderr
