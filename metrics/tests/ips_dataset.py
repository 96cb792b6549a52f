"""A hand-built data set for the "IPS job coaching and health checks" panel, every number
counted by hand below. The period is PERIOD (1 January – 30 June 2026): Q1 and Q2.

Referrals (all from alice of the Oulu health centre, coach `coach`):

| ref | client, situation, town | referred | taken | ended (reason) | open-market start |
|---|---|---|---|---|---|
| r1 | A unemployed, Oulu | 2026-01-05 | 2026-01-10 | – | 2026-02-15 (Q1) |
| r2 | B unempl. (not reg.) | 2025-11-01 | 2025-11-05 | – | 2026-05-10 (Q2) |
| r3 | C unemployed, Kajaani | 2026-02-01 | 2026-02-03 | 2026-03-15 studies | – |
| r4 | D employed, Oulu | 2026-03-20 | 2026-04-02 | – | wage subsidy only |
| r5 | E unemployed, Oulu | 2025-09-01 | 2025-09-02 | 2025-12-20 employed | 2025-10-01 |
| r6 | F unemployed, Oulu | 2026-06-01 | (waiting) | – | – |
| r7 | G unemployed, Kajaani | 2026-01-15 | 2026-01-20 | 2026-05-31 rehab. | 2026-03-01 (Q1) |
| r8 | H unemployed, Oulu | 2026-01-02 | 2026-01-02 | – | – |
| r9 | I (none), Oulu | 2026-06-20 | 2026-06-25 | – | – |

(B lives in Oulu.)

Clients served in a quarter (taken by its end, not ended before its start):
Q1: r1 r2 r3 r7 r8 = 5 (r4 taken in April, r5 ended in 2025); started on the open labour
market in Q1: A, G = 2 → **2 of 5 = 40.0 %**. Q2: r1 r2 r4 r7 r8 r9 = 6; started: B = 1
(D's job has a wage subsidy and is not on the open market) → **1 of 6 = 16.7 %**.

In coaching on 30 June: r1 r2 r4 r8 r9 = **5**. Ended in the period: r3 studies, r7
rehabilitation (r5 ended in 2025).

First employer contact, for referrals begun (taken, or referred if waiting) in the period:
r1 Jan 10 → Jan 20 = 10 days (a second contact on Feb 1 is not the first); r3 Feb 3 →
Mar 10 = 35; r4 Apr 2 → Apr 5 = 3; r7 Jan 20 → Jan 25 = 5; r8 none and 179 days → late;
r6 (waiting, Jun 1) and r9 (Jun 25) have none and fewer than 30 days → not yet judged.
Contacted 4: days 3, 5, 10, 35 → **median 7.5**; within 30 days 3 of 5 judged (r3, r8 late).

Health checks done in the twelve months 1 July 2025 – 30 June 2026, unemployed clients
served in the period: A done 2026-03-01 ✓; B done 2025-06-15 (too early) ✗; C done
2025-07-01 ✓ (the first day counts); G only offered ✗; H done 2026-07-05 (after the end)
✗; J (a request from alice, Kajaani) done 2026-06-30 ✓ (the last day counts); K (a request,
Oulu) declined ✗. D is employed, I has no life situation, E and F were not served.
Oulu: A B H K = **1 of 4 (25.0 %)**; Kajaani: C G J = **2 of 3 (66.7 %)**; total **3 of 7
(42.9 %)**.
"""

import datetime

from clients.tests.factories import ClientFactory
from coaching.models import EmployerContact, JobStart, Referral
from common.municipalities import code_for
from coordination.models import Organization, User
from coordination.tests.factories import ConsultationFactory, OrganizationFactory, UserFactory
from healthchecks.models import HealthCheck
from metrics.tests.dataset import at

D = datetime.date.fromisoformat


def ips_people(alice):
    team = OrganizationFactory(
        name="Oulun työhönvalmennus", kind=Organization.Kind.MUNICIPAL_EMPLOYMENT
    )
    coach = UserFactory(username="valmentaja", organization=team, role=User.Role.JOB_COACH)
    employer = OrganizationFactory(name="Kahvila Kulma", kind=Organization.Kind.EMPLOYER)
    return team, coach, employer


def referral(client, *, alice, team, coach, referred, taken=None, ended=None, reason=""):
    status = Referral.Status.ACTIVE
    if taken is None:
        status = Referral.Status.WAITING
    elif ended:
        status = Referral.Status.ENDED
    return Referral.objects.create(
        client=client,
        team=team,
        coach=coach if taken else None,
        source="health_care",
        referred_by=alice,
        status=status,
        referred_on=D(referred),
        taken_on=D(taken) if taken else None,
        ended_on=D(ended) if ended else None,
        end_reason=reason,
    )


