"""The municipalities of Finland as Statistics Finland classifies them (`data/
municipalities.csv`, "Kunnat 2025"): a municipality is stored as its three-digit code
(091 Helsinki, 564 Oulu) and shown by its official name, Swedish under Swedish. Nothing
typed freely is stored as a municipality, so no aggregate can show a typed name.

This module imports no app: clients, coordination and coaching all use it.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).resolve().parent / "data" / "municipalities.csv"
CODE_LENGTH = 3


@dataclass(frozen=True)
class Municipality:
    code: str
    name_fi: str
    name_sv: str

    def name(self, language: str | None = None) -> str:
        language = language or get_language() or "fi"
        return self.name_sv if language.startswith("sv") else self.name_fi


@cache
def municipalities() -> dict[str, Municipality]:
    """Every municipality by its code, read once from the data file."""
    with DATA.open(encoding="utf-8") as file:
        lines = (line for line in file if not line.startswith("#"))
        return {
            row["code"]: Municipality(row["code"], row["name_fi"], row["name_sv"])
            for row in csv.DictReader(lines)
        }


def municipality_name(code: str, language: str | None = None) -> str:
    """The official name of a code in the active language; "" for no or an unknown code."""
    municipality = municipalities().get(code or "")
    return municipality.name(language) if municipality else ""


def municipality_choices() -> list[tuple[str, str]]:
    """(code, name) for every municipality, in the order of the active language's names.
    A callable, so that model fields and forms read it at render time in the reader's
    language (and migrations do not copy 308 rows)."""
    language = get_language() or "fi"
    return sorted(
        ((code, m.name(language)) for code, m in municipalities().items()),
        key=lambda choice: choice[1],
    )


def code_for(text: str) -> str:
    """The code of a municipality given by its code or by its Finnish or Swedish name
    (any letter case); "" when it is none of them."""
    text = (text or "").strip()
    if text in municipalities():
        return text
    folded = text.casefold()
    for code, municipality in municipalities().items():
        if folded in (municipality.name_fi.casefold(), municipality.name_sv.casefold()):
            return code
    return ""


def validate_municipality(value: str) -> None:
    if value and value not in municipalities():
        raise ValidationError(
            _("Choose a municipality from the list."), code="invalid_municipality"
        )


def municipality_choices_with_blank() -> list[tuple[str, str]]:
    """The choices of a form's select: an empty first option, then every municipality."""
    return [("", "---------"), *municipality_choices()]


def municipality_codes_matching(text: str) -> list[str]:
    """The codes whose Finnish or Swedish name contains the text (a search box)."""
    folded = (text or "").strip().casefold()
    if not folded:
        return []
    return [
        code
        for code, m in municipalities().items()
        if folded in m.name_fi.casefold() or folded in m.name_sv.casefold()
    ]


CODE_SCHEMA = {
    "type": "string",
    "pattern": "^[0-9]{3}$",
    "description": "A municipality's three-digit code in Statistics Finland's classification "
    "(091 Helsinki, 564 Oulu); a code outside the list is refused with a field error.",
}


def codes_as_pattern(result: Any, generator: Any, request: Any, public: Any) -> Any:
    """drf-spectacular postprocessing hook: the 308 municipality codes become one string
    pattern in the API schema, in components and query parameters alike. The list is a
    code system, not an enumeration a client should copy; as enums it made the schema
    300 lines longer at every use and the fuzzer try every code of every field."""
    codes = set(municipalities())
    listed = re.compile(r"\n*^\* `[0-9]{3}` - .*$", re.MULTILINE)

    def rewrite(node: Any) -> None:
        if isinstance(node, dict):
            description = node.get("description")
            if isinstance(description, str) and len(listed.findall(description)) == len(codes):
                node["description"] = listed.sub("", description).strip()
            if set(node.get("enum") or ()) - {"", None} == codes:
                blank = "" in node["enum"]
                node.clear()
                node.update(CODE_SCHEMA)
                if blank:
                    node["pattern"] = "^([0-9]{3})?$"
                return
            if node.get("readOnly") and node.get("allOf") == [
                {"$ref": "#/components/schemas/MunicipalityEnum"}
            ]:
                # A code as the API writes it: the model field may be blank (an anonymous
                # request, a client whose municipality is not known), which the read-only
                # reference to the enum would not admit.
                del node["allOf"]
                node.update(type="string", pattern="^([0-9]{3})?$")
                return
            for value in node.values():
                rewrite(value)
        elif isinstance(node, list):
            for value in node:
                rewrite(value)

    rewrite(result)
    return result
