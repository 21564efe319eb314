"""Benchmark the dashboard's aggregates (统计看板) and the team's reply lists at scale, through the real selectors.

Run from the repository root::

    python bench/dashboard.py              # 1,000,000 reports in one inspection, PostgreSQL then SQLite
    python bench/dashboard.py --quick      # 100,000 reports
    python bench/dashboard.py --help       # --n --db --repeat --budget --rebuild --explain --workers --build-only

Data: the reports of bench/queue.py, built by its own generator and Builder (imported from that file,
not copied): N reports of one inspection with subjects, triage rows, search rows, dispositions,
referrals, clues, transfer batches and duplicate groups. Then, in one transaction, what the dashboard
reads beyond them:

- three more inspections of the same team in the same round (EXTRA_N reports each, same generator),
  so that the round page aggregates over four inspections;
- on every inspection of the round: the result due date of the real-name reports whose handling
  closed (their receipt due date comes from the Builder), replies (receipt notices for 85% of the
  real-name reports, results for 60% of the closed real-name and 30% of the closed anonymous ones),
  reasons why no reply is due (anonymous reports never looked up, real-name reports without contact),
  receipt-code look-ups;
- findings (40 per inspection, all four focus areas, most approved) and rectification items (3 per
  approved finding, every status, deadlines before and after "today").

"Today" is fixed at TODAY (a week after the inspection ended), so that due and overdue both occur.

With --from-queue, a database not built yet starts as a copy of bench/queue.py's finished database of
the same N (PostgreSQL: CREATE DATABASE ... TEMPLATE, which needs no session connected to it; SQLite: a
copy of its folder), the same data without building it again.

Databases: PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_dashboard; another
N than 1,000,000 appends _<N>) and SQLite (WAL) in var/bench/dashboard-<N>/, each created on first use
and kept (--rebuild drops it); each runs in its own subprocess.

Timed (median and p95 after one warm-up, up to --repeat runs or --budget seconds per case): the
per-inspection dashboard of the 1M inspection (team leader) and the per-round dashboard (office: all
four inspections; team leader: the team's), each with the cache cleared before every run and with the
60-second cache warm; the reply counts alone, and the first page of each tab of the team's reply list
(the page's rows; its count comes from the reply counts).
Baseline in the same run: ``SELECT COUNT(*) FROM intake_report WHERE inspection_id = %s`` (the big
inspection); the ratio column is case median / baseline median.
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# As bench/queue.py: this folder must not shadow the standard library's `queue`; the repository goes
# first, this folder last (for `import dedup`, which the queue generator uses).
sys.path[:] = [ROOT] + [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE] + [HERE]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from types import ModuleType  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402


def _load_queue_bench() -> ModuleType:
    """bench/queue.py under the name `bench_queue` (its own name is the standard library's `queue`).

    Registered in sys.modules at import time of this file, so that the processes its Builder spawns
    (which import this file again as __mp_main__) find its `generate` function by that name."""
    name = "bench_queue"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, "queue.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bq = _load_queue_bench()

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/bench_dashboard"
DEFAULT_N = 1_000_000
QUICK_N = 100_000
EXTRA_INSPECTIONS = 3
EXTRA_N = 20_000
TODAY = dt.date(2024, 6, 28)
FINDINGS = 40
FOCUS_WEIGHTS = {"policy": 0.2, "corruption": 0.4, "party_building": 0.25, "rectification": 0.15}
ITEM_STATUSES = ("not_started", "in_progress", "done", "signed_off", "long_term")
ITEM_STATUS_P = (0.1, 0.3, 0.15, 0.4, 0.05)
EXTRA_MARK = "压测问题底稿"


# --- data (child process, Django set up) -------------------------------------------------------------


def extras(n: int, workers: int) -> None:
    """What the dashboard reads beyond the queue bench's data (idempotent: skipped when present)."""
    from django.db import transaction

    from xuncha.inspections.models import Inspection
    from xuncha.rectification.models import Finding

    big = Inspection.objects.select_related("round", "team").get(target__name=bq.marker(n))
    if Finding.objects.filter(inspection=big, title__startswith=EXTRA_MARK).exists():
        return
    t0 = time.perf_counter()
    with transaction.atomic():
        inspections = [big] + [more_reports(big, k, n) for k in range(1, EXTRA_INSPECTIONS + 1)]
        for inspection in inspections:
            replies(inspection)
            findings(inspection)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"    [{connection.vendor}] dashboard data added in {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)


def more_reports(big: Any, k: int, n: int) -> Any:
    """Another inspection of the same team in the same round, with EXTRA_N reports of the queue generator."""
    from django.core.management.color import no_style
    from django.db import connection

    from xuncha.accounts.models import User
    from xuncha.inspections import services
    from xuncha.inspections.models import ReceivingBody
    from xuncha.intake.models import Report, Subject
    from xuncha.triage.models import Clue, Disposition, Referral

    office = User.objects.get(username="office")
    target = services.target_create(actor=office, name=f"压测同轮学院{k}党委（{n}件）")
    inspection = services.inspection_create(actor=office, round=big.round, team=big.team, target=target, start_date=bq.START,
                                            end_date=bq.END, intake_start=bq.START, intake_end=bq.INTAKE_END)
    for order, kind in enumerate(bq.CHANNELS):
        services.channel_save(actor=office, inspection=inspection, kind=kind, order=order,
                              value="" if kind in ("letterbox", "visit") else f"bench-{kind}",
                              location="行政楼一楼" if kind in ("letterbox", "visit") else "",
                              hours=[("workdays", dt.time(8, 30), dt.time(17, 30))] if kind in ("phone", "visit") else [])
    leader = User.objects.filter(roles__team=big.team, roles__role="team_leader").first()
    member = User.objects.filter(roles__team=big.team, roles__role="team_member").first()
    ctx = {"inspection": inspection, "leader": leader, "member": member, "bodies": list(ReceivingBody.objects.order_by("pk")),
           "channels": {c.kind: c.pk for c in inspection.channels.all()},
           "base": (Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1}
    arrays = bq.plan_arrays(EXTRA_N)
    builder = bq.Builder(EXTRA_N, 1)
    for start in range(0, EXTRA_N, bq.CHUNK):
        span = (start, min(start + bq.CHUNK, EXTRA_N))
        builder.insert(ctx, arrays, span, bq.generate(span))
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Report, Subject, Disposition, Referral, Clue]):
            cur.execute(sql)
    return inspection


