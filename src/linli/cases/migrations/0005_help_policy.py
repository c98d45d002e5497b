from django.db import migrations


def forwards(apps, schema_editor):
    """The mutual-help policy (presets.HELP_POLICY); ensure_presets changes nothing else."""
    from linli.cases.presets import ensure_presets

    ensure_presets(apps)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_resident_updates")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
