"""The SQL that keeps the tallies (models ReportTally, DayTally, LabelTally, CategoryTally,
DispositionTally): triggers on intake_report, intake_subject, triage_triage and triage_disposition
that append +1/-1 rows in the transaction of the change, and the recount that fills them from the
rows as they are (migration 0005; `tallies.rebuild`). Kept apart from the migration so that the tests and
the rebuild use the very same statements.

Days are in the product's time zone, Asia/Shanghai: PostgreSQL converts with the time-zone database;
SQLite adds eight hours (the zone's offset since 1991; no report is older).
"""

# ruff: noqa: S608 - the statements are built from fixed table and column names; no value is interpolated

from __future__ import annotations

TALLY_TABLES = ("triage_reporttally", "triage_daytally", "triage_labeltally", "triage_categorytally", "triage_dispositiontally")

# --- the recount (both databases; DAY is the vendor's local-date expression of a column) ----------------


def recount_sql(vendor: str, inspection_ids: list[int] | None = None) -> list[tuple[str, list[int]]]:
    """INSERT ... SELECT statements recounting the tallies (of some inspections, or all) from the rows."""
    day = ("(r.received_at AT TIME ZONE 'Asia/Shanghai')::date" if vendor == "postgresql"
           else "date(r.received_at, '+8 hours')")
    ids = inspection_ids or []
    marks = ", ".join(["%s"] * len(ids))

    def where(column: str) -> str:
        return f" WHERE {column} IN ({marks})" if ids else ""

    return [
        ("INSERT INTO triage_reporttally (inspection_id, status, channel_kind, in_window, anonymous, n) "
         "SELECT r.inspection_id, r.status, r.channel_kind, r.in_window, r.anonymous, COUNT(*) FROM intake_report r"
         + where("r.inspection_id") + " GROUP BY r.inspection_id, r.status, r.channel_kind, r.in_window, r.anonymous", ids),
        (f"INSERT INTO triage_daytally (inspection_id, day, n) SELECT r.inspection_id, {day}, COUNT(*) FROM intake_report r"
         + where("r.inspection_id") + f" GROUP BY r.inspection_id, {day}", ids),
        ("INSERT INTO triage_labeltally (inspection_id, disciplines, focuses, scope, n) "
         "SELECT t.inspection_id, t.disciplines, t.focuses, t.scope, COUNT(*) FROM triage_triage t"
         + where("t.inspection_id") + " GROUP BY t.inspection_id, t.disciplines, t.focuses, t.scope", ids),
        ("INSERT INTO triage_categorytally (inspection_id, category, n) SELECT inspection_id, category, COUNT(*) FROM "
         "(SELECT DISTINCT r.inspection_id, s.report_id, s.category FROM intake_subject s JOIN intake_report r ON r.id = s.report_id"
         + where("r.inspection_id") + ") c GROUP BY inspection_id, category", ids),
        ("INSERT INTO triage_categorytally (inspection_id, category, n) SELECT r.inspection_id, '', COUNT(DISTINCT s.report_id) "
         "FROM intake_subject s JOIN intake_report r ON r.id = s.report_id" + where("r.inspection_id") + " GROUP BY r.inspection_id", ids),
        ("INSERT INTO triage_dispositiontally (inspection_id, state, n) SELECT r.inspection_id, d.state, COUNT(*) "
         "FROM triage_disposition d JOIN intake_report r ON r.id = d.report_id" + where("r.inspection_id")
         + " GROUP BY r.inspection_id, d.state", ids),
    ]


# --- SQLite triggers ------------------------------------------------------------------------------------


def _sqlite_report(row: str, sign: str) -> str:
    return (f"INSERT INTO triage_reporttally (inspection_id, status, channel_kind, in_window, anonymous, n) VALUES "
            f"({row}.inspection_id, {row}.status, {row}.channel_kind, {row}.in_window, {row}.anonymous, {sign}1); ")


def _sqlite_day(row: str, sign: str) -> str:
    return (f"INSERT INTO triage_daytally (inspection_id, day, n) VALUES "
            f"({row}.inspection_id, date({row}.received_at, '+8 hours'), {sign}1); ")


def _sqlite_label(row: str, sign: str) -> str:
    return (f"INSERT INTO triage_labeltally (inspection_id, disciplines, focuses, scope, n) VALUES "
            f"({row}.inspection_id, {row}.disciplines, {row}.focuses, {row}.scope, {sign}1); ")


def _sqlite_category(row: str, sign: str) -> str:
    """The subject `row` makes (or made) its report count in its category, and among reports with subjects,
    unless another subject of the report already does."""
    return (f"INSERT INTO triage_categorytally (inspection_id, category, n) SELECT r.inspection_id, {row}.category, {sign}1 "
            f"FROM intake_report r WHERE r.id = {row}.report_id AND NOT EXISTS (SELECT 1 FROM intake_subject s "
            f"WHERE s.report_id = {row}.report_id AND s.category = {row}.category AND s.id <> {row}.id); "
            f"INSERT INTO triage_categorytally (inspection_id, category, n) SELECT r.inspection_id, '', {sign}1 "
            f"FROM intake_report r WHERE r.id = {row}.report_id AND NOT EXISTS (SELECT 1 FROM intake_subject s "
            f"WHERE s.report_id = {row}.report_id AND s.id <> {row}.id); ")


