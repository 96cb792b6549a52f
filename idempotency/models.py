import datetime

from django.db import models
from django.utils import timezone

# How long a key is remembered: long enough for a retry after a lost connection or a
# back-and-resubmit the next morning, short enough that the table stays small.
KEY_LIFETIME = datetime.timedelta(hours=24)


class IdempotencyKey(models.Model):
    """One submission: claimed (running) when its request starts, finished with the
    response it got. Keys are scoped by owner and path, so one person's key never
    answers another's request, nor a different form's."""

    class State(models.TextChoices):
        RUNNING = "running"
        DONE = "done"

    # "user:<pk>" for a person, "credential:<sha256 of the Authorization header>" for a
    # program (its credential is only known to DRF after the middleware has run).
    owner = models.CharField(max_length=80)
    path = models.CharField(max_length=500)
    key = models.CharField(max_length=100)
    # sha256 of the request body: the same key with a different body is a client error.
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    body = models.BinaryField(blank=True, default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "path", "key"], name="idempotency_key_unique_per_owner_path"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.path} {self.key} ({self.state})"
