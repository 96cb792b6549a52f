"""An e-mail backend for tests with a worker in another process: each message it sends
becomes one line, "<Message-ID> <recipient>", appended to the file named by the
environment's OUTBOX_TEST_MAIL_LOG, after an optional delay (OUTBOX_TEST_SEND_SECONDS)
that stands for the SMTP round trip, so that a test can kill a worker while messages are
on their way and then count what arrived, and twice."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        path = os.environ["OUTBOX_TEST_MAIL_LOG"]
        delay = float(os.environ.get("OUTBOX_TEST_SEND_SECONDS", "0"))
        for message in email_messages:
            time.sleep(delay)
            line = f"{message.extra_headers['Message-ID']} {message.to[0]}\n".encode()
            # One write of a short line with O_APPEND: whole lines even from processes
            # that write at the same time or die right after.
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(descriptor, line)
            finally:
                os.close(descriptor)
        return len(email_messages)
