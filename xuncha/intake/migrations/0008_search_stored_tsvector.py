"""PostgreSQL: the search index's tsvector becomes a stored generated column (`tsv`) with the GIN index on
it, so that a row the index returns is checked against its stored vector instead of recomputing
to_tsvector over ~1 KB of tokens (bench/README.md: 食堂 at 1M reports 8 s -> a fraction of a second).
The column is not on the model: it is computed by PostgreSQL on every insert and update. SQLite keeps
its FTS5 table; nothing changes there."""

from django.db import migrations

# The old index goes first: adding a stored column rewrites the table and would rebuild it on the way.
FORWARD = [
    "DROP INDEX IF EXISTS triage_reportsearch_tsv",
    "ALTER TABLE triage_reportsearch ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', tokens)) STORED",
    "SET LOCAL maintenance_work_mem = '256MB'",
    "CREATE INDEX triage_reportsearch_tsv ON triage_reportsearch USING GIN (tsv)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS triage_reportsearch_tsv",
    "ALTER TABLE triage_reportsearch DROP COLUMN IF EXISTS tsv",
    "CREATE INDEX triage_reportsearch_tsv ON triage_reportsearch USING GIN (to_tsvector('simple', tokens))",
]


def run(statements: list[str]):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
    return apply


class Migration(migrations.Migration):

    dependencies = [("intake", "0007_attachments_sealed_ocr")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
