"""Events are sealed into the chain after their transaction commits: `seq` (place in the chain), and an
empty `prev_hash`/`hash` until sealed. Every existing event is already linked: its seq is its rank by id."""

from django.db import migrations, models


def number_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    AuditEvent = apps.get_model("audit", "AuditEvent")
    if not AuditEvent.objects.exists():
        return
    table = schema_editor.quote_name(AuditEvent._meta.db_table)
    # One statement: seq = rank by id (UPDATE ... FROM: PostgreSQL, SQLite >= 3.33).
    schema_editor.execute(
        f"UPDATE {table} SET seq = r.n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM {table}) AS r"
        f" WHERE r.id = {table}.id")


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_keyed_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
    ]
