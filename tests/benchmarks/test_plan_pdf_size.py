"""A plan PDF at size (a benchmark: run with -m benchmark): a plan with 3,000 actions,
made the way the Celery task makes it (queries + template + WeasyPrint), against WeasyPrint
alone on the same HTML frozen as a string, measured in one run: time and peak memory.

Time is the process's CPU time (this 2-core machine is shared, and wall time varies with
whatever else runs), bounded at 10 s; the wall time is printed beside it. Peak memory is
the largest resident size sampled during the call (every 20 ms from /proc/self/statm)
above the size before it: tracemalloc would slow the renderer several times over, and
would miss Pango's and HarfBuzz's memory. Each call runs in a forked child, so that
neither inherits the memory the other freed but kept; the child of ours reads the test's
rows over the parent's database connection while the parent waits, and leaves with
os._exit so that the connection stays the parent's.
"""

import datetime
import gc
import json
import os
import threading
import time

import pytest
from django.utils import timezone

from coordination.tests.factories import OrganizationFactory
from serviceplans import pdf
from serviceplans.models import PlanAction, PlanGoal
from tests.benchmarks.test_plan_speed import _plans, coordinator  # noqa: F401

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

ACTIONS = 3000


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _measured(function) -> tuple[float, float, float]:
    """(CPU seconds, wall seconds, peak megabytes above the start) of one call."""
    gc.collect()
    start = _resident_bytes()
    peak = [start]
    done = threading.Event()

    def sample():
        while not done.wait(0.02):
            peak[0] = max(peak[0], _resident_bytes())

    sampler = threading.Thread(target=sample)
    sampler.start()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        function()
    finally:
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        done.set()
        sampler.join()
    peak[0] = max(peak[0], _resident_bytes())
    return cpu, wall, (peak[0] - start) / 2**20


def _measured_in_child(function) -> tuple[float, float, float]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report, and leave without any cleanup
        os.close(read)
        try:
            os.write(write, json.dumps(_measured(function)).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        report = pipe.read()
    os.waitpid(pid, 0)
    cpu, wall, peak = json.loads(report)
    return cpu, wall, peak


def test_pdf_of_a_3000_action_plan(coordinator, capsys):  # noqa: F811
    (plan,) = _plans(1, coordinator)
    organisations = [OrganizationFactory(name=f"Organisaatio {n}") for n in range(4)]
    goals = PlanGoal.objects.bulk_create(
        PlanGoal(plan=plan, text=f"Tavoite {n}", domain="work", position=n) for n in range(10)
    )
    today = timezone.localdate()
    PlanAction.objects.bulk_create(
        PlanAction(
            plan=plan,
            goal=goals[n % 10],
            description=f"Toimenpide {n}: " + "kuvaus " * 8,
            service_type=PlanAction.ServiceType.values[n % 14],
            responsible_organization=organisations[n % 4],
            responsible_name=f"Vastuuhenkilö {n}",
            due_date=today + datetime.timedelta(days=n % 365),
            position=n,
        )
        for n in range(ACTIONS)
    )
    assert ACTIONS <= pdf.MAX_PDF_ACTIONS

    frozen_html = pdf.plan_html(plan, "fi")
    pdf.html_to_pdf("<p>Lämmittely</p>")  # fonts loaded once, before either is measured
    bare_cpu, bare_wall, bare_peak = _measured_in_child(lambda: pdf.html_to_pdf(frozen_html))
    ours_cpu, ours_wall, ours_peak = _measured_in_child(lambda: pdf.render_plan_pdf(plan, "fi"))
    with capsys.disabled():
        print(
            f"\nPDF of {ACTIONS} actions: ours {ours_cpu:.1f} s CPU ({ours_wall:.1f} s wall), "
            f"peak {ours_peak:.0f} MB; WeasyPrint alone {bare_cpu:.1f} s CPU "
            f"({bare_wall:.1f} s wall), peak {bare_peak:.0f} MB; ratio "
            f"{ours_cpu / bare_cpu:.2f} (bounds: 10 s, 1.5)"
        )
    assert ours_cpu < 10
    assert ours_cpu / bare_cpu <= 1.5
