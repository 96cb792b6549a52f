"""The client's municipality was typed freely; it becomes Statistics Finland's code. A
name in Finnish or Swedish (any letter case) finds its code; anything else is cleared,
and the cleared values are listed so that somebody can fix them by hand."""

from django.db import migrations

from common.municipalities import code_for


def names_to_codes(apps, schema_editor):
    client = apps.get_model("clients", "Client")
    unmatched = []
    for value in (
        client.objects.exclude(municipality="").values_list("municipality", flat=True).distinct()
    ):
        code = code_for(value)
        if code != value:
            client.objects.filter(municipality=value).update(municipality=code)
        if not code:
            unmatched.append(value)
    if unmatched:
        print(f"\n  Client: no municipality found for {len(unmatched)} value(s), cleared: "
              + ", ".join(repr(v) for v in sorted(unmatched)))


class Migration(migrations.Migration):
    dependencies = [('clients', '0009_health_check_lock_version')]

    operations = [migrations.RunPython(names_to_codes, migrations.RunPython.noop)]