def replies(inspection: Any) -> None:
    """Due dates, replies, reasons for no reply and look-ups, by set-based SQL (ids modulo 100 pick the share)."""
    from django.db import connection

    from xuncha.accounts.models import User

    leader = User.objects.filter(roles__team=inspection.team, roles__role="team_leader").values_list("pk", flat=True).first()
    pg = connection.vendor == "postgresql"
    closed = "status IN ('referred', 'transferred', 'filed', 'closed')"
    due = "(received_at AT TIME ZONE 'Asia/Shanghai')::date + 30" if pg else "date(received_at, '+8 hours', '+30 days')"
    insert = ("INSERT INTO intake_reply (report_id, kind, content, created_by_id, created_at) "
              "SELECT id, %s, %s, %s, received_at FROM intake_report WHERE inspection_id = %s AND ")
    with connection.cursor() as cur:
        cur.execute(f"UPDATE intake_report SET result_due = {due} WHERE inspection_id = %s AND anonymous = %s AND {closed}",
                    [inspection.pk, False])
        cur.execute(insert + "anonymous = %s AND id %% 100 < 85",
                    ["receipt", "您反映的问题已收到，巡察组已受理登记。", leader, inspection.pk, False])
        cur.execute(insert + f"anonymous = %s AND {closed} AND id %% 100 < 60",
                    ["result", "您反映的问题已办理完毕，办理结果如下。", leader, inspection.pk, False])
        cur.execute(insert + f"anonymous = %s AND {closed} AND id %% 100 < 30",
                    ["result", "您反映的问题已办理完毕，办理结果如下。", leader, inspection.pk, True])
        cur.execute(f"UPDATE intake_report SET reply_exempt = 'anonymous_unread', reply_exempt_note = '反映人未凭查询码查询' "
                    f"WHERE inspection_id = %s AND anonymous = %s AND {closed} AND id %% 100 BETWEEN 60 AND 79", [inspection.pk, True])
        cur.execute(f"UPDATE intake_report SET reply_exempt = 'no_contact', reply_exempt_note = '联系电话为空号' "
                    f"WHERE inspection_id = %s AND anonymous = %s AND {closed} AND id %% 100 >= 95", [inspection.pk, False])
        cur.execute("UPDATE intake_report SET last_lookup_at = received_at WHERE inspection_id = %s AND anonymous = %s "
                    "AND id %% 100 BETWEEN 80 AND 89", [inspection.pk, True])


