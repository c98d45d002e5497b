from django.db import migrations


def forwards(apps, schema_editor):
    from linli.cases.presets import ensure_presets

    ensure_presets(apps)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
