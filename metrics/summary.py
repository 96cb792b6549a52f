"""The dashboard as data: headline numbers and tables, small counts already hidden.

The page, its CSV export and the API all call `build_summary`, so they cannot disagree.
Each table is a plain dict (key, caption, headers, rows, total, chart) that a template,
a CSV writer, Chart.js and JSON can all read. Only labels and counts: no names of
people, no identity codes, no free text (organisation names are not personal data).
"""

from django.conf import settings
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from common.municipalities import municipality_name
from coordination.models import ConsultationRequest, Organization
from metrics import queries
from metrics.privacy import SUPPRESSED, THRESHOLD, is_small, suppress, suppress_count
from networks.models import ClientNetwork


def _table(key, caption, headers, rows, total=None, chart=None, note="", numeric_from=1):
    """`numeric_from`: the first column that holds numbers (the ones before it are labels)."""
    return {
        "key": key,
        "caption": caption,
        "headers": headers,
        "rows": rows,
        "total": total,
        "chart": chart,
        "note": note,
        "numeric_from": numeric_from,
        "collapsed": len(rows) > 15,
    }


def _suppress_column(rows: list[list], column: int, total):
    """Suppress one column of `rows` (in place) as one breakdown of `total`."""
    cells = {index: row[column] for index, row in enumerate(rows)}
    shown, total_shown = suppress(cells, total)
    for index, value in shown.items():
        rows[index][column] = value
    return total_shown


