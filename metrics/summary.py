"""The dashboard as data: headline numbers and tables, small counts already hidden.

The page, its CSV export and the API all call `build_summary`, so they cannot disagree.
Each topic of `metrics.topics` counts its numbers and builds its key figures and tables
(`metrics.tables`); this module only puts them in the dashboard's order. Only labels and
counts: no names of people, no identity codes, no free text (organisation names are not
personal data).
"""

from django.conf import settings

from metrics.filters import Filters
from metrics.tables import plain
from metrics.topics import (
    consultations,
    healthchecks,
    ips,
    monthly,
    networks,
    participation,
    plans,
    voice,
)
from metrics.topics.ips import benchmark_level

__all__ = ["benchmark_level", "build_summary"]


def build_summary(filters: Filters) -> dict:
    asked = consultations.count(filters)
    formed = networks.count(filters)
    took_part = participation.count(filters)
    actions = plans.count(filters)
    heard = voice.count(filters)
    ips_numbers = ips.count(filters)
    ips_panel, ips_tables = ips.panel(ips_numbers, formed.closures)
    return plain(
        {
            "filters": {
                "from": filters.start.isoformat(),
                "to": filters.end.isoformat(),
                "municipality": filters.municipality,
                "org_kind": filters.org_kind,
            },
            "target_working_days": settings.CONSULTATION_TARGET_WORKING_DAYS,
            "headline": [
                *consultations.headline(asked),
                *networks.headline(formed),
                *participation.headline(took_part),
                *healthchecks.headline(ips_numbers.coverage),
                *voice.headline(heard),
            ],
            "tables": [
                *consultations.tables(filters, asked),
                *networks.tables(formed),
                *participation.tables(took_part, asked.totals),
                *monthly.tables(filters, asked, formed),
                *plans.tables(actions),
                *ips_tables,
                *voice.tables(filters, heard),
            ],
            "ips": ips_panel,
        }
    )
