"""Every code name a person can see – a status, a kind, a reason, a role – has a label in
Finnish, Swedish and English. The test walks every choice of every model field and every
enumeration in the apps' modules, so a choice added tomorrow is checked too."""

import importlib
import inspect
import pkgutil
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import trans_real

OUR_APPS = [config.name for config in apps.get_app_configs() if not config.path.count("site-")]


def _modules():
    for name in [*OUR_APPS, "common"]:
        package = importlib.import_module(name)
        yield package
        if not hasattr(package, "__path__"):
            continue
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if ".tests" in info.name or ".migrations" in info.name:
                continue
            yield importlib.import_module(info.name)


def _enumerations() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in OUR_APPS:
            continue
        for field in model._meta.get_fields():
            choices = getattr(field, "choices", None)
            if choices:
                found.setdefault(f"{model._meta.label}.{field.name}", choices)
    for module in _modules():
        for name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, models.Choices) and value.__module__ == module.__name__:
                found.setdefault(f"{module.__name__}.{name}", value.choices)
            for inner_name, inner in inspect.getmembers(value, inspect.isclass):
                if issubclass(inner, models.Choices) and inner.__module__ == module.__name__:
                    found.setdefault(f"{module.__name__}.{name}.{inner_name}", inner.choices)
    return found


def _labels(choices) -> list[Any]:
    labels: list[Any] = []
    for _value, label in choices:
        if isinstance(label, list | tuple):  # grouped choices
            labels.extend(inner for _v, inner in label)
        else:
            labels.append(label)
    return labels


def _msgid(label: Promise) -> str:
    """The catalog key of a lazy label: the text, or "context\x04text" for pgettext."""
    args = label._args  # type: ignore[attr-defined]
    return "\x04".join(args) if len(args) == 2 else args[0]


# Not code names shown to people: municipalities are shown by their official names
# (common.municipalities), which are data; a submission key's state is never shown.
NOT_SHOWN = {"municipality", "idempotency.IdempotencyKey.state", "IdempotencyKey.State"}
ENUMERATIONS = {
    where: choices
    for where, choices in _enumerations().items()
    if not any(where.endswith(name) for name in NOT_SHOWN)
}


def test_the_walk_finds_the_enumerations():
    assert len(ENUMERATIONS) > 40
    assert "common.inbox.Kind" in ENUMERATIONS


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("where", sorted(ENUMERATIONS))
def test_every_choice_has_a_label_in_every_language(where, language):
    catalog = getattr(trans_real.translation(language), "_catalog")  # noqa: B009 - private
    missing = []
    for label in _labels(ENUMERATIONS[where]):
        if not isinstance(label, Promise):
            missing.append(f"{label!r} (not marked for translation)")
            continue
        msgid = _msgid(label)
        if not catalog.get(msgid):
            missing.append(repr(msgid))
    assert not missing, f"{where} has no {language} label for: {', '.join(missing)}"
