import pytest
from django.core.management import CommandError, call_command

from coordination.models import Organization, User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_county_and_one_user_per_role(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert {
        "health_centre", "te_office", "municipal_employment", "kela", "typ", "ngo", "education"
    } <= kinds  # fmt: skip
    assert Organization.objects.filter(is_hub=True).count() == 1
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(User.Role.values)
    out = capsys.readouterr().out
    for user in User.objects.all():
        assert user.username in out
        assert user.check_password("Tyokyky-demo-2026")
    assert "Tyokyky-demo-2026" in out


def test_seed_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    before = (
        list(Organization.objects.values().order_by("pk")),
        list(User.objects.values().order_by("pk")),
    )
    call_command("seed_demo")
    after = (
        list(Organization.objects.values().order_by("pk")),
        list(User.objects.values().order_by("pk")),
    )
    assert before == after


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()