def contact(ref, employer, coach, day):
    return EmployerContact.objects.create(
        referral=ref, employer=employer, coach=coach, contacted_on=D(day), kind="phone",
        outcome="follow_up_agreed",
    )  # fmt: skip


def job_start(ref, employer, day, *, open_market=True):
    return JobStart.objects.create(
        referral=ref, employer=employer, started_on=D(day), hours_per_week=20,
        open_labour_market=open_market, wage_subsidy=not open_market,
    )  # fmt: skip


def health_check(client, by, *, offered, done=None, status=None):
    if status is None:
        status = HealthCheck.Status.DONE if done else HealthCheck.Status.OFFERED
    return HealthCheck.objects.create(
        client=client, offered_by=by, offered_on=D(offered),
        status=status, done_on=D(done) if done else None,
        done_by_name="Terveydenhoitaja" if done else "",
    )  # fmt: skip


def build_ips_dataset(alice):
    team, coach, employer = ips_people(alice)
    person = {}
    for name, situation, town in [
        ("A", "unemployed_registered", "Oulu"),
        ("B", "unemployed_not_registered", "Oulu"),
        ("C", "unemployed_registered", "Kajaani"),
        ("D", "employed", "Oulu"),
        ("E", "unemployed_registered", "Oulu"),
        ("F", "unemployed_registered", "Oulu"),
        ("G", "unemployed_registered", "Kajaani"),
        ("H", "unemployed_registered", "Oulu"),
        ("I", "", "Oulu"),
    ]:
        person[name] = ClientFactory(
            first_name=name, life_situation=situation, municipality=code_for(town)
        )
    kw = {"alice": alice, "team": team, "coach": coach}
    r1 = referral(person["A"], referred="2026-01-05", taken="2026-01-10", **kw)
    r2 = referral(person["B"], referred="2025-11-01", taken="2025-11-05", **kw)
    r3 = referral(person["C"], referred="2026-02-01", taken="2026-02-03", ended="2026-03-15",
                  reason="studies", **kw)  # fmt: skip
    r4 = referral(person["D"], referred="2026-03-20", taken="2026-04-02", **kw)
    r5 = referral(person["E"], referred="2025-09-01", taken="2025-09-02", ended="2025-12-20",
                  reason="employed_open_market", **kw)  # fmt: skip
    referral(person["F"], referred="2026-06-01", **kw)
    r7 = referral(person["G"], referred="2026-01-15", taken="2026-01-20", ended="2026-05-31",
                  reason="rehabilitation", **kw)  # fmt: skip
    referral(person["H"], referred="2026-01-02", taken="2026-01-02", **kw)
    referral(person["I"], referred="2026-06-20", taken="2026-06-25", **kw)

    contact(r1, employer, coach, "2026-01-20")
    contact(r1, employer, coach, "2026-02-01")
    contact(r2, employer, coach, "2025-12-01")
    contact(r3, employer, coach, "2026-03-10")
    contact(r4, employer, coach, "2026-04-05")
    contact(r7, employer, coach, "2026-01-25")

    job_start(r1, employer, "2026-02-15")
    job_start(r2, employer, "2026-05-10")
    job_start(r4, employer, "2026-05-01", open_market=False)
    job_start(r5, employer, "2025-10-01")
    job_start(r7, employer, "2026-03-01")

    health_check(person["A"], alice, offered="2026-02-01", done="2026-03-01")
    health_check(person["B"], alice, offered="2025-06-01", done="2025-06-15")
    health_check(person["C"], alice, offered="2025-06-20", done="2025-07-01")
    health_check(person["E"], alice, offered="2026-01-01", done="2026-01-10")
    health_check(person["G"], alice, offered="2026-04-01")
    health_check(person["H"], alice, offered="2026-06-01", done="2026-07-05")
    j = ConsultationFactory(
        requester=alice, submitted_at=at("2026-04-15"),
        client__life_situation="unemployed_not_registered", client__municipality="205",
    )  # fmt: skip
    health_check(j.client, alice, offered="2026-06-01", done="2026-06-30")
    k = ConsultationFactory(
        requester=alice, submitted_at=at("2026-05-15"),
        client__life_situation="unemployed_registered", client__municipality="564",
    )  # fmt: skip
    health_check(k.client, alice, offered="2026-05-20", status=HealthCheck.Status.DECLINED)
    return {"team": team, "coach": coach, "employer": employer, "people": person}
