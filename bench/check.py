"""`make bench-check SCALE=N`: the performance goals of issue 17, checked at N reports on both databases.

Prints one JSON line per workload and database::

    {"workload": "search:食堂", "db": "postgresql", "p50_ms": ..., "p95_ms": ..., "baseline_ms": ..., "goal_ms": 100, "ok": true}

then one summary line. Workloads (names start with their family):

- filters:<filters> and search:<words>: one page of the team's work queue as the view computes it
  (xuncha.triage.selectors.queue + queue_rows + xuncha.paging.paginate + groups_for) in the hot
  inspection (N/10 reports), goal p95 < 100 ms; baseline: `SELECT id ... ORDER BY received_at DESC LIMIT 51`
  of the same inspection;
- statistics:team and dashboard:inspection / dashboard:round, computed (their caches cleared before
  each run), goal p95 < 300 ms; same baseline;
- intake:saturation (equivalent per-request ms = 1000 / req/s; baseline the durable one-row insert view,
  goal 2x it, i.e. at least half its throughput) and intake:open-50/s (p99 as p95_ms, goal 100 ms), from
  bench/intake.py run in the same invocation (PostgreSQL with Redis and a Celery worker; SQLite embedded);
- triage:per-report: the time per report draining the backlog left after intake's load (goal 20 ms): the
  Celery worker's on PostgreSQL, the gunicorn workers' drain threads' on SQLite (issue 17: no triage in
  the request in either deployment).

Data: bench/bulkdata.py (deployment-shaped: ~2,000 inspections per 1M reports in 8 rounds, a hot
inspection of N/10) in a fresh database: PostgreSQL `xuncha_bench_perf_check_<N>` (on DATABASE_URL's
server, default 127.0.0.1), SQLite in a temporary folder. Both are dropped at the end unless --keep
(then --reuse measures them again without building).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
PAGE_GOAL, ANALYTIC_GOAL, TRIAGE_GOAL, OPEN_LOOP_GOAL = 100.0, 300.0, 20.0, 100.0

FILTERS: list[tuple[str, dict[str, str], int]] = [
    ("filters:none", {}, 1),
    ("filters:status", {"status": "accepted"}, 1),
    ("filters:channel", {"channel": "letterbox"}, 1),
    ("filters:discipline=political", {"discipline": "political"}, 1),
    ("filters:focus=rectification", {"focus": "rectification"}, 1),
    ("filters:category", {"category": "subordinate_head"}, 1),
    ("filters:scope=in", {"scope": "in"}, 1),
    ("filters:window=out", {"window": "out"}, 1),
    ("filters:real_name", {"real_name": "yes"}, 1),
    ("filters:group=any", {"group": "any"}, 1),
    ("filters:pending", {"pending": "yes"}, 1),
    ("filters:status+channel+discipline", {"status": "registered", "channel": "online", "discipline": "integrity"}, 1),
    ("filters:scope+category+real_name+window", {"scope": "in", "category": "leadership", "real_name": "yes", "window": "in"}, 1),
    ("filters:focus+group+sort=old", {"focus": "corruption", "group": "any", "sort": "old"}, 1),
    ("filters:page=200", {}, 200),
    ("search:食堂", {"q": "食堂"}, 1),
    ("search:招生", {"q": "招生"}, 1),
    ("search:职称", {"q": "职称"}, 1),
    ("search:采购", {"q": "采购"}, 1),
    ("search:食堂 采购", {"q": "食堂 采购"}, 1),
    ("search:职称+status", {"q": "职称", "status": "registered"}, 1),
]


def timed(fn: Callable[[], Any], repeat: int, budget: float) -> tuple[float, float]:
    fn()  # warm-up: plans, caches, pages of the tables
    times: list[float] = []
    began = time.perf_counter()
    while len(times) < repeat and (len(times) < 3 or time.perf_counter() - began < budget):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return statistics.median(times), p95


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# --- the child: one database ----------------------------------------------------------------------------


def child(vendor: str, n: int, args: argparse.Namespace) -> list[dict[str, Any]]:
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    sys.path.insert(0, str(HERE))
    import bulkdata

    from xuncha.accounts.models import User
    from xuncha.dashboard.selectors import inspection_dashboard, round_dashboard
    from xuncha.inspections.models import Inspection, Round
    from xuncha.paging import paginate
    from xuncha.triage.selectors import QueueFilters, groups_for, queue, queue_rows, team_statistics

    marker = Path(args.state) / f"built-{vendor}.json"
    call_command("migrate", verbosity=0)  # a kept database is brought to the code's migrations before measuring
    call_command("createcachetable", verbosity=0)
    if args.reuse and marker.exists():
        built = bulkdata.Built(**json.loads(marker.read_text()))
        print(f"  [{vendor}] reusing {built.reports:,} reports", file=sys.stderr, flush=True)
    else:
        built = bulkdata.build(n)
        marker.write_text(json.dumps(built.__dict__))
        print(f"  [{vendor}] built {n:,} reports in {built.seconds:.0f} s", file=sys.stderr, flush=True)

    hot = Inspection.objects.select_related("team").get(pk=built.hot_inspection)
    leader = User.objects.get(username=built.leader)
    office = User.objects.get(username=built.office)
    rnd = Round.objects.get(pk=built.hot_round)
    out: list[dict[str, Any]] = []

    def baseline() -> Any:
        with connection.cursor() as cur:
            cur.execute("SELECT id FROM intake_report WHERE inspection_id = %s ORDER BY received_at DESC LIMIT 51", [hot.pk])
            return cur.fetchall()

    base50, _ = timed(baseline, args.repeat, args.budget)

    def record(workload: str, fn: Callable[[], Any], goal: float) -> None:
        p50, p95 = timed(fn, args.repeat, args.budget)
        row = {"workload": workload, "db": vendor, "p50_ms": round(p50, 2), "p95_ms": round(p95, 2), "baseline_ms": round(base50, 3),
               "goal_ms": goal, "ok": p95 < goal}
        out.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)

    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    for label, params, number in FILTERS:
        if wanted and not any(w in label for w in wanted):
            continue
        filters = QueueFilters.from_query(params)

        def page(filters: QueueFilters = filters, number: int = number) -> Any:
            # As xuncha.triage.views.reports.render_queue computes it: no count, the wide rows by a deferred join.
            result = paginate(queue(user=leader, inspection=hot, filters=filters), number, count=False, wide=queue_rows)
            groups_for(result.items)
            return result

        record(label, page, PAGE_GOAL)

    def computed(fn: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            cache.clear()
            return fn()
        return run

    for label, fn in (("statistics:team", lambda: team_statistics(user=leader, inspection=hot)),
                      ("dashboard:inspection", lambda: inspection_dashboard(user=office, inspection=hot)),
                      ("dashboard:round", lambda: round_dashboard(user=office, round=rnd))):
        if wanted and not any(w in label for w in wanted):
            continue
        record(label, computed(fn), ANALYTIC_GOAL)
    return out


# --- the parent ----------------------------------------------------------------------------------------


def with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(with_dbname(url, "postgres"), autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def intake_rows(vendor: str, args: argparse.Namespace, state: Path) -> list[dict[str, Any]]:
    """bench/intake.py on its own throwaway database, figures turned into workload lines."""
    out_file = state / f"intake-{vendor}.json"
    cmd = [sys.executable, str(HERE / "intake.py"), "--json", str(out_file), "--seconds", str(args.intake_seconds),
           "--rounds", "1", "--rates", "25,50,100", "--db", "postgres" if vendor == "postgresql" else "sqlite"]
    if vendor == "postgresql":
        cmd += ["--database-url", args.database_url]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    sys.stderr.write(proc.stdout[-3000:])
    if not out_file.exists():
        sys.stderr.write(proc.stderr[-3000:])
        return []
    data = json.loads(out_file.read_text())
    sat, open50 = data["saturation"], data["open_loop"]
    rows = []
    per = 1000 / max(sat["intake"]["rps"], 1e-9)
    base = 1000 / max(sat["insert"]["rps"], 1e-9)
    rows.append({"workload": "intake:saturation", "db": vendor, "p50_ms": round(per, 2), "p95_ms": round(per, 2),
                 "baseline_ms": round(base, 2), "goal_ms": round(2 * base, 2), "ok": per <= 2 * base})
    if "50" in open50["intake"]:
        o, b = open50["intake"]["50"], open50["insert"]["50"]
        rows.append({"workload": "intake:open-50/s", "db": vendor, "p50_ms": round(o["p50_ms"], 2), "p95_ms": round(o["p99_ms"], 2),
                     "baseline_ms": round(b["p99_ms"], 2), "goal_ms": OPEN_LOOP_GOAL,
                     "ok": o["p99_ms"] < OPEN_LOOP_GOAL and o["errors"] == 0})
    t = data["triage"]
    if t["inline"]:
        rows.append({"workload": "triage:in-request", "db": vendor, "p50_ms": None, "p95_ms": None,
                     "baseline_ms": None, "goal_ms": 0.0, "ok": False, "note": "triage runs inline in the request (embedded)"})
    else:
        backlog = t.get("backlog") or 0
        per_report = t["drain_s"] * 1000 / backlog if backlog >= 20 else None
        rows.append({"workload": "triage:per-report", "db": vendor, "p50_ms": per_report and round(per_report, 2),
                     "p95_ms": per_report and round(per_report, 2), "baseline_ms": None, "goal_ms": TRIAGE_GOAL,
                     "ok": per_report is not None and per_report < TRIAGE_GOAL,
                     "note": f"backlog of {backlog} reports after the load drained in {t['drain_s']:.1f} s"})
    for r in rows:  # no NaN in JSON: a phase without a single answer has no latency
        for key in ("p50_ms", "p95_ms", "baseline_ms"):
            if isinstance(r[key], float) and r[key] != r[key]:
                r[key] = None
        r["ok"] = bool(r["ok"]) and r["p95_ms"] is not None
        print(json.dumps(r, ensure_ascii=False), flush=True)
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--scale", type=int, default=1_000_000, help="reports in all (default 1,000,000)")
    p.add_argument("--db", default="postgresql,sqlite")
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_PG, help="the PostgreSQL server")
    p.add_argument("--repeat", type=int, default=15, help="timed runs per workload after a warm-up (default 15)")
    p.add_argument("--budget", type=float, default=10.0, help="seconds per workload; at least 3 runs (default 10)")
    p.add_argument("--only", default="", help="workloads whose name contains one of these (comma-separated)")
    p.add_argument("--no-intake", action="store_true", help="skip the intake and triage workloads (bench/intake.py)")
    p.add_argument("--intake-seconds", type=float, default=15.0)
    p.add_argument("--keep", action="store_true", help="keep the databases (and --state) for a later --reuse")
    p.add_argument("--reuse", action="store_true", help="measure the databases a --keep run left (same --state)")
    p.add_argument("--state", default="", help="folder of the SQLite database and build markers (default: a temp folder)")
    p.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = p.parse_args()
    n = args.scale
    if args.child:
        print("@@rows " + json.dumps(child(args.child, n, args), ensure_ascii=False))
        return 0
    state = Path(args.state) if args.state else Path(tempfile.mkdtemp(prefix=f"xuncha-bench-check-{n}-"))
    state.mkdir(parents=True, exist_ok=True)
    args.state = str(state)
    pg_name = f"xuncha_bench_perf_check_{n}"
    vendors = [v.strip() for v in args.db.split(",") if v.strip()]
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    load_before = loadavg()
    try:
        for vendor in vendors:
            env = dict(os.environ, DJANGO_SETTINGS_MODULE="xuncha.settings", DEBUG="0", LOG_LEVEL="WARNING",
                       PYTHONDONTWRITEBYTECODE="1", XUNCHA_VAR_DIR=str(state / vendor))
            env.pop("REDIS_URL", None)
            if vendor == "postgresql":
                if not args.reuse:
                    pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
                    pg_admin(args.database_url, f'CREATE DATABASE "{pg_name}"')
                env["DATABASE_URL"] = with_dbname(args.database_url, pg_name)
            else:
                env.pop("DATABASE_URL", None)
            argv = [sys.executable, __file__, "--child", vendor, "--scale", str(n), "--repeat", str(args.repeat),
                    "--budget", str(args.budget), "--only", args.only, "--state", str(state)] + (["--reuse"] if args.reuse else [])
            proc = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
            for line in proc.stdout.splitlines():
                if line.startswith("@@rows "):
                    rows += json.loads(line[7:])
                else:
                    print(line, flush=True)
            if proc.returncode != 0:
                print(json.dumps({"error": f"{vendor}: the workbench child failed (exit {proc.returncode})"}), flush=True)
            if not args.no_intake and not args.only:
                rows += intake_rows(vendor, args, state)
    finally:
        if not args.keep:
            if "postgresql" in vendors:
                pg_admin(args.database_url, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            if not args.state or str(state).startswith(tempfile.gettempdir()):
                shutil.rmtree(state, ignore_errors=True)
    failed = [f"{r['db']}:{r['workload']}" for r in rows if not r["ok"]]
    print(json.dumps({"summary": True, "scale": n, "workloads": len(rows), "ok": len(rows) - len(failed), "failed": failed,
                      "loadavg_before": load_before, "loadavg_after": loadavg(), "cores": os.cpu_count(),
                      "minutes": round((time.perf_counter() - started) / 60, 1)}, ensure_ascii=False), flush=True)
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
