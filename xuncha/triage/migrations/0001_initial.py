import django.db.models.deletion
from django.db import migrations, models

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE triage_reportsearch_fts USING fts5(tokens, content='triage_reportsearch', "
    "content_rowid='report_id', tokenize='unicode61')",
    "CREATE TRIGGER triage_reportsearch_ai AFTER INSERT ON triage_reportsearch BEGIN "
    "INSERT INTO triage_reportsearch_fts(rowid, tokens) VALUES (new.report_id, new.tokens); END",
    "CREATE TRIGGER triage_reportsearch_ad AFTER DELETE ON triage_reportsearch BEGIN "
    "INSERT INTO triage_reportsearch_fts(triage_reportsearch_fts, rowid, tokens) VALUES ('delete', old.report_id, old.tokens); END",
    "CREATE TRIGGER triage_reportsearch_au AFTER UPDATE ON triage_reportsearch BEGIN "
    "INSERT INTO triage_reportsearch_fts(triage_reportsearch_fts, rowid, tokens) VALUES ('delete', old.report_id, old.tokens); "
    "INSERT INTO triage_reportsearch_fts(rowid, tokens) VALUES (new.report_id, new.tokens); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS triage_reportsearch_au",
    "DROP TRIGGER IF EXISTS triage_reportsearch_ad",
    "DROP TRIGGER IF EXISTS triage_reportsearch_ai",
    "DROP TABLE IF EXISTS triage_reportsearch_fts",
]
PG_FORWARD = ["CREATE INDEX triage_reportsearch_tsv ON triage_reportsearch USING GIN (to_tsvector('simple', tokens))"]
PG_BACKWARD = ["DROP INDEX IF EXISTS triage_reportsearch_tsv"]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = SQLITE_FORWARD if schema_editor.connection.vendor == "sqlite" else PG_FORWARD
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = SQLITE_BACKWARD if schema_editor.connection.vendor == "sqlite" else PG_BACKWARD
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    initial = True

    dependencies = [("intake", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="ReportSearch",
            fields=[
                ("report", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                                related_name="search", serialize=False, to="intake.report")),
                ("tokens", models.TextField()),
            ],
            options={"verbose_name": "全文索引", "verbose_name_plural": "全文索引"},
        ),
        migrations.RunPython(forward, backward),
    ]
