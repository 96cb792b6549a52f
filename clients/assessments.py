"""The work-ability domains of assessments as tables a person reads: each assessment's
seven domain ratings, and the change of each domain from the previous assessment to the
latest one (beside the Work Ability Score). The pages show these; the API returns the
ratings as fields of the assessment."""

from collections.abc import Sequence
from typing import Any

from clients.models import WorkAbilityAssessment

DOMAINS = WorkAbilityAssessment.DOMAINS


def domain_table(assessments: Sequence[WorkAbilityAssessment], limit: int = 6) -> dict[str, Any]:
    """One row per domain, one column per assessment (newest first, at most `limit`):
    `{"columns": [assessment, ...], "rows": [{"label", "values"}, ...]}`. Empty rows
    when no assessment rated any domain."""
    columns = list(assessments)[:limit]
    if not any(getattr(a, name) is not None for a in columns for name, _label in DOMAINS):
        return {"columns": columns, "rows": []}
    rows = [
        {"key": name, "label": label, "values": [getattr(a, name) for a in columns]}
        for name, label in DOMAINS
    ]
    return {"columns": columns, "rows": rows}


def domain_trend(
    latest: WorkAbilityAssessment | None, previous: WorkAbilityAssessment | None
) -> list[dict[str, Any]]:
    """Per domain: the previous and the latest rating and the change (None where either
    is missing). Empty when the latest assessment rated no domain."""
    if latest is None or all(getattr(latest, name) is None for name, _label in DOMAINS):
        return []
    rows = []
    for name, label in DOMAINS:
        now = getattr(latest, name)
        before = getattr(previous, name) if previous is not None else None
        change = now - before if now is not None and before is not None else None
        rows.append(
            {"key": name, "label": label, "previous": before, "latest": now, "change": change}
        )
    return rows
