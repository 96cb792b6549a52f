"""Every user-facing string is translated: fi, sv and en complete, nothing fuzzy."""

import shutil
import subprocess

import pytest
from django.conf import settings

LOCALE = settings.LOCALE_PATHS[0]


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_catalogue_is_complete(language):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (gettext) is needed to compile the catalogues"
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_translation_functions_are_called_by_names_makemessages_knows():
    """`makemessages` finds `_`, `gettext_lazy`, `pgettext_lazy`... by name: a string
    marked through another alias (`gettext_lazy as _lazy`) never reaches the catalogues
    and shows in English (the IPS benchmark levels did)."""
    import re

    root = settings.BASE_DIR
    alias = re.compile(r"from django\.utils\.translation import .*\b\w*gettext\w* as (?!_\b)\w+")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if ".venv" not in path.parts and alias.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_ips_benchmark_levels_are_translated():
    from django.utils import translation

    from metrics.summary import benchmark_level

    with translation.override("fi"):
        assert benchmark_level(55) == "erinomainen"
    with translation.override("sv"):
        assert benchmark_level(35) == "miniminivå"
