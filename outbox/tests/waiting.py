"""For tests with a real worker: the delivery runs after the task that queued the
messages has answered, so wait for the outbox to drain."""

import time

from outbox.models import OutboxMessage

PENDING = [OutboxMessage.State.QUEUED, OutboxMessage.State.SENDING]


def wait_for_delivery(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while OutboxMessage.objects.filter(state__in=PENDING).exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"the outbox did not drain in {timeout} s")
        time.sleep(0.05)
