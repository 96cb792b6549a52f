"""Rendered plan PDFs are kept in PostgreSQL (serviceplans/storage.py): a backup of the
database restores them, and any web or worker process can serve them."""

import hashlib
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.urls import reverse

from conftest import IN_CI
from serviceplans.models import PlanDocument, StoredFile
from serviceplans.storage import DatabaseStorage
from serviceplans.tests.conftest import agree

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.7\n% a plan\n%%EOF\n"


@pytest.mark.django_db
def test_the_database_storage_keeps_opens_and_deletes_bytes():
    storage = DatabaseStorage()
    name = storage.save("plans/x/one.pdf", ContentFile(PDF))
    assert storage.exists(name) and storage.size(name) == len(PDF)
    with storage.open(name) as handle:
        assert handle.read() == PDF
    # A second file of the same name gets a name of its own, never overwrites.
    assert storage.save("plans/x/one.pdf", ContentFile(b"other")) != name
    storage.delete(name)
    assert not storage.exists(name)
    with pytest.raises(FileNotFoundError):
        storage.open(name)


@pytest.mark.django_db
def test_a_rendered_pdf_is_a_row_not_a_file(
    client, plan, alice, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    agree(plan, alice)
    client.force_login(alice)
    document = _render(client, plan, django_capture_on_commit_callbacks)
    stored = StoredFile.objects.get(name=document.file.name)
    assert hashlib.sha256(bytes(stored.content)).hexdigest() == document.sha256
    assert list(tmp_path.iterdir()) == []  # nothing on disk


@pytest.mark.django_db
def test_the_migration_moves_existing_files_into_the_database(plan, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = f"plans/{plan.uuid}/old.pdf"
    FileSystemStorage(location=tmp_path).save(name, ContentFile(PDF))
    document = PlanDocument.objects.create(plan=plan, requested_by=alice)
    PlanDocument.objects.filter(pk=document.pk).update(
        file=name, sha256=hashlib.sha256(PDF).hexdigest(), status=PlanDocument.Status.READY
    )
    migration = importlib.import_module("serviceplans.migrations.0003_documents_in_the_database")

    migration.files_into_the_database(apps, None)
    migration.files_into_the_database(apps, None)  # twice: nothing twice

    assert bytes(StoredFile.objects.get(name=name).content) == PDF
    document.refresh_from_db()
    with document.file.open("rb") as handle:
        assert handle.read() == PDF


def _render(client, plan, capture_on_commit) -> PlanDocument:
    with capture_on_commit(execute=True):
        response = client.post(reverse("serviceplans:pdf_request", args=[plan.uuid]))
    assert response.status_code in (200, 302)
    document = PlanDocument.objects.get(plan=plan)
    assert document.status == PlanDocument.Status.READY
    return document


def _postgres_tools() -> dict:
    settings_dict = connection.settings_dict
    if settings_dict["ENGINE"] != "django.db.backends.postgresql":
        if IN_CI:
            pytest.fail("CI=true: the backup test needs PostgreSQL")
        pytest.skip("backup and restore are tested on PostgreSQL only")
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        if not shutil.which(tool):
            if IN_CI:
                pytest.fail(f"CI=true but {tool} is missing: apt-get install postgresql-client")
            pytest.skip(f"{tool} is missing: apt-get install postgresql-client")
    env = dict(os.environ)
    env["PGHOST"] = settings_dict["HOST"] or "127.0.0.1"
    env["PGPORT"] = str(settings_dict["PORT"] or 5432)
    env["PGUSER"] = settings_dict["USER"] or "postgres"
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


DOWNLOAD = """
import hashlib, sys
import django
django.setup()
from django.test import Client
from coordination.models import User
client = Client()
client.force_login(User.objects.get(username=sys.argv[1]))
response = client.get(sys.argv[2])
body = b"".join(response.streaming_content) if response.streaming else response.content
print(response.status_code, hashlib.sha256(body).hexdigest())
"""


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_pdf_downloads_from_a_database_restored_from_pg_dump(
    client, plan, alice, settings, tmp_path, django_capture_on_commit_callbacks
):
    pg_env = _postgres_tools()
    settings.MEDIA_ROOT = tmp_path / "media"
    agree(plan, alice)
    client.force_login(alice)
    document = _render(client, plan, django_capture_on_commit_callbacks)
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    dump = tmp_path / "tyokyky.dump"

    def run(*command):
        done = subprocess.run(  # noqa: S603 (our own commands)
            command, env=pg_env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"{command[0]}: {done.stderr[-2000:]}"

    # The commands of README "Backup and restore".
    run("pg_dump", "-Fc", "-f", str(dump), source)
    run("dropdb", "--if-exists", "--force", restored)
    run("createdb", "-T", "template0", restored)
    try:
        run("pg_restore", "--no-owner", "--exit-on-error", "-d", restored, str(dump))
        # The app against the restored database, with an empty VAR_DIR: no media files.
        app_env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        password = f":{pg_env['PGPASSWORD']}" if "PGPASSWORD" in pg_env else ""
        app_env |= {
            "DATABASE_URL": (
                f"postgres://{pg_env['PGUSER']}{password}@{pg_env['PGHOST']}:"
                f"{pg_env['PGPORT']}/{restored}"
            ),
            "VAR_DIR": str(tmp_path / "fresh-var"),
            "ALLOWED_HOSTS": "testserver",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        url = reverse("serviceplans:pdf_download", args=[document.uuid])
        done = subprocess.run(  # noqa: S603 (our interpreter, our script)
            [sys.executable, "-c", DOWNLOAD, "alice", url],
            cwd=ROOT,
            env=app_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert done.stdout.split()[-2:] == ["200", document.sha256]
    finally:
        run("dropdb", "--if-exists", "--force", restored)
