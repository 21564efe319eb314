"""The team's statistics from tallies instead of passes over the reports (issue 17: a statistics page
costs O(keys of one inspection), not O(reports)).

The database keeps them (xuncha/triage/tally_sql.py, migration 0005): every insert, update or delete of a
report, a subject, a triage row or a disposition appends +1/-1 rows in the same transaction, whoever
writes (services, bulk updates, raw SQL, cascades), so a count is never stale and never recomputed from
the reports. Rows are only ever appended — two intakes or two decisions never wait on a shared counter
row — and `compact` (a scheduled job every few minutes) folds an inspection's rows into one per key.
`recount` gives the same figures from the rows themselves (the tests compare both; `rebuild` puts the
tallies right should a trigger ever have been missing, e.g. after a restore without them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, Sum

from .models import CategoryTally, DayTally, DispositionTally, LabelTally, ReportTally
from .tally_sql import TALLY_TABLES, recount_sql

TALLIES: tuple[type[Model], ...] = (ReportTally, DayTally, LabelTally, CategoryTally, DispositionTally)
KEYS: dict[type[Model], tuple[str, ...]] = {
    ReportTally: ("status", "channel_kind", "in_window", "anonymous"),
    DayTally: ("day",),
    LabelTally: ("disciplines", "focuses", "scope"),
    CategoryTally: ("category",),
    DispositionTally: ("state",),
}


def rows(model: type[Model], inspection_id: int) -> list[dict[str, Any]]:
    """The inspection's counts per key (keys summing to zero left out)."""
    keys = KEYS[model]
    found = (model._default_manager.filter(inspection_id=inspection_id).order_by().values(*keys)
             .annotate(total=Sum("n")))
    return [{**{k: row[k] for k in keys}, "n": int(row["total"])} for row in found if row["total"]]


def days(inspection_id: int) -> list[dict[str, Any]]:
    out = []
    for row in sorted(rows(DayTally, inspection_id), key=lambda r: r["day"]):
        day = row["day"]
        out.append({"day": day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)), "count": row["n"]})
    return out


def compact(inspection_ids: list[int] | None = None) -> dict[str, int]:
    """Fold the tallies' rows into one per inspection and key (all inspections, or these). Safe beside
    concurrent writes: on PostgreSQL one statement deletes the rows it folds and inserts their sums, so a
    row appended meanwhile is left for next time and one folded by a concurrent compaction is not counted
    twice; SQLite has one writer at a time."""
    folded: dict[str, int] = {}
    ids = inspection_ids or []
    for model in TALLIES:
        table = model._meta.db_table
        keys = ", ".join(("inspection_id", *KEYS[model]))
        where = f" WHERE inspection_id IN ({', '.join(['%s'] * len(ids))})" if ids else ""
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"WITH gone AS (DELETE FROM {table}{where} RETURNING {keys}, n) "  # noqa: S608 - names, not values
                    f"INSERT INTO {table} ({keys}, n) SELECT {keys}, SUM(n) FROM gone GROUP BY {keys} HAVING SUM(n) <> 0", ids)
                folded[table] = cursor.rowcount
            else:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
                top = cursor.fetchone()[0]
                bound = f"{where} {'AND' if ids else 'WHERE'} id <= %s"
                cursor.execute(f"INSERT INTO {table} ({keys}, n) SELECT {keys}, SUM(n) FROM {table}{bound} "  # noqa: S608
                               f"GROUP BY {keys} HAVING SUM(n) <> 0", [*ids, top])
                folded[table] = cursor.rowcount
                cursor.execute(f"DELETE FROM {table}{bound}", [*ids, top])  # noqa: S608
    return folded


def compact_all() -> dict[str, int]:
    """The scheduled job (xuncha/scheduler/jobs.py)."""
    return compact()


def rebuild(inspection_ids: list[int] | None = None) -> None:
    """Recount the tallies (of these inspections, or all) from the rows, replacing what they held."""
    ids = inspection_ids or []
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # no change may commit between the delete and the recount
            cursor.execute("LOCK TABLE intake_report, intake_subject, triage_triage, triage_disposition IN SHARE MODE")
        for table in TALLY_TABLES:
            where = f" WHERE inspection_id IN ({', '.join(['%s'] * len(ids))})" if ids else ""
            cursor.execute(f"DELETE FROM {table}{where}", ids)  # noqa: S608
        for sql, params in recount_sql(connection.vendor, ids):
            cursor.execute(sql, params)
