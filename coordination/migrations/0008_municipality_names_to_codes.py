"""Municipalities were typed freely; they become Statistics Finland's codes. A name in
Finnish or Swedish (any letter case) finds its code; anything else is cleared, and the
cleared values are listed so that somebody can fix them by hand."""

from django.db import migrations

from common.municipalities import code_for


def names_to_codes(apps, schema_editor, models=("Organization", "ConsultationRequest")):
    unmatched = {}
    for name in models:
        model = apps.get_model("coordination", name)
        for value in model.objects.exclude(municipality="").values_list(
            "municipality", flat=True
        ).distinct():
            code = code_for(value)
            if code != value:
                model.objects.filter(municipality=value).update(municipality=code)
            if not code:
                unmatched.setdefault(name, []).append(value)
    for name, values in unmatched.items():
        print(f"\n  {name}: no municipality found for {len(values)} value(s), cleared: "
              + ", ".join(repr(v) for v in sorted(values)))


class Migration(migrations.Migration):
    dependencies = [('coordination', '0007_consultation_lock_version')]

    operations = [migrations.RunPython(names_to_codes, migrations.RunPython.noop)]
