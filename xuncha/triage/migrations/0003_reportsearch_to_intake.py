"""ReportSearch moves to intake (intake 0004) with its table unchanged: state only. The table
triage_reportsearch, SQLite's FTS5 table and triggers and PostgreSQL's GIN index stay as 0001 made them."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("triage", "0002_triage"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ReportSearch")],
            database_operations=[],
        ),
    ]
