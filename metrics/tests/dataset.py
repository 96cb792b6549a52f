"""Every number on a small hand-built data set, counted by hand below.

The period is 1 January – 30 June 2026. In it:

- alice's health centre (Oulu) sent six identified requests c1–c6; Kela (Oulu) sent two,
  c7 identified and c8 anonymous. The TE office (Oulu) sent one in 2025 (outside the
  period), and the NGO in Kemi never sent any. The hub sent none.
- Working days to the first response: c1 Mon→Tue 1, c2 same day 0, c3 Mon→next Mon 5,
  c4 Fri→Mon 1, c5 Mon→Tue a week later 6, c7 Thu 2 April → Tue 7 April 1 (Good Friday
  and Easter Monday are holidays). c6 and c8 are unanswered. Sorted 0,1,1,1,5,6: the
  median is 1; five of six within the 5-day target.
- c1 and c2 are closed.
- Networks: n1 formed 20 Feb, still active (from c1); n2 formed Oct 2025, closed 15 Mar
  (employed); n3 formed and closed in 2025; n4 formed 1 May, closed 1 June (studies).
- Feedback on c1–c6: 5, 5, 4, 4, 4, 3.
"""

import datetime

from coordination.models import Feedback, Organization
from coordination.tests.factories import (
    AnonymousConsultationFactory,
    ConsultationFactory,
    OrganizationFactory,
    UserFactory,
)
from metrics.filters import HELSINKI, Filters
from networks.models import ClientNetwork
from networks.tests.factories import NetworkFactory

PERIOD = Filters(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30))
PERIOD_QUERY = "?from=2026-01-01&to=2026-06-30"


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=HELSINKI
    )


def build_dataset(alice, kaisa, kela):
    te = OrganizationFactory(name="TE-palvelut Oulu", kind=Organization.Kind.TE_OFFICE)
    OrganizationFactory(name="Kemin järjestö", kind=Organization.Kind.NGO, municipality="240")
    kela_worker = UserFactory(username="kelan-tyontekija", organization=kela)
    te_worker = UserFactory(username="te-tyontekija", organization=te)

    def request(sent, answered=None, closed=None, by=alice, **kwargs):
        return ConsultationFactory(
            requester=by,
            submitted_at=at(sent),
            first_response_at=at(answered, 14) if answered else None,
            closed_at=at(closed, 15) if closed else None,
            **kwargs,
        )

    c1 = request(
        "2026-02-02",
        "2026-02-03",
        "2026-02-10",
        reasons=["mental_health", "long_unemployment"],
        asked=["network", "health_check"],
    )
    c2 = request("2026-02-02", "2026-02-02", "2026-02-11")
    c3 = request("2026-02-02", "2026-02-09")
    c4 = request("2026-02-06", "2026-02-09")
    c5 = request("2026-02-02", "2026-02-10")
    c6 = request("2026-03-02")
    request("2026-04-02", "2026-04-07", by=kela_worker)
    AnonymousConsultationFactory(requester=kela_worker, submitted_at=at("2026-04-10"))
    request("2025-06-01", "2025-06-02", by=te_worker)

    NetworkFactory(
        client=c1.client, origin_consultation=c1, coordinator=kaisa, opened_at=at("2026-02-20")
    )
    closed = {"status": ClientNetwork.Status.CLOSED, "coordinator": kaisa}
    NetworkFactory(
        opened_at=at("2025-10-01"), closed_at=at("2026-03-15"), closure_reason="employed", **closed
    )
    NetworkFactory(
        opened_at=at("2025-01-01"), closed_at=at("2025-05-01"), closure_reason="moved", **closed
    )
    NetworkFactory(
        opened_at=at("2026-05-01"), closed_at=at("2026-06-01"), closure_reason="studies", **closed
    )

    for consultation, usefulness in zip((c1, c2, c3, c4, c5, c6), (5, 5, 4, 4, 4, 3), strict=True):
        Feedback.objects.create(
            request=consultation, usefulness=usefulness, given_by=alice, given_at=at("2026-03-20")
        )