def findings(inspection: Any) -> None:
    from xuncha.accounts.models import User
    from xuncha.rectification.models import Finding, RectificationItem

    leader = User.objects.filter(roles__team=inspection.team, roles__role="team_leader").first()
    rng = random.Random(inspection.pk)
    states = ["approved"] * 30 + ["submitted"] * 5 + ["draft"] * 5
    made = Finding.objects.bulk_create([
        Finding(inspection=inspection, number=i + 1, title=f"{EXTRA_MARK}{i + 1}", facts="经查，存在该问题。", rule_broken="违反有关规定。",
                focus=rng.choices(list(FOCUS_WEIGHTS), weights=list(FOCUS_WEIGHTS.values()))[0], state=states[i], created_by=leader)
        for i in range(FINDINGS)])
    approved = [f for f in Finding.objects.filter(inspection=inspection, state="approved").order_by("number")]
    assert len(made) == FINDINGS
    items: list[RectificationItem] = []
    for finding in approved:
        for _ in range(3):
            status = rng.choices(ITEM_STATUSES, weights=ITEM_STATUS_P)[0]
            items.append(RectificationItem(
                inspection=inspection, finding=finding, number=len(items) + 1, measures="制定整改措施，明确责任，限期完成。",
                responsible_leader="某某", responsible_dept="某部门", long_term=status == "long_term",
                deadline=None if status == "long_term" else TODAY + dt.timedelta(days=rng.randint(-60, 90)),
                status=status, signed_off_by=leader if status == "signed_off" else None))
    RectificationItem.objects.bulk_create(items)


# --- timing -------------------------------------------------------------------------------------------


def measure(n: int, repeat: int, budget: float, slow_ms: float, do_explain: bool) -> dict[str, Any]:
    from django.core.cache import cache
    from django.db import connection

    from xuncha.accounts.models import User
    from xuncha.dashboard.selectors import inspection_dashboard, round_dashboard
    from xuncha.inspections.models import Inspection
    from xuncha.intake.models import Report
    from xuncha.replies.selectors import TABS, reply_counts, reply_page

    big = Inspection.objects.select_related("team", "round").get(target__name=bq.marker(n))
    leader = User.objects.filter(roles__team=big.team, roles__role="team_leader").first()
    office = User.objects.get(username="office")
    assert leader is not None
    in_round = list(Inspection.objects.filter(round=big.round).values_list("pk", flat=True))
    reports = Report.objects.filter(inspection=big).count()
    round_reports = Report.objects.filter(inspection__round=big.round).count()
    results: dict[str, Any] = {"vendor": connection.vendor, "reports": reports, "round_reports": round_reports, "cases": []}

    def baseline() -> Any:
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM intake_report WHERE inspection_id = %s", [big.pk])
            return cur.fetchone()

    def run(label: str, fn: Callable[[], Any], what: Callable[[Any], str]) -> None:
        t = bq.timed(fn, repeat, budget)
        shown = what(fn())
        row = {"case": label, **t, "shown": shown}
        if t["median"] > slow_ms:
            row.update(bq.slowest_query(fn))
            if do_explain and connection.vendor == "postgresql":
                row["plan"] = bq.explain(row["sql"])
        results["cases"].append(row)
        print(f"    [{connection.vendor}] {label:<40} median {t['median']:9.2f} ms  p95 {t['p95']:9.2f} ms  ({t['runs']} runs) {shown}",
              file=sys.stderr, flush=True)

    def summary(f: dict[str, Any]) -> str:
        r, rect = f["replies"], f["rectification"]
        return (f"{f['reports']['total']:,} reports, {rect['signed_off']}/{rect['total']} items signed off, "
                f"replies overdue {r['receipt_overdue'] + r['result_overdue']:,}, unanswered {r['unanswered']:,}")

    def uncached(user: Any) -> Callable[[], Any]:
        def fn() -> Any:
            cache.clear()
            return round_dashboard(user=user, round=big.round, today=TODAY)
        return fn

    run("baseline: SELECT COUNT(*) (inspection)", baseline, lambda row: f"{row[0]:,} reports")
    def inspection_uncached() -> Any:
        cache.clear()
        return inspection_dashboard(user=leader, inspection=big, today=TODAY)

    run("inspection dashboard, uncached (leader)", inspection_uncached, lambda f: summary(f))
    run("inspection dashboard, cached (leader)", lambda: inspection_dashboard(user=leader, inspection=big, today=TODAY),
        lambda f: summary(f))
    run(f"round dashboard, uncached (office, {len(in_round)} insp.)", uncached(office), lambda f: summary(f["totals"]))
    run("round dashboard, uncached (leader)", uncached(leader), lambda f: summary(f["totals"]))
    cache.clear()
    run("round dashboard, cached (office)", lambda: round_dashboard(user=office, round=big.round, today=TODAY),
        lambda f: summary(f["totals"]))
    run("reply counts (one inspection)", lambda: reply_counts(inspection_ids=[big.pk], today=TODAY),
        lambda c: ", ".join(f"{k} {v:,}" for k, v in c[big.pk].items()))
    def page_of(tab: str) -> Callable[[], Any]:
        # As the page: the tab's count comes from the reply counts, computed once per page view (timed above).
        return lambda: reply_page(user=leader, inspection=big, tab=tab, number=1, count=0, today=TODAY)

    for tab in TABS:
        run(f"reply list page 1: {tab}", page_of(tab), lambda p: f"{len(p.items)} rows{', more' if p.has_next else ''}")
    return results


