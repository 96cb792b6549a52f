"""Faults under a REAL prefork worker over a REAL Redis: nothing lost, nothing twice
beyond what was on its way.

Each test starts its own redis-server on a free port (without persistence, so that a
restart loses everything, as a crashed unpersisted Redis would) and a `celery worker`
process against the test database. E-mails are counted by `RecordingBackend`: one line
per message sent, so a message sent twice is two lines with the same Message-ID. A send
takes a fifth of a second, like an SMTP round trip, so that a kill finds messages on
their way. Where the periodic beat would run `outbox.deliver_due`, the test publishes it.
"""

import collections
import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from config.celery import app as tyokyky_app
from conftest import IN_CI, require_redis
from coordination import services as coordination_services
from coordination.models import ConsultationRequest
from coordination.tests.factories import ConsultationFactory, UserFactory
from coordination.tests.test_consultation_pages import identified_post
from inbox.models import Delivery, InboxItem
from inbox.tasks import send_digests
from outbox.models import OutboxMessage
from outbox.tasks import deliver_due

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server")
SEND_SECONDS = 0.2
STALE_SECONDS = 2
CONCURRENCY = 2
REMINDERS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class RedisServer:
    """Our own redis-server, which the test may kill and start again."""

    def __init__(self, directory: Path):
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), 0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        assert REDIS_SERVER is not None  # the fixture skips without it
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(self.answers, 10, "redis-server to answer")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