def _sqlite_disposition(row: str, sign: str) -> str:
    return (f"INSERT INTO triage_dispositiontally (inspection_id, state, n) SELECT r.inspection_id, {row}.state, {sign}1 "
            f"FROM intake_report r WHERE r.id = {row}.report_id; ")


def _sqlite_categories_moved(row: str, sign: str) -> str:
    """A report moved to another inspection takes its categories and dispositions along."""
    return (f"INSERT INTO triage_categorytally (inspection_id, category, n) SELECT {row}.inspection_id, category, {sign}1 "
            f"FROM (SELECT DISTINCT category FROM intake_subject WHERE report_id = new.id) moved; "
            f"INSERT INTO triage_categorytally (inspection_id, category, n) SELECT {row}.inspection_id, '', {sign}1 "
            f"WHERE EXISTS (SELECT 1 FROM intake_subject WHERE report_id = new.id); "
            f"INSERT INTO triage_dispositiontally (inspection_id, state, n) SELECT {row}.inspection_id, state, {sign}1 "
            f"FROM triage_disposition WHERE report_id = new.id; ")


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)


def _sqlite_triggers() -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER statement) of every SQLite trigger."""
    report_keys = ("inspection_id", "status", "channel_kind", "in_window", "anonymous")
    label_keys = ("inspection_id", "disciplines", "focuses", "scope")
    out = []

    def trigger(name: str, event: str, table: str, body: str, when: str = "") -> None:
        out.append((name, f"CREATE TRIGGER {name} AFTER {event} ON {table}{' WHEN ' + when if when else ''} BEGIN {body}END"))

    trigger("tally_report_ins", "INSERT", "intake_report", _sqlite_report("new", "+") + _sqlite_day("new", "+"))
    trigger("tally_report_del", "DELETE", "intake_report", _sqlite_report("old", "-") + _sqlite_day("old", "-"))
    trigger("tally_report_upd", f"UPDATE OF {', '.join(report_keys)}", "intake_report",
            _sqlite_report("old", "-") + _sqlite_report("new", "+"), _changed(report_keys))
    trigger("tally_day_upd", "UPDATE OF inspection_id, received_at", "intake_report",
            _sqlite_day("old", "-") + _sqlite_day("new", "+"),
            "old.inspection_id IS NOT new.inspection_id OR date(old.received_at, '+8 hours') IS NOT date(new.received_at, '+8 hours')")
    trigger("tally_report_moved", "UPDATE OF inspection_id", "intake_report",
            _sqlite_categories_moved("old", "-") + _sqlite_categories_moved("new", "+"), "old.inspection_id IS NOT new.inspection_id")
    trigger("tally_label_ins", "INSERT", "triage_triage", _sqlite_label("new", "+"))
    trigger("tally_label_del", "DELETE", "triage_triage", _sqlite_label("old", "-"))
    trigger("tally_label_upd", f"UPDATE OF {', '.join(label_keys)}", "triage_triage",
            _sqlite_label("old", "-") + _sqlite_label("new", "+"), _changed(label_keys))
    trigger("tally_category_ins", "INSERT", "intake_subject", _sqlite_category("new", "+"))
    trigger("tally_category_del", "DELETE", "intake_subject", _sqlite_category("old", "-"))
    trigger("tally_category_upd", "UPDATE OF report_id, category", "intake_subject",
            _sqlite_category("old", "-") + _sqlite_category("new", "+"), _changed(("report_id", "category")))
    trigger("tally_disposition_ins", "INSERT", "triage_disposition", _sqlite_disposition("new", "+"))
    trigger("tally_disposition_del", "DELETE", "triage_disposition", _sqlite_disposition("old", "-"))
    trigger("tally_disposition_upd", "UPDATE OF report_id, state", "triage_disposition",
            _sqlite_disposition("old", "-") + _sqlite_disposition("new", "+"), _changed(("report_id", "state")))
    return out


# --- PostgreSQL triggers: one function per table --------------------------------------------------------

PG_DAY = "({row}.received_at AT TIME ZONE 'Asia/Shanghai')::date"


def _pg_function(name: str, old_part: str, new_part: str, same: str) -> str:
    """A row trigger function: on DELETE the old row's -1, on INSERT the new row's +1, on UPDATE both unless
    `same` (the keys did not change)."""
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'UPDATE' AND ({same}) THEN RETURN NULL; END IF; "
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {old_part} END IF; "
            f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {new_part} END IF; "
            f"RETURN NULL; END $$")


def _same(columns: tuple[str, ...]) -> str:
    return " AND ".join(f"OLD.{c} IS NOT DISTINCT FROM NEW.{c}" for c in columns)


def _pg_report(row: str, sign: str) -> str:
    return (_sqlite_report(row, sign)
            + f"IF TG_OP <> 'UPDATE' OR OLD.inspection_id IS DISTINCT FROM NEW.inspection_id "
              f"OR {PG_DAY.format(row='OLD')} IS DISTINCT FROM {PG_DAY.format(row='NEW')} THEN "
              f"INSERT INTO triage_daytally (inspection_id, day, n) VALUES ({row}.inspection_id, {PG_DAY.format(row=row)}, {sign}1); "
              f"END IF; "
            + f"IF TG_OP = 'UPDATE' AND OLD.inspection_id IS DISTINCT FROM NEW.inspection_id THEN "
              f"{_sqlite_categories_moved(row, sign)}END IF; ")


def _pg_category_sql(op: str) -> str:
    """PostgreSQL fires row triggers after the whole statement (a registration inserts its subjects in one
    statement), so a row cannot tell whether it is its report's first subject of a category: the subjects'
    trigger is per statement, over its transition tables. Per (report, category) and per report touched:
    now = subjects there now, before = now - inserted + deleted; the count changes when one of them is zero
    and the other not."""
    empty = "SELECT NULL::bigint AS report_id, NULL::varchar AS category WHERE false"
    old = "SELECT report_id, category FROM old_rows" if op in ("DELETE", "UPDATE") else empty
    new = "SELECT report_id, category FROM new_rows" if op in ("INSERT", "UPDATE") else empty
    parts = []
    for label, key, match in (("category", "report_id, category", "s.report_id = k.report_id AND s.category = k.category"),
                              ("''", "report_id", "s.report_id = k.report_id")):
        parts.append(
            f"WITH o AS (SELECT {key}, COUNT(*) AS c FROM ({old}) x GROUP BY {key}), "
            f"nw AS (SELECT {key}, COUNT(*) AS c FROM ({new}) y GROUP BY {key}), "
            f"k AS (SELECT {key} FROM o UNION SELECT {key} FROM nw), "
            f"f AS (SELECT k.*, (SELECT COUNT(*) FROM intake_subject s WHERE {match}) AS now, COALESCE(o.c, 0) AS oc, "
            f"COALESCE(nw.c, 0) AS nc FROM k LEFT JOIN o USING ({key}) LEFT JOIN nw USING ({key})) "
            f"INSERT INTO triage_categorytally (inspection_id, category, n) "
            f"SELECT r.inspection_id, {'f.category' if label == 'category' else label}, "
            f"(CASE WHEN f.now > 0 THEN 1 ELSE 0 END) - (CASE WHEN f.now - f.nc + f.oc > 0 THEN 1 ELSE 0 END) "
            f"FROM f JOIN intake_report r ON r.id = f.report_id WHERE (f.now > 0) <> (f.now - f.nc + f.oc > 0); ")
    return "".join(parts)


def _pg_category_statements() -> list[str]:
    body = " ".join(f"IF TG_OP = '{op}' THEN {_pg_category_sql(op)}END IF;" for op in ("INSERT", "UPDATE", "DELETE"))
    out = [f"CREATE OR REPLACE FUNCTION tally_category() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"]
    for op, tables in (("INSERT", "NEW TABLE AS new_rows"), ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                       ("DELETE", "OLD TABLE AS old_rows")):
        out.append(f"CREATE TRIGGER tally_category_{op.lower()} AFTER {op} ON intake_subject REFERENCING {tables} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION tally_category()")
    return out


def _pg_statements() -> list[str]:
    report_keys = ("inspection_id", "status", "channel_kind", "in_window", "anonymous", "received_at")
    label_keys = ("inspection_id", "disciplines", "focuses", "scope")
    # TG_OP-guarded parts reference OLD/NEW only where they exist (plpgsql resolves them at run time).
    report_old = _pg_report("OLD", "-").replace("NEW.id", "OLD.id")
    tables = [
        ("intake_report", "tally_report", report_old, _pg_report("NEW", "+"), _same(report_keys)),
        ("triage_triage", "tally_label", _sqlite_label("OLD", "-"), _sqlite_label("NEW", "+"), _same(label_keys)),
        ("triage_disposition", "tally_disposition", _sqlite_disposition("OLD", "-"), _sqlite_disposition("NEW", "+"),
         _same(("report_id", "state"))),
    ]
    out = []
    for table, name, old_part, new_part, same in tables:
        out.append(_pg_function(name, old_part, new_part, same))
        out.append(f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")
    return out + _pg_category_statements()


PG_DROP = [f"DROP TRIGGER IF EXISTS {name} ON {table}" for table, name in (
    ("intake_report", "tally_report"), ("triage_triage", "tally_label"), ("intake_subject", "tally_category_insert"),
    ("intake_subject", "tally_category_update"), ("intake_subject", "tally_category_delete"),
    ("triage_disposition", "tally_disposition"))] + [
    f"DROP FUNCTION IF EXISTS {name}()" for name in ("tally_report", "tally_label", "tally_category", "tally_disposition")]


def create_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return _pg_statements()
    return [sql for _, sql in _sqlite_triggers()]


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return PG_DROP
    return [f"DROP TRIGGER IF EXISTS {name}" for name, _ in _sqlite_triggers()]
