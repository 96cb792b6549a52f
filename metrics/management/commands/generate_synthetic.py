"""Synthetic activity for trying the dashboard and measuring it: organisations, people,
clients with consents, consultations, answers' timestamps, client networks and feedback
over several years, with a fixed seed so that two runs give the same rows.

    manage.py generate_synthetic --consultations 1000000 --networks 100000

Rows go in with PostgreSQL's COPY (psycopg 3 `cursor.copy`), in one transaction; on
SQLite (`make run`) with `executemany`, which is fine for small numbers. Nobody in the
data is real: names are "Synteettinen", there are no identity codes and no free text.
Service plans and their actions are not generated.
Never run this against a production database.
"""

import datetime
import json
import random
import time
import uuid
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from clients.models import Client, Consent
from common.municipalities import municipality_name
from coordination.models import ConsultationRequest, Feedback, Organization, User
from networks.models import ClientNetwork

HELSINKI = ZoneInfo("Europe/Helsinki")
# Northern Ostrobothnia by Statistics Finland's codes: Oulu, Kemi, Raahe, Kajaani, Ii,
# Kempele, Liminka, Muhos.
MUNICIPALITIES = ["564", "240", "678", "205", "139", "244", "425", "494"]
# (kind, how many organisations, relative number of requests each sends). Some kinds
# never send: the dashboard must show them as zeros.
ORGANISATIONS = [
    ("health_centre", 10, 10),
    ("social_services", 5, 6),
    ("mental_health_substance", 4, 5),
    ("te_office", 3, 8),
    ("municipal_employment", 3, 6),
    ("kela", 2, 3),
    ("typ", 2, 4),
    ("education", 3, 2),
    ("ngo", 4, 1),
    ("employer", 2, 0.5),
    ("rehabilitation", 2, 1),
    ("pension_insurer", 1, 0),
    ("criminal_sanctions", 1, 0),
    ("other", 1, 0.3),
]
REASON_WEIGHTS = {
    "work_ability_unclear": 30,
    "long_unemployment": 20,
    "physical_health": 12,
    "mental_health": 25,
    "substance_use": 8,
    "social_situation": 10,
    "finances": 7,
    "education": 6,
    "rehabilitation": 9,
    "pension": 4,
    "other": 3,
}
CLOSURE_WEIGHTS = {
    "employed": 22,
    "studies": 12,
    "rehabilitation": 18,
    "pension_assessment": 9,
    "goals_met": 15,
    "moved": 5,
    "client_withdrew": 10,
    "other": 9,
}
USEFULNESS_WEIGHTS = {1: 3, 2: 7, 3: 20, 4: 40, 5: 30}
# Fewer requests in July (summer holidays) and December.
MONTH_WEIGHT = {7: 0.45, 12: 0.75, 6: 0.85, 8: 0.9}


# The columns each row below gives, in order (COPY fills no defaults: see _with_defaults).
CLIENT_COLUMNS = [
    "id",
    "uuid",
    "first_name",
    "last_name",
    "personal_identity_code",
    "date_of_birth",
    "municipality",
    "phone",
    "email",
    "address",
    "language",
    "life_situation",
    "target_groups",
    "created_at",
    "created_by_id",
]
CONSENT_COLUMNS = [
    "id",
    "uuid",
    "client_id",
    "scope",
    "method",
    "given_at",
    "recorded_by_id",
    "valid_until",
    "withdrawn_at",
    "withdrawn_by_id",
]
CONSULTATION_COLUMNS = [
    "id",
    "uuid",
    "reference",
    "requester_id",
    "requesting_organization_id",
    "channel",
    "anonymous",
    "client_id",
    "consent_id",
    "age_band",
    "municipality",
    "life_situation",
    "reasons",
    "asked",
    "urgency",
    "description",
    "status",
    "assigned_to_id",
    "submitted_at",
    "first_response_at",
    "closed_at",
    "outcome",
    "outcome_note",
]