def build_summary(filters: queries.Filters) -> dict:
    totals = queries.consultation_totals(filters)
    response = queries.response_times(filters)
    by_org = queries.requests_by_organization(filters)
    asked = queries.reasons_and_asked(filters)
    network_totals = queries.network_totals(filters)
    closures = queries.closure_reasons(filters)
    clients = queries.distinct_clients(filters)
    feedback = queries.feedback_distribution(filters)
    consultation_trend = queries.consultation_trend(filters)
    network_trend = queries.network_trend(filters)
    plan_actions = queries.plan_actions(filters)

    received = totals["received"]
    tables = []

    # Consultations: headline numbers. Median and share are shown only when they cannot
    # reveal a small group: five answers at least, and neither the ones within the target
    # nor the ones past it 1–4.
    within, answered_count = response["within_target"], response["answered"]
    median = response["median_working_days"] if answered_count >= 5 else None
    share = None
    if answered_count and not (is_small(within) or is_small(answered_count - within)):
        share = round(100 * within / answered_count)
    target = settings.CONSULTATION_TARGET_WORKING_DAYS
    headline = [
        {
            "key": "received",
            "label": _("Consultations received"),
            "value": suppress_count(received),
        },
        {
            "key": "answered",
            "label": _("Consultations answered"),
            "value": suppress_count(totals["answered"]),
        },
        {
            "key": "closed",
            "label": _("Consultations closed"),
            "value": suppress_count(totals["closed"]),
        },
        {
            "key": "median_working_days",
            "label": _("Median working days to the first response"),
            "value": median,
        },
        {
            "key": "share_within_target",
            "label": _("Answered within %(days)s working days") % {"days": target},
            "value": share,
            "unit": "%",
        },
        {
            "key": "networks_formed",
            "label": _("Client networks formed"),
            "value": suppress_count(network_totals["formed"]),
        },
        {
            "key": "distinct_clients",
            "label": _("Distinct clients served"),
            "value": suppress_count(clients),
        },
        {
            "key": "feedback_count",
            "label": _("Feedback from professionals"),
            "value": suppress_count(feedback["count"]),
        },
    ]
    tables.append(
        _table(
            "consultations",
            _("Consultations"),
            [_("Measure"), _("Value")],
            [
                [
                    item["label"],
                    f"{item['value']} %"
                    if item.get("unit") and item["value"] is not None
                    else item["value"],
                ]
                for item in headline[:5]
            ],
            note=_(
                "Working days exclude weekends and Finnish public holidays. The median and "
                "the share are left out when fewer than five requests were answered."
            ),
        )
    )

    # Contact sources by kind: every kind, those that never send too.
    # The hub is listed only if it sent requests itself (so that the rows add up to the
    # requests received); as "an organisation that never sends" it would only confuse.
    by_org = [row for row in by_org if not (row["is_hub"] and row["requests"] == 0)]
    kinds = {
        value: {"requests": 0, "organizations": 0, "silent": 0}
        for value in Organization.Kind.values
    }
    for row in by_org:
        kind = kinds.setdefault(row["kind"], {"requests": 0, "organizations": 0, "silent": 0})
        kind["requests"] += row["requests"]
        kind["organizations"] += 1
        kind["silent"] += row["requests"] == 0
    kind_labels = dict(Organization.Kind.choices)
    if filters.org_kind:
        kinds = {key: value for key, value in kinds.items() if key == filters.org_kind}
    kind_keys = list(kinds)
    kind_rows = [
        [
            kind_labels.get(key, key),
            kinds[key]["requests"],
            kinds[key]["organizations"],
            kinds[key]["silent"],
        ]
        for key in kind_keys
    ]
    kind_total = _suppress_column(kind_rows, 1, received)
    tables.append(
        _table(
            "contact_kinds",
            _("Contact sources by kind of organisation"),
            [
                _("Kind of organisation"),
                _("Requests"),
                _("Organisations"),
                _("Organisations that sent none"),
            ],
            kind_rows,
            total=[
                _("Total"),
                kind_total,
                sum(k["organizations"] for k in kinds.values()),
                sum(k["silent"] for k in kinds.values()),
            ],
            chart="bar",
        )
    )

    # Contact sources by organisation: each kind's organisations are a breakdown of the
    # kind's count shown above (hidden there, then all its organisations are hidden too).
    shown_kind_total = {key: row[1] for key, row in zip(kind_keys, kind_rows, strict=True)}
    org_rows = []
    for key in kind_keys:
        group = [
            [kind_labels.get(key, key), row["name"], row["requests"]]
            for row in by_org
            if row["kind"] == key
        ]
        if key == Organization.Kind.EMPLOYER and group:
            # Job coaches type the employers' names: they are counted, never listed.
            group = [
                [
                    kind_labels.get(key, key),
                    ngettext("%(count)s employer", "%(count)s employers", len(group))
                    % {"count": len(group)},
                    sum(row[2] for row in group),
                ]
            ]
        if shown_kind_total[key] == SUPPRESSED:
            for row in group:
                row[2] = SUPPRESSED if row[2] else 0
        else:
            _suppress_column(group, 2, kinds[key]["requests"])
        org_rows.extend(group)
    tables.append(
        _table(
            "contact_organisations",
            _("Contact sources by organisation"),
            [_("Kind of organisation"), _("Organisation"), _("Requests")],
            org_rows,
            total=[_("Total"), "", kind_total],
            numeric_from=2,
            note=_("Organisations with no requests in the period are listed with 0."),
        )
    )

    # Reasons and what was asked: a request may name several, so there is no total.
    for key, caption, header, choices in (
        ("reasons", _("Reasons for requests"), _("Reason"), ConsultationRequest.Reason.choices),
        ("asked", _("What was asked"), _("Asked for"), ConsultationRequest.Asked.choices),
    ):
        rows = [[label, asked[key].get(value, 0)] for value, label in choices]
        _suppress_column(rows, 1, None)
        tables.append(
            _table(
                key,
                caption,
                [header, _("Requests")],
                rows,
                chart="bar",
                note=_("A request may name several, so the rows add up to more than the requests."),
            )
        )

    # Networks: the ones active in the period either closed in it or were open at its end.
    closed_and_open, active_shown = suppress(
        {"closed": network_totals["closed"], "open": network_totals["open_at_end"]},
        network_totals["active"],
    )
    tables.append(
        _table(
            "networks",
            _("Client networks"),
            [_("Measure"), _("Networks")],
            [
                [_("Formed in the period"), suppress_count(network_totals["formed"])],
                [_("Active at some time in the period"), active_shown],
                [_("Closed in the period"), closed_and_open["closed"]],
                [_("Open at the end of the period"), closed_and_open["open"]],
            ],
        )
    )
    closure_rows = [
        [label, closures.get(value, 0)] for value, label in ClientNetwork.ClosureReason.choices
    ]
    closure_total = _suppress_column(closure_rows, 1, network_totals["closed"])
    tables.append(
        _table(
            "closure_reasons",
            _("Why client networks closed"),
            [_("Reason for closing"), _("Networks")],
            closure_rows,
            total=[_("Total"), closure_total],
            chart="bar",
        )
    )

    # Clients: anonymous requests have no client, so they are counted apart.
    split, received_shown = suppress(
        {"anonymous": totals["anonymous"], "identified": totals["identified"]}, received
    )
    tables.append(
        _table(
            "clients",
            _("Clients"),
            [_("Measure"), _("Value")],
            [
                [_("Distinct clients served (requests and networks)"), suppress_count(clients)],
                [_("Requests about an identified client"), split["identified"]],
                [_("Anonymous requests"), split["anonymous"]],
                [_("All requests"), received_shown],
            ],
        )
    )

    # Feedback: the mean would let hidden cells be solved from the total, so it is shown
    # only when no cell of the distribution is hidden.
    feedback_rows = [[str(score), feedback["distribution"][score]] for score in range(1, 6)]
    feedback_total = _suppress_column(feedback_rows, 1, feedback["count"])
    any_hidden = any(row[1] == SUPPRESSED for row in feedback_rows) or feedback_total == SUPPRESSED
    mean = None if any_hidden or feedback["mean"] is None else round(feedback["mean"], 1)
    headline.append({"key": "feedback_mean", "label": _("Mean usefulness (1–5)"), "value": mean})
    tables.append(
        _table(
            "feedback",
            _("Professionals' feedback: usefulness from 1 (not useful) to 5 (very useful)"),
            [_("Usefulness"), _("Feedback")],
            feedback_rows,
            total=[_("Total"), feedback_total],
            chart="bar",
            note=_("Mean usefulness: %(mean)s")
            % {"mean": "–" if mean is None else number_format(mean, 1)},
        )
    )

    # Monthly trends of the headline numbers.
    trend_rows = []
    for month in filters.months():
        row = consultation_trend.get(month, {})
        trend_rows.append(
            [
                date_format(month, "YEAR_MONTH_FORMAT"),
                row.get("received", 0),
                row.get("answered", 0),
                network_trend.get(month, 0),
            ]
        )
    trend_total = [
        _("Total"),
        _suppress_column(trend_rows, 1, received),
        _suppress_column(trend_rows, 2, totals["answered"]),
        _suppress_column(trend_rows, 3, network_totals["formed"]),
    ]
    tables.append(
        _table(
            "monthly",
            _("Month by month"),
            [
                _("Month"),
                _("Consultations received"),
                _("Of them answered"),
                _("Client networks formed"),
            ],
            trend_rows,
            total=trend_total,
            chart="line",
        )
    )

    if plan_actions is not None:
        model = queries.plan_action_model()
        labels = dict(model._meta.get_field("service_type").choices or [])
        action_rows = [
            [labels.get(key, key), row["done"], row["open"], row["overdue"]]
            for key, row in sorted(plan_actions.items())
        ]
        for column in (1, 2, 3):
            _suppress_column(action_rows, column, None)
        health_checks = plan_actions.get(queries.HEALTH_CHECK_SERVICE_TYPE, {}).get("done", 0)
        headline.append(
            {
                "key": "health_checks_done",
                "label": _("Health checks for the unemployed done"),
                "value": suppress_count(health_checks),
            }
        )
        tables.append(
            _table(
                "plan_actions",
                _("Plan actions by service type"),
                [_("Service type"), _("Done in the period"), _("Open"), _("Overdue")],
                action_rows,
                chart="bar",
            )
        )

    ips = _ips_panel(filters, closures, tables)

    return _plain(
        {
            "filters": {
                "from": filters.start.isoformat(),
                "to": filters.end.isoformat(),
                "municipality": filters.municipality,
                "org_kind": filters.org_kind,
            },
            "target_working_days": target,
            "headline": headline,
            "tables": tables,
            "ips": ips,
        }
    )


