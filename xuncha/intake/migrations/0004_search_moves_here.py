"""ReportSearch moves here from triage with its table unchanged: state only. The table
(triage_reportsearch), SQLite's FTS5 table triage_reportsearch_fts with its triggers and
PostgreSQL's GIN index triage_reportsearch_tsv stay as triage 0001 made them."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0003_reply_tracking"),
        ("triage", "0003_reportsearch_to_intake"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReportSearch",
                    fields=[
                        ("report", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                                        related_name="search", serialize=False, to="intake.report")),
                        ("tokens", models.TextField()),
                    ],
                    options={"verbose_name": "全文索引", "verbose_name_plural": "全文索引", "db_table": "triage_reportsearch"},
                ),
            ],
            database_operations=[],
        ),
    ]