class Worker:
    """`celery -A config worker` (prefork) in its own session, against the test
    database and our Redis, e-mailing through RecordingBackend."""

    def __init__(self, redis: RedisServer, mail_log: Path, log: Path):
        self.redis = redis
        self.mail_log = mail_log
        self.log = log
        self.process: subprocess.Popen | None = None

    def _environment(self) -> dict:
        database = connection.settings_dict
        password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
        return {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}"
                f":{database['PORT'] or 5432}/{database['NAME']}"
            ),
            "REDIS_URL": self.redis.url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_BACKEND": "outbox.tests.backends.RecordingBackend",
            "OUTBOX_TEST_MAIL_LOG": str(self.mail_log),
            "OUTBOX_TEST_SEND_SECONDS": str(SEND_SECONDS),
            "OUTBOX_STALE_SENDING_SECONDS": str(STALE_SECONDS),
            "LOG_LEVEL": "WARNING",
        }

    def start(self) -> None:
        started_at = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("celery")),
                    "-A",
                    "config",
                    "worker",
                    "--pool=prefork",
                    f"--concurrency={CONCURRENCY}",
                    "--loglevel=INFO",
                    "--without-mingle",
                    "--without-gossip",
                    "--without-heartbeat",
                    "-n",
                    f"outbox-faults-{self.redis.port}@%h",
                ],
                cwd=ROOT,
                env=self._environment(),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_for(lambda: b" ready." in self.log.read_bytes()[started_at:], 60, "the worker")

    def pool_children(self) -> list[int]:
        assert self.process is not None, "the worker was started"
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def kill_pool(self) -> None:
        for child in self.pool_children():
            os.kill(child, signal.SIGKILL)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def redis_server(tmp_path):
    require_redis()
    if not REDIS_SERVER:
        message = "redis-server is missing: apt-get install redis-server"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("these tests need PostgreSQL")
        pytest.skip("these tests need PostgreSQL (row locks, pg_terminate_backend)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def own_broker(redis_server):
    """This process publishes to our Redis, for real (not eagerly)."""
    previous = {
        "broker_url": tyokyky_app.conf.broker_url,
        "result_backend": tyokyky_app.conf.result_backend,
        "task_always_eager": tyokyky_app.conf.task_always_eager,
    }

    def reset_connections():
        # The producer pool keeps connections to the broker it first used.
        if tyokyky_app._pool is not None:
            tyokyky_app._pool.force_close_all()
        tyokyky_app._pool = None
        tyokyky_app.amqp._producer_pool = None
        # And the result backend (per thread) its Redis.
        tyokyky_app._local.__dict__.pop("backend", None)

    reset_connections()
    tyokyky_app.conf.update(
        broker_url=redis_server.url, result_backend=redis_server.url, task_always_eager=False
    )
    yield tyokyky_app
    reset_connections()
    tyokyky_app.conf.update(previous)


@pytest.fixture
def worker(redis_server, own_broker, tmp_path):
    worker = Worker(redis_server, tmp_path / "mail.log", tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.kill()


def sent_counts(worker: Worker) -> collections.Counter:
    if not worker.mail_log.exists():
        return collections.Counter()
    lines = worker.mail_log.read_text().splitlines()
    return collections.Counter(line.split()[0] for line in lines)


def expected_ids() -> set[str]:
    return set(OutboxMessage.objects.values_list("message_id", flat=True))


def in_flight() -> int:
    """Messages claimed and not marked: the most a kill can make go out twice."""
    return OutboxMessage.objects.filter(state=OutboxMessage.State.SENDING).count()


def beat_until_delivered(worker: Worker, timeout: float = 40) -> None:
    """What the beat does every minute, here every second: publish the sweep until
    every message has been marked sent."""
    deadline = time.monotonic() + timeout
    while OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).exists():
        if time.monotonic() > deadline:
            states = collections.Counter(OutboxMessage.objects.values_list("state", flat=True))
            raise AssertionError(f"not delivered in {timeout} s: {states}\n{worker.output()}")
        deliver_due.delay()
        time.sleep(1)


def assert_each_delivered(worker: Worker, *, at_most_twice: int) -> int:
    counts = sent_counts(worker)
    assert set(counts) == expected_ids()
    duplicates = sum(count - 1 for count in counts.values())
    print(f"delivered {len(counts)}, in flight at the fault {at_most_twice}, twice {duplicates}")
    assert duplicates <= at_most_twice, (duplicates, at_most_twice)
    return duplicates


# --- The data the faults hit -----------------------------------------------------------


@pytest.fixture
def consultations(alice, kaisa):
    return [ConsultationFactory(requester=alice, status="submitted") for _ in range(30)]


def answer(consultation: ConsultationRequest, kaisa) -> float:
    """A coordinator answers (the requester's notification e-mail is written with the
    answer and a delivery is published after the commit). Returns the seconds it took."""
    started = time.monotonic()
    coordination_services.answer_consultation(consultation, by=kaisa, advice="Neuvo.")
    return time.monotonic() - started


@pytest.fixture
def reminders(alice):
    """REMINDERS people, each with an item waiting for their daily digest."""
    today = timezone.localdate()
    InboxItem.objects.bulk_create(
        InboxItem(
            kind="review_due",
            key=f"review:{index}",
            due_date=today + datetime.timedelta(days=3),
            recipient=UserFactory(username=f"digest{index}"),
            delivery=Delivery.DAILY_DIGEST,
        )
        for index in range(REMINDERS)
    )


# --- Killed workers --------------------------------------------------------------------


@pytest.mark.parametrize("what", ["pool", "whole worker"])
def test_a_worker_killed_during_a_notification_burst(worker, consultations, kaisa, what):
    for consultation in consultations:
        answer(consultation, kaisa)
    _wait_for(lambda: sum(sent_counts(worker).values()) >= 6, 30, "the first e-mails")
    if what == "pool":
        worker.kill_pool()  # the main process starts new children
    else:
        worker.kill()
    at_kill = in_flight()
    assert at_kill <= CONCURRENCY  # one message per claim, per process
    assert sum(sent_counts(worker).values()) < len(consultations)
    if what == "whole worker":
        worker.start()
    beat_until_delivered(worker)
    assert_each_delivered(worker, at_most_twice=at_kill)
    assert len(expected_ids()) == len(consultations)


@pytest.mark.parametrize("what", ["pool", "whole worker"])
def test_a_worker_killed_during_the_daily_digests(worker, reminders, what):
    send_digests.apply_async(ignore_result=True)
    _wait_for(lambda: sum(sent_counts(worker).values()) >= 6, 30, "the first e-mails")
    if what == "pool":
        worker.kill_pool()
    else:
        worker.kill()
    at_kill = in_flight()
    assert at_kill <= CONCURRENCY
    if what == "whole worker":
        worker.start()
    beat_until_delivered(worker)
    assert_each_delivered(worker, at_most_twice=at_kill)
    assert len(expected_ids()) == REMINDERS
    assert not InboxItem.objects.filter(digested_at__isnull=True).exists()


# --- Redis lost ----------------------------------------------------------------------


def test_redis_restarted_without_persistence_during_a_burst(
    worker, redis_server, consultations, kaisa
):
    for consultation in consultations[:10]:
        answer(consultation, kaisa)
    redis_server.kill()  # with every queued task
    # The answers go on while Redis is away, each in well under a second; their e-mails
    # wait in the outbox.
    slowest = max(answer(consultation, kaisa) for consultation in consultations[10:])
    assert slowest < 1
    assert OutboxMessage.objects.count() == len(consultations)
    redis_server.start()  # empty
    beat_until_delivered(worker)
    assert_each_delivered(worker, at_most_twice=0)


def test_a_request_does_not_wait_for_a_dead_broker(client, own_broker, alice, kaisa):
    """An urgent request with nothing listening on the broker's port: answered at once,
    and the coordinator's e-mail goes out when the sweep runs."""
    own_broker.conf.broker_url = f"redis://127.0.0.1:{_free_port()}/0"
    client.force_login(alice)
    client.get(reverse("consultation_create"))
    started = time.monotonic()
    response = client.post(reverse("consultation_create"), identified_post(urgency="urgent"))
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    print(f"urgent request with the broker port closed: {elapsed:.3f} s")
    assert elapsed < 1, elapsed
    message = OutboxMessage.objects.get()
    assert message.recipient == kaisa.email and message.state == OutboxMessage.State.QUEUED
    assert deliver_due.run() == 1
    assert [m.to for m in mail.outbox] == [[kaisa.email]]


# --- PostgreSQL lost -----------------------------------------------------------------


def terminate_waiting_worker_backend() -> int:
    """Cut the worker's connection while it waits for our lock: inside its query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_the_digests_survive_their_database_connections_being_cut(worker, reminders):
    send_digests.apply_async(ignore_result=True)
    _wait_for(lambda: sum(sent_counts(worker).values()) >= 4, 30, "the first e-mails")
    # Hold the outbox table so that the worker's next query waits, then cut that
    # connection (twice: the first cut may hit the mark after a send, which reconnects
    # once by itself), so that the task itself fails with OperationalError.
    cut: list[int] = []

    def cut_one() -> int:
        cut.append(terminate_waiting_worker_backend())
        return cut[-1]

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE outbox_outboxmessage IN ACCESS EXCLUSIVE MODE")
        for _ in range(2):
            _wait_for(cut_one, 10, "the worker to wait for the lock")
    # No beat: the task retries by itself after the lost connection and delivers every
    # queued message. A message a cut left "sending" (sent, perhaps, but not marked) is
    # the beat's, once stale: at most one per connection cut, and per worker process.
    _wait_for(
        lambda: (
            not OutboxMessage.objects.filter(state=OutboxMessage.State.QUEUED).exists()
            and OutboxMessage.objects.count() == REMINDERS
        ),
        30,
        "the sweep to finish by itself",
    )
    # Each cut connection can make one message go out twice (sent, then the mark lost),
    # whether the task's own retry or the beat sends it again; nothing is lost.
    at_most = min(sum(cut), 2 * CONCURRENCY)
    assert in_flight() <= at_most
    beat_until_delivered(worker)
    assert "Retry in" in worker.output()
    assert_each_delivered(worker, at_most_twice=at_most)