# --- IPS job coaching and health checks ------------------------------------

# The IPS benchmarks of the quarterly competitive-employment rate (per cent).
# gettext_lazy by its own name: makemessages does not know an alias.
IPS_BENCHMARKS = (
    (50, gettext_lazy("excellent")),
    (41, gettext_lazy("average")),
    (31, gettext_lazy("minimal")),
)


def _share(part: int, whole: int):
    """A percentage (one decimal) only when it cannot reveal a group of 1–4: five at
    least in the whole, and neither the part nor the rest from 1 to 4."""
    if whole < THRESHOLD or is_small(part) or is_small(whole - part):
        return None
    return round(100 * part / whole, 1)


def benchmark_level(rate: float | None) -> str:
    if rate is None:
        return ""
    for limit, label in IPS_BENCHMARKS:
        if rate >= limit:
            return str(label)
    return _("below the minimal level")


def _ips_panel(filters: queries.Filters, closures: dict, tables: list) -> dict | None:
    """The "IPS job coaching and health checks" panel: its key figures, and its tables
    appended to `tables` (marked `panel: "ips"`) so that the CSV export and the API carry
    them like every other table. Four queries, whatever the number of rows."""
    coaching = queries.coaching_totals(filters)
    if coaching is None:
        return None
    starts = queries.competitive_starts(filters)
    contacts = queries.first_employer_contacts(filters)
    coverage = queries.health_check_coverage(filters)
    periods = queries.quarters(filters)

    # Quarterly competitive-employment rate against the IPS benchmarks.
    rate_rows = []
    for quarter, served, started in zip(periods, coaching["served"], starts, strict=True):
        rate = _share(started, served)
        rate_rows.append(
            [
                quarter.label,
                suppress_count(served),
                suppress_count(started),
                rate,
                benchmark_level(rate),
            ]
        )
    latest_rate = rate_rows[-1][3] if rate_rows else None

    # Days from the referral to the first employer contact.
    median = contacts["median_days"] if contacts["contacted"] >= THRESHOLD else None
    within_share = _share(contacts["within_target"], contacts["judged"])

    # Health checks of the unemployed, by the client's municipality: its official name
    # (the code is all that is stored; no code, or one not in the list, is "not recorded").
    coverage = _by_official_name(coverage)
    municipalities = sorted(coverage, key=lambda name: (name == "", name))
    check_rows = [
        [
            name or _("Municipality not recorded"),
            coverage[name]["clients"],
            coverage[name]["checked"],
            None,
        ]
        for name in municipalities
    ]
    all_clients = sum(row["clients"] for row in coverage.values())
    all_checked = sum(row["checked"] for row in coverage.values())
    for row, name in zip(check_rows, municipalities, strict=True):
        row[3] = _share(coverage[name]["checked"], coverage[name]["clients"])
    clients_total = _suppress_column(check_rows, 1, all_clients)
    checked_total = _suppress_column(check_rows, 2, all_checked)
    for row in check_rows:
        if SUPPRESSED in (row[1], row[2]):
            row[3] = None
    total_share = _share(all_checked, all_clients)
    if SUPPRESSED in (clients_total, checked_total):
        total_share = None

    # Exits counted as outcomes: from job coaching and from client networks.
    labels = dict(queries.coaching_model()._meta.get_field("end_reason").choices or [])
    exit_rows = [
        [
            labels.get(reason, reason),
            coaching["ended_by_reason"].get(reason, 0),
            closures.get(reason, 0),
        ]
        for reason in queries.OUTCOME_EXITS
    ]
    coaching_exits = sum(row[1] for row in exit_rows)
    network_exits = sum(row[2] for row in exit_rows)
    exits_total = [
        _("Total"),
        _suppress_column(exit_rows, 1, coaching_exits),
        _suppress_column(exit_rows, 2, network_exits),
    ]

    target = queries.EMPLOYER_CONTACT_TARGET_DAYS
    tables.append(
        _table(
            "ips_employment",
            _("Competitive employment by quarter"),
            [
                _("Quarter"),
                _("Clients served in job coaching"),
                _("Of them started work on the open labour market"),
                _("Competitive-employment rate (%)"),
                _("IPS benchmark reached"),
            ],
            rate_rows,
            note=_(
                "IPS benchmarks: 31 % minimal, 41 % average, 50 % excellent. A client is "
                "served in a quarter when their referral was taken on by its end and had "
                "not ended before it began. The first and last quarters are cut to the "
                "period; a period over ten years shows its last forty quarters. The rate "
                "is left out when it could reveal a group smaller than "
                "five."
            ),
        )
        | {"panel": "ips"}
    )
    tables.append(
        _table(
            "ips_employer_contacts",
            _("Days from the referral to the first employer contact"),
            [_("Measure"), _("Value")],
            [
                [
                    _("Referrals started in the period with an employer contact"),
                    suppress_count(contacts["contacted"]),
                ],
                [_("Median days to the first employer contact"), median],
                [
                    _("First employer contact within %(days)s days (%%)") % {"days": target},
                    within_share,
                ],
                [
                    _("No employer contact %(days)s days or more after the referral")
                    % {"days": target},
                    suppress_count(contacts["late_without_contact"]),
                ],
                [
                    _("No employer contact yet, under %(days)s days since the referral")
                    % {"days": target},
                    suppress_count(contacts["not_yet"]),
                ],
            ],
            note=_(
                "Counted from the day a job coach took the referral (or the day of the "
                "referral if not yet taken). IPS asks for the first employer contact within "
                "30 days; a referral without one counts as late once 30 days have passed."
            ),
        )
        | {"panel": "ips"}
    )
    tables.append(
        _table(
            "ips_health_checks",
            _("Health checks for the unemployed in the last 12 months, by municipality"),
            [
                _("Municipality of the client"),
                _("Unemployed clients served"),
                _("With a health check"),
                _("Share (%)"),
            ],
            check_rows,
            total=[_("Total"), clients_total, checked_total, total_share],
            note=_(
                "Unemployed clients (registered or not) with a request, a client network "
                "or job coaching in the period, and a health check for the unemployed "
                "done in the twelve months before the period's end. For comparison "
                "(PALO2): in 2021, 2.4 per cent of the unemployed in North Ostrobothnia had "
                "one, 21 per cent in Kainuu."
            ),
        )
        | {"panel": "ips"}
    )
    tables.append(
        _table(
            "ips_exits",
            _("Exits to studies, rehabilitation and pension assessment"),
            [_("Outcome"), _("Job coaching ended"), _("Client networks closed")],
            exit_rows,
            total=exits_total,
            chart="bar",
            note=_("These exits are outcomes of the work, not failures."),
        )
        | {"panel": "ips"}
    )
    return {
        "caption": _("IPS job coaching and health checks"),
        "headline": [
            {
                "key": "clients_in_coaching",
                "label": _("Clients in job coaching at the end of the period"),
                "value": suppress_count(coaching["in_coaching"]),
            },
            {
                "key": "median_days_to_employer_contact",
                "label": _("Median days to the first employer contact"),
                "value": median,
            },
            {
                "key": "employer_contact_within_30_days",
                "label": _("First employer contact within %(days)s days") % {"days": target},
                "value": within_share,
                "unit": "%",
            },
            {
                "key": "competitive_employment_rate",
                "label": _("Competitive-employment rate, latest quarter"),
                "value": latest_rate,
                "unit": "%",
            },
            {
                "key": "health_check_share",
                "label": _("Unemployed clients with a health check in the last 12 months"),
                "value": total_share,
                "unit": "%",
            },
        ],
    }


def _plain(value):
    """Lazy translations (choice labels) as plain strings, so that JSON and the page
    carry exactly the same values."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Promise):
        return str(value)
    return value


def _by_official_name(coverage: dict[str, dict]) -> dict[str, dict]:
    """The coverage rows keyed by the municipality's official name ("" for none)."""
    merged: dict[str, dict] = {}
    for code, counts in coverage.items():
        row = merged.setdefault(municipality_name(code), {"clients": 0, "checked": 0})
        row["clients"] += counts["clients"]
        row["checked"] += counts["checked"]
    return merged