class Command(BaseCommand):
    help = "Insert synthetic consultations, networks and feedback in bulk (not for production)."

    def add_arguments(self, parser):
        parser.add_argument("--consultations", type=int, default=10_000)
        parser.add_argument("--networks", type=int, default=None, help="default: a tenth")
        parser.add_argument("--clients", type=int, default=None, help="default: a third")
        parser.add_argument("--years", type=int, default=4)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch", type=int, default=50_000)

    def handle(self, *args, consultations, networks, clients, years, seed, batch, **options):
        networks = consultations // 10 if networks is None else networks
        clients = max(consultations // 3, networks, 1) if clients is None else clients
        if networks > clients:
            raise CommandError("Each network needs its own client: --networks ≤ --clients.")
        self.batch = batch
        self.rng = random.Random(seed)  # noqa: S311 – synthetic data, repeatable by design
        started = time.monotonic()
        self.now = timezone.now()
        self.first_day = self.now - datetime.timedelta(days=365 * years)
        with transaction.atomic():
            # UUIDs must differ from an earlier run's with the same seed: their generator
            # also depends on how many clients exist already (still repeatable).
            already = self._next_ids(Client, 1)[0]
            self.uuid_rng = random.Random(f"{seed}-{already}")  # noqa: S311
            orgs, requesters, coordinator = self._organisations_and_people(seed)
            client_ids, consent_ids = self._clients(clients, coordinator)
            requests = self._consultations(consultations, orgs, requesters, client_ids, consent_ids)
            formed = self._networks(networks, requests, coordinator)
            given = self._feedback(requests)
        self.stdout.write("Service plans exist but are not generated yet (skipped).")
        if options["verbosity"]:
            self.stdout.write(
                f"{clients} clients, {consultations} consultations, {formed} networks, "
                f"{given} feedback in {time.monotonic() - started:.1f} s"
            )

    # --- Organisations and the people who send requests ------------------------------

    def _organisations_and_people(self, seed):
        orgs = []  # (id, weight)
        requesters = {}
        for kind, count, weight in ORGANISATIONS:
            for n in range(count):
                municipality = MUNICIPALITIES[(n + len(kind)) % len(MUNICIPALITIES)]
                org, _ = Organization.objects.get_or_create(
                    name=f"{Organization.Kind(kind).label}, {municipality_name(municipality)} "
                    f"(synt. {n + 1})",
                    defaults={"kind": kind, "municipality": municipality},
                )
                orgs.append((org.pk, weight))
                requesters[org.pk] = [
                    User.objects.get_or_create(
                        username=f"synth-{kind}-{n + 1}-{k}",
                        defaults={"organization": org, "first_name": "Synteettinen"},
                    )[0].pk
                    for k in range(3)
                ]
        hub, _ = Organization.objects.get_or_create(
            name="Synteettinen koordinaatio",
            defaults={"kind": "social_services", "municipality": "564", "is_hub": True},
        )
        coordinator, _ = User.objects.get_or_create(
            username="synth-coordinator",
            defaults={"organization": hub, "role": User.Role.COORDINATOR},
        )
        return orgs, requesters, coordinator.pk

    # --- Bulk insertion ---------------------------------------------------------------

    def _next_ids(self, model, count):
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            first = cursor.fetchone()[0] + 1
        return range(first, first + count)

    def _insert(self, model, columns, rows):
        """Insert `rows` (tuples in `columns` order) and move the id sequence past them."""
        table = model._meta.db_table
        columns, rows = self._with_defaults(model, columns, rows)
        names = ", ".join(columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {table}))"
                )
            else:
                marks = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
                chunk = []
                for row in rows:
                    chunk.append(tuple(v.hex if isinstance(v, uuid.UUID) else v for v in row))
                    if len(chunk) >= self.batch:
                        cursor.executemany(sql, chunk)
                        chunk = []
                if chunk:
                    cursor.executemany(sql, chunk)

    @staticmethod
    def _with_defaults(model, columns, rows):
        """Fill the columns a row does not name with their fields' defaults (a record's
        `lock_version` starts at 0, a request's snapshot is {}): COPY, unlike the ORM,
        knows no defaults."""
        extra = [
            field
            for field in model._meta.concrete_fields
            if field.column not in columns
            and not field.null
            and (field.has_default() or (field.blank and field.empty_strings_allowed))
        ]
        if not extra:
            return columns, rows
        values = tuple(
            json.dumps(field.get_default())
            if isinstance(field, models.JSONField)
            else field.get_default()
            for field in extra
        )
        return [*columns, *(field.column for field in extra)], (row + values for row in rows)

    def _uuid(self):
        return uuid.UUID(int=self.uuid_rng.getrandbits(128), version=4)

    def _moment(self):
        """A time in the period, weighted by month and growing towards the present."""
        span = (self.now - self.first_day).total_seconds()
        while True:
            # Activity grows: later times are likelier (triangular towards the end).
            at = self.first_day + datetime.timedelta(seconds=span * self.rng.triangular(0, 1, 1))
            local = at.astimezone(HELSINKI)
            if local.weekday() >= 5 and self.rng.random() < 0.9:
                continue  # few requests at weekends
            if self.rng.random() < MONTH_WEIGHT.get(local.month, 1.0):
                return local.replace(hour=self.rng.randint(8, 15))

    # --- Clients and consents ---------------------------------------------------------

    def _clients(self, count, coordinator):
        rng = self.rng
        client_ids = self._next_ids(Client, count)
        consent_ids = self._next_ids(Consent, count)
        situations = Client.LifeSituation.values
        created = self.first_day
        self._insert(
            Client,
            CLIENT_COLUMNS,
            (
                (
                    client_id,
                    self._uuid(),
                    "Synteettinen",
                    f"Asiakas {client_id}",
                    None,
                    datetime.date(rng.randint(1958, 2008), rng.randint(1, 12), rng.randint(1, 28)),
                    rng.choice(MUNICIPALITIES),
                    "",
                    "",
                    "",
                    "fi" if rng.random() < 0.85 else rng.choice(["sv", "en", "other"]),
                    rng.choice(situations),
                    "[]",
                    created,
                    coordinator,
                )
                for client_id in client_ids
            ),
        )
        self._insert(
            Consent,
            CONSENT_COLUMNS,
            (
                (
                    consent_id,
                    self._uuid(),
                    client_id,
                    "consultation",
                    "verbal",
                    created,
                    coordinator,
                    None,
                    None,
                    None,
                )
                for consent_id, client_id in zip(consent_ids, client_ids, strict=True)
            ),
        )
        return client_ids, consent_ids

    # --- Consultations ----------------------------------------------------------------

    def _consultations(self, count, orgs, requesters, client_ids, consent_ids):
        """Returns (id, client_id or None, requester, first_response_at) of each answered
        request, for the networks and the feedback."""
        rng = self.rng
        ids = self._next_ids(ConsultationRequest, count)
        org_ids = [pk for pk, weight in orgs if weight]
        org_weights = [weight for pk, weight in orgs if weight]
        reasons, reason_weights = list(REASON_WEIGHTS), list(REASON_WEIGHTS.values())
        bands = ConsultationRequest.AgeBand.values
        answered = []

        def rows():
            for request_id in ids:
                org = rng.choices(org_ids, org_weights)[0]
                requester = rng.choice(requesters[org])
                anonymous = rng.random() < 0.25
                index = rng.randrange(len(client_ids))
                client = None if anonymous else client_ids[index]
                consent = None if anonymous else consent_ids[index]
                sent = self._moment()
                age = (self.now - sent).days
                # Most are answered within a few days; the last weeks' are still open.
                first = None
                if age > 20 or rng.random() < 0.6:
                    delay = datetime.timedelta(hours=rng.lognormvariate(3.3, 1.0))
                    first = sent + delay if sent + delay < self.now else None
                closed = None
                if first and rng.random() < 0.75:
                    closed = first + datetime.timedelta(days=rng.randint(1, 60))
                    closed = closed if closed < self.now else None
                status = (
                    ConsultationRequest.Status.CLOSED
                    if closed
                    else ConsultationRequest.Status.ANSWERED
                    if first
                    else ConsultationRequest.Status.SUBMITTED
                )
                asked = ["consultation"] if rng.random() < 0.8 else []
                for value, p in (("network", 0.25), ("job_coaching", 0.15), ("health_check", 0.1)):
                    if rng.random() < p:
                        asked.append(value)
                asked = asked or ["consultation"]
                chosen = sorted(set(rng.choices(reasons, reason_weights, k=rng.randint(1, 3))))
                if first:
                    answered.append((request_id, client, requester, first))
                yield (
                    request_id, self._uuid(), None, requester, org, "e_form", anonymous,
                    client, consent, rng.choice(bands) if anonymous else "",
                    rng.choice(MUNICIPALITIES) if anonymous else "", "",
                    _json(chosen), _json(asked), "urgent" if rng.random() < 0.1 else "normal",
                    "Synteettinen pyyntö", status, None, sent, first, closed, "", "",
                )  # fmt: skip

        self._insert(
            ConsultationRequest,
            CONSULTATION_COLUMNS,
            rows(),
        )
        return answered

    # --- Networks and feedback --------------------------------------------------------

    def _networks(self, count, answered, coordinator):
        rng = self.rng
        reasons, weights = list(CLOSURE_WEIGHTS), list(CLOSURE_WEIGHTS.values())
        seen, chosen = set(), []
        for request_id, client, _requester, first in rng.sample(answered, len(answered)):
            if client is None or client in seen:
                continue
            seen.add(client)
            chosen.append((request_id, client, first))
            if len(chosen) == count:
                break
        ids = self._next_ids(ClientNetwork, len(chosen))

        def rows():
            for network_id, (request_id, client, first) in zip(ids, chosen, strict=True):
                opened = first + datetime.timedelta(days=rng.randint(2, 30))
                if opened >= self.now:
                    opened = first
                closed = opened + datetime.timedelta(days=int(rng.expovariate(1 / 200)) + 14)
                if closed >= self.now:
                    closed = None
                status = ClientNetwork.Status.CLOSED
                if not closed:
                    active = rng.random() < 0.85
                    status = ClientNetwork.Status.ACTIVE if active else ClientNetwork.Status.FORMING
                reason = rng.choices(reasons, weights)[0] if closed else ""
                yield (network_id, self._uuid(), client, request_id, coordinator, status,
                       reason, "", opened, closed)  # fmt: skip

        self._insert(
            ClientNetwork,
            [
                "id",
                "uuid",
                "client_id",
                "origin_consultation_id",
                "coordinator_id",
                "status",
                "closure_reason",
                "closure_note",
                "opened_at",
                "closed_at",
            ],
            rows(),
        )
        return len(chosen)

    def _feedback(self, answered):
        rng = self.rng
        scores, weights = list(USEFULNESS_WEIGHTS), list(USEFULNESS_WEIGHTS.values())
        given = [
            (request_id, requester, first + datetime.timedelta(days=rng.randint(1, 14)))
            for request_id, _client, requester, first in answered
            if rng.random() < 0.35
        ]
        given = [row for row in given if row[2] < self.now]
        ids = self._next_ids(Feedback, len(given))
        self._insert(
            Feedback,
            ["id", "request_id", "usefulness", "text", "given_by_id", "given_at"],
            (
                (feedback_id, request_id, rng.choices(scores, weights)[0], "", requester, at)
                for feedback_id, (request_id, requester, at) in zip(ids, given, strict=True)
            ),
        )
        return len(given)


def _json(values: list[str]) -> str:
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"
