"""The claim of a key: expiry after its lifetime, and a claim abandoned by a killed
process taken over after the running lease."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from config.celery import app
from idempotency.middleware import RUNNING_LEASE, claim
from idempotency.models import KEY_LIFETIME, IdempotencyKey

pytestmark = pytest.mark.django_db


def test_a_running_claim_turns_the_repeat_away():
    row, _ = claim("user:1", "/x/", "k", "f")
    again, existing = claim("user:1", "/x/", "k", "f")
    assert again is None and existing.pk == row.pk


def test_keys_are_scoped_by_owner_and_path():
    claim("user:1", "/x/", "k", "f")
    assert claim("user:2", "/x/", "k", "f")[0] is not None
    assert claim("user:1", "/y/", "k", "f")[0] is not None


def test_an_abandoned_claim_is_taken_over_after_the_lease():
    row, _ = claim("user:1", "/x/", "k", "f")
    with time_machine.travel(timezone.now() + RUNNING_LEASE + datetime.timedelta(seconds=1)):
        taken, _ = claim("user:1", "/x/", "k", "f")
    assert taken.pk == row.pk


def test_a_key_expires_after_its_lifetime():
    row, _ = claim("user:1", "/x/", "k", "f")
    IdempotencyKey.objects.filter(pk=row.pk).update(state=IdempotencyKey.State.DONE)
    later = timezone.now() + KEY_LIFETIME + datetime.timedelta(seconds=1)
    with time_machine.travel(later):
        fresh, _ = claim("user:1", "/x/", "k", "f")
    assert fresh is not None and fresh.pk != row.pk


def test_the_cleanup_command_deletes_expired_keys():
    claim("user:1", "/x/", "old", "f")
    later = timezone.now() + KEY_LIFETIME + datetime.timedelta(seconds=1)
    with time_machine.travel(later):
        claim("user:2", "/x/", "new", "f")
        call_command("clear_idempotency_keys", stdout=io.StringIO())
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_the_beat_clears_expired_keys_every_hour():
    entries = [
        e for e in app.conf.beat_schedule.values() if e["task"] == "idempotency.clear_expired_keys"
    ]
    assert len(entries) == 1
    assert entries[0]["schedule"].minute == {17}