# --- processes ----------------------------------------------------------------------------------------


def child(vendor: str, n: int, args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from xuncha.inspections.models import Inspection

    call_command("migrate", verbosity=0)
    if Inspection.objects.filter(target__name__startswith=bq.BUILDING).exists():
        print(f"    [{vendor}] an interrupted build is in the database: starting over", file=sys.stderr, flush=True)
        raise SystemExit(bq.INCOMPLETE)
    if not Inspection.objects.filter(target__name=bq.marker(n)).exists():
        print(f"    [{vendor}] building {n:,} reports (bench/queue.py's Builder)", file=sys.stderr, flush=True)
        bq.Builder(n, args.workers).build()
    else:
        print(f"    [{vendor}] reusing the {n:,} reports already built (--rebuild to start over)", file=sys.stderr, flush=True)
    extras(n, args.workers)
    if args.build_only:
        return {"vendor": vendor, "reports": 0, "round_reports": 0, "cases": [], "db": ""}
    result = measure(n, args.repeat, args.budget, args.slow, args.explain)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_size_pretty(pg_database_size(current_database())), version()")
            size, version = cur.fetchone()
            cur.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'intake_report' ORDER BY indexname")
            result["indexes"] = [row[0] for row in cur.fetchall()]
            result["db"] = f"{version.split(' on ')[0]}, database {connection.settings_dict['NAME']} ({size})"
        else:
            import sqlite3

            path = Path(connection.settings_dict["NAME"])
            result["db"] = f"SQLite {sqlite3.sqlite_version} (WAL), {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} " \
                           f"({path.stat().st_size / 2**30:.1f} GB)"
    return result


def spawn(vendor: str, n: int, args: argparse.Namespace) -> dict[str, Any] | None:
    result = spawn_once(vendor, n, args)
    if result == bq.INCOMPLETE:
        result = spawn_once(vendor, n, argparse.Namespace(**{**vars(args), "rebuild": True}))
    return result if isinstance(result, dict) else None


def spawn_once(vendor: str, n: int, args: argparse.Namespace) -> dict[str, Any] | int:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="xuncha.settings", DEBUG="0", LOG_LEVEL="WARNING", PYTHONDONTWRITEBYTECODE="1")
    env.pop("REDIS_URL", None)  # the local-memory cache: the cached case measures this process, not a network hop
    suffix = "" if n == DEFAULT_N else f"_{n}"
    var = Path(ROOT) / "var" / "bench" / f"dashboard-{n}"
    if vendor == "postgresql":
        url = args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_PG
        url = bq.with_dbname(url, urlsplit(url).path.lstrip("/") + suffix)
        name = urlsplit(url).path.lstrip("/")
        if args.rebuild:
            bq.pg_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not bq.pg_exists(url):
            source = bq.with_dbname(url, urlsplit(bq.DEFAULT_PG).path.lstrip("/") + suffix)
            if args.from_queue and pg_built(source, n):
                # A file-level copy of the queue bench's finished database (no session may be connected to it).
                print(f"    [postgresql] copying {urlsplit(source).path.lstrip('/')} (the queue bench's data)", file=sys.stderr, flush=True)
                bq.pg_admin(url, f'CREATE DATABASE "{name}" TEMPLATE "{urlsplit(source).path.lstrip("/")}"')
                drop_extra_indexes(url)
            else:
                bq.pg_admin(url, f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = url
        env["XUNCHA_VAR_DIR"] = str(var / "pg")
    else:
        env.pop("DATABASE_URL", None)
        env["XUNCHA_VAR_DIR"] = str(var / "sqlite")
        if args.rebuild:
            shutil.rmtree(var / "sqlite", ignore_errors=True)
        source_dir = Path(ROOT) / "var" / "bench" / f"queue-{n}" / "sqlite"
        if args.from_queue and not (var / "sqlite" / "xuncha.sqlite3").exists() and sqlite_built(source_dir / "xuncha.sqlite3", n):
            print(f"    [sqlite] copying {source_dir.relative_to(ROOT)} (the queue bench's data)", file=sys.stderr, flush=True)
            shutil.rmtree(var / "sqlite", ignore_errors=True)
            shutil.copytree(source_dir, var / "sqlite")
    argv = [sys.executable, os.path.abspath(__file__), "--child", vendor, "--n", str(n), "--repeat", str(args.repeat),
            "--budget", str(args.budget), "--slow", str(args.slow), "--workers", str(args.workers)]
    argv += (["--explain"] if args.explain else []) + (["--build-only"] if args.build_only else [])
    proc = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        if proc.returncode != bq.INCOMPLETE:
            print(f"  {vendor}: failed (exit {proc.returncode})")
        return proc.returncode
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def pg_built(url: str, n: int) -> bool:
    """The queue bench's PostgreSQL database of this N exists and its build finished."""
    import psycopg

    if not bq.pg_exists(url):
        return False
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        try:
            return conn.execute("SELECT 1 FROM inspections_targetorg WHERE name = %s", [bq.marker(n)]).fetchone() is not None
        except psycopg.Error:
            return False


def drop_extra_indexes(url: str) -> None:
    """A copied database has the indexes of the migrations only: any index someone added by hand to the
    queue bench's database for an experiment (named tmp_*) is dropped from the copy."""
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        names = [row[0] for row in conn.execute(
            r"SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'tmp\_%' "
            r"AND tablename NOT LIKE 'tmp\_%' AND indexname NOT IN (SELECT conname FROM pg_constraint)")]
        for index in names:
            conn.execute(f'DROP INDEX "{index}"')
            print(f"    [postgresql] dropped index {index} (not from the migrations)", file=sys.stderr, flush=True)


def sqlite_built(path: Path, n: int) -> bool:
    import sqlite3

    if not path.exists():
        return False
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        try:
            return conn.execute("SELECT 1 FROM inspections_targetorg WHERE name = ?", [bq.marker(n)]).fetchone() is not None
        except sqlite3.Error:
            return False


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help=f"reports of the big inspection (default {DEFAULT_N:,}; --quick {QUICK_N:,})")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--db", default="postgresql,sqlite", help="postgresql, sqlite or both (comma-separated)")
    parser.add_argument("--database-url", default="", help=f"PostgreSQL server and database (default DATABASE_URL or {DEFAULT_PG})")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per case (after one warm-up)")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per case; at least 3 runs whatever it takes")
    parser.add_argument("--slow", type=float, default=bq.SLOW_MS, help="print the slowest statement of cases slower than this (ms)")
    parser.add_argument("--rebuild", action="store_true", help="drop the data of this N and build it again")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest statement of slow cases (PostgreSQL)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes generating and indexing texts")
    parser.add_argument("--build-only", action="store_true", help="build the data, time nothing")
    parser.add_argument("--from-queue", action="store_true",
                        help="start from a copy of bench/queue.py's finished database of the same N, when there is one, instead of building")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = args.n or (QUICK_N if args.quick else DEFAULT_N)
    if args.child:
        print(json.dumps(child(args.child, n, args)))
        return
    names = {"pg": "postgresql", "postgres": "postgresql", "postgresql": "postgresql", "sqlite": "sqlite"}
    vendors = [names[v.strip()] for v in args.db.split(",") if v.strip()]
    print(f"dashboard bench: {n:,} reports in one inspection + {EXTRA_INSPECTIONS} x {EXTRA_N:,} in the same round; today {TODAY}; "
          f"{args.repeat} runs per case (or {args.budget:.0f} s, at least 3); cpus={os.cpu_count()}")
    results = [r for v in vendors if (r := spawn(v, n, args)) is not None]
    if args.build_only:
        return
    for r in results:
        print(f"  {r['vendor']}: {r['db']}; {r['reports']:,} reports in the inspection, {r['round_reports']:,} in the round")
        if r.get("indexes"):
            print(f"    indexes on intake_report: {', '.join(r['indexes'])}")
    if results:
        bq.print_table(results, args.slow)


if __name__ == "__main__":
    main()
