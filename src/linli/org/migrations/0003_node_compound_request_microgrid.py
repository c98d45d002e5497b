import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    """Each place's compound and the micro-grid a request about it goes to (what
    services.node_create and node_update keep from now on)."""
    Node = apps.get_model("org", "Node")
    nodes = list(Node.objects.order_by("path"))
    by_id = {n.pk: n for n in nodes}
    counts: dict[int, dict[int, int]] = {}
    for n in nodes:
        ids = [int(x) for x in n.path.strip("/").split("/") if x]
        n.compound_id = next((i for i in ids if i in by_id and by_id[i].kind == "compound"), None)
        n.request_microgrid_id = n.microgrid_id if n.kind == "household" else (n.pk if n.kind == "microgrid" else None)
        if n.kind == "household":
            for i in ids[:-1]:
                if i in by_id and by_id[i].kind in ("unit", "building", "group"):
                    per = counts.setdefault(i, {})
                    per[n.microgrid_id] = per.get(n.microgrid_id, 0) + 1
    for node_id, per in counts.items():
        by_id[node_id].request_microgrid_id = min(per, key=lambda mg: (-per[mg], mg))
    Node.objects.bulk_update(nodes, ["compound", "request_microgrid"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("org", "0002_role_and_account_events")]

    operations = [
        migrations.AddField(
            model_name="node", name="compound",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="org.node"),
        ),
        migrations.AddField(
            model_name="node", name="request_microgrid",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="org.node"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
