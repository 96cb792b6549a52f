"""The dashboard on a million consultations.

    pytest -m benchmark -s tests/benchmarks/test_dashboard_speed.py

Run only when asked for (`-m benchmark`): it inserts 1,000,000 consultations and 100,000
networks with `generate_synthetic` (a few minutes) on PostgreSQL. It checks that

- the dashboard issues the same number of queries at 1,000 and at 1,000,000 rows, and
- its server time (a whole GET through Django: session, filters, the aggregate queries,
  suppression, template) is at most twice the time of the bare aggregate SQL alone: the
  very statements the dashboard sent, replayed on a raw cursor.

Sizes can be lowered for a quick look: BENCHMARK_CONSULTATIONS, BENCHMARK_NETWORKS.
"""

import os
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coordination.models import User
from coordination.tests.factories import OrganizationFactory, UserFactory

CONSULTATIONS = int(os.environ.get("BENCHMARK_CONSULTATIONS", 1_000_000))
NETWORKS = int(os.environ.get("BENCHMARK_NETWORKS", 100_000))
ROUNDS = 3
# The statements that are the dashboard's numbers, not the session or the user.
AGGREGATE_TABLES = (
    "coordination_consultationrequest",
    "networks_clientnetwork",
    "coordination_feedback",
)


def _generate(consultations, networks, seed):
    started = time.monotonic()
    call_command(
        "generate_synthetic",
        consultations=consultations,
        networks=networks,
        seed=seed,
        verbosity=0,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.monotonic() - started


def _measure(client):
    """Best of ROUNDS: the dashboard's time, its queries, and the replayed SQL's time."""
    client.get("/metrics/")  # warm caches (templates, translations, PostgreSQL buffers)
    page_times, sql_times = [], []
    for _round in range(ROUNDS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/metrics/")
            page_times.append(time.perf_counter() - started)
        assert response.status_code == 200
        statements = [
            q["sql"]
            for q in captured.captured_queries
            if any(t in q["sql"] for t in AGGREGATE_TABLES)
        ]
        with connection.cursor() as cursor:
            started = time.perf_counter()
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
            sql_times.append(time.perf_counter() - started)
    return min(page_times), len(captured.captured_queries), min(sql_times), len(statements)


@pytest.mark.benchmark
@pytest.mark.django_db
def test_dashboard_speed_on_a_million_consultations(request, client):
    if "benchmark" not in (request.config.getoption("-m") or ""):
        pytest.skip("a benchmark: run with -m benchmark")
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark measures PostgreSQL")
    hub = OrganizationFactory(name="Benchmark hub", is_hub=True)
    client.force_login(
        UserFactory(username="bench-manager", organization=hub, role=User.Role.MANAGER)
    )

    small = 1_000
    _generate(small, small // 10, seed=1)
    small_page, small_queries, small_sql, _ = _measure(client)

    generation = _generate(CONSULTATIONS - small, NETWORKS - small // 10, seed=2)
    page, queries, sql, statements = _measure(client)

    print(
        f"\ngenerate_synthetic: {CONSULTATIONS - small:,} consultations and "
        f"{NETWORKS - small // 10:,} networks (+ANALYZE) in {generation:.1f} s"
        f"\nat {small:,} rows: dashboard {small_page * 1000:.1f} ms, {small_queries} queries, "
        f"bare SQL {small_sql * 1000:.1f} ms"
        f"\nat {CONSULTATIONS:,} rows: dashboard {page * 1000:.1f} ms, {queries} queries "
        f"({statements} aggregate statements), bare SQL {sql * 1000:.1f} ms"
        f"\nratio dashboard / bare SQL: {page / sql:.2f} "
        f"(at {small:,}: {small_page / small_sql:.2f})"
    )
    assert queries == small_queries
    assert page <= 2 * sql
