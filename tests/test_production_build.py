"""The Dockerfile's steps without Docker: the project copied as `COPY . .` copies it
(minus .dockerignore), collectstatic and compilemessages with DEBUG=false, then gunicorn
with production settings, answering /readyz and serving a hashed static file.

A vendored file that names a missing source map, a template that names a static file
that is not there, or a settings change that breaks DEBUG=false fails here, not in the
image build. The commands are checked against the Dockerfile so the two stay in step."""

import fnmatch
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from conftest import IN_CI

pytestmark = pytest.mark.production_build

ROOT = Path(__file__).resolve().parent.parent
COLLECTSTATIC = ["manage.py", "collectstatic", "--noinput", "-v0"]
COMPILEMESSAGES = ["manage.py", "compilemessages", "--ignore", "var/*", "-v0"]
GUNICORN_APP = "config.wsgi:application"
START_SECONDS = 60


def _dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip().removeprefix("**/") for line in lines if line.strip()]


def _copy_as_docker_does(target: Path) -> Path:
    patterns = _dockerignore()

    def ignored(directory, names):
        relative = Path(directory).relative_to(ROOT)
        return {
            name
            for name in names
            if any(
                fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(str(relative / name), pattern)
                for pattern in patterns
            )
        }

    shutil.copytree(ROOT, target, ignore=ignored, symlinks=True)
    return target


def _database_url() -> str | None:
    # The test database: pytest-django renames it on the connection, not in settings.
    database = connection.settings_dict
    if database["ENGINE"] != "django.db.backends.postgresql":
        return None  # the image's default: SQLite under VAR_DIR
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our URL)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _run(command: list[str], app: Path, env: dict) -> None:
    done = subprocess.run(
        [sys.executable, *command], cwd=app, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stderr[-4000:]}"


def test_the_dockerfile_runs_the_same_commands():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "DEBUG=false" in dockerfile
    for command in (COLLECTSTATIC, COMPILEMESSAGES):
        docker_form = "python " + " ".join(command).replace("var/*", "'var/*'")
        assert docker_form in dockerfile, f"Dockerfile no longer runs {docker_form!r}"
    assert f'"gunicorn", "{GUNICORN_APP}"' in dockerfile


def test_production_build_collects_static_and_serves_under_gunicorn(tmp_path, db):
    if not shutil.which("msgfmt"):
        if IN_CI:
            pytest.fail("CI=true but msgfmt is missing: apt-get install gettext")
        pytest.skip("msgfmt is missing: apt-get install gettext")
    app = _copy_as_docker_does(tmp_path / "app")
    var = app / "var"
    bin_dir = str(Path(sys.executable).parent)
    env = {
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "PYTHONDONTWRITEBYTECODE": "1",
        "VAR_DIR": str(var),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    # The build: the same two steps as the Dockerfile's RUN.
    _run(COLLECTSTATIC, app, env)
    _run(COMPILEMESSAGES, app, env)
    manifest = json.loads((var / "staticfiles" / "staticfiles.json").read_text())["paths"]
    assert (app / "locale" / "fi" / "LC_MESSAGES" / "django.mo").exists()

    # The run: gunicorn with production settings, plain HTTP as in docker-compose.yml.
    port = _free_port()
    env |= {
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "TWO_FACTOR_REQUIRED": "true",
    }
    if database_url := _database_url():
        env["DATABASE_URL"] = database_url
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    log = (tmp_path / "gunicorn.log").open("w")
    command = [sys.executable, "-m", "gunicorn", GUNICORN_APP, "--workers", "1"]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}"],
        cwd=app,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                status, _, body = _get(f"{base}/readyz")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-4000:]
                assert time.monotonic() < deadline, "gunicorn did not answer in time"
                time.sleep(0.3)
        assert status == 200, body
        assert json.loads(body)["checks"]["database"] == "ok"

        # A vendored file under its hashed name, from whitenoise, cached for good.
        hashed = manifest["vendor/chartjs/chart.umd.min.js"]
        status, headers, body = _get(f"{base}/static/{hashed}")
        assert status == 200
        assert body == (var / "staticfiles" / hashed).read_bytes()
        assert "immutable" in headers.get("Cache-Control", "")

        # A page resolves its static files through the manifest (a missing entry is a 500).
        status, _, body = _get(f"{base}{reverse('login')}")
        assert status == 200, body[-2000:]
        assert manifest["vendor/bootstrap/bootstrap.min.css"] in body.decode()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
