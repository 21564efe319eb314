"""Benchmark the rectification ledger export (.xlsx) in constant memory (bench/README.md), against baselines.

Run from the repository root::

    python bench/ledger_export.py                         # 10,000 and 100,000 items, SQLite (+ PostgreSQL if DATABASE_URL)
    python bench/ledger_export.py --sizes 10000,100000,300000
    python bench/ledger_export.py --database-url postgres://postgres@127.0.0.1:5432/x   # also on PostgreSQL
    python bench/ledger_export.py --help

Data: one inspection with N ledger items (bulk_create, 5,000 a batch) over N/200 findings, with text as
wide as real ledgers (a finding title of 12-30 characters, measures of 40-160, progress of 0-240, a
leader, a department; a date or 长期坚持; the five statuses). Each database is fresh: SQLite (WAL, the
embedded deployment's settings) in a temporary directory, PostgreSQL in a new database
``xuncha_bench_ledger_<pid>`` on the server of DATABASE_URL, dropped at the end.

Every export runs in its own process against the built database, so its ``ru_maxrss`` is that
export's peak; ``idle`` is a process that only sets Django up, imports the exporters and reads the
inspection, and "above idle" is the peak less that. Modes:

- ``xlsx``: the product, xuncha.rectification.exports.ledger_xlsx — XlsxWriter in constant_memory mode
  fed by a ``values_list().iterator(chunk_size=2000)`` query;
- ``xlsx+tracemalloc``: the same with tracemalloc on (peak of Python allocations; slower);
- ``csv``: the same rows from the same query written with the csv module (the floor of streaming);
- ``xlsxwriter-default``: rows read into a list, then XlsxWriter in its default (in-memory) mode — the
  naive export;
- ``openpyxl``: openpyxl's normal (non-write-only) workbook fed from the same iterator; run only up to
  --openpyxl-max items (default 10,000), its peak above idle scaled linearly for larger N.

Printed per database and N: seconds, items/s, peak RSS, peak above idle, file size; and the check that
the written sheet's dimension covers N + 2 rows (title and header). Not part of the test suite.
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# bench/queue.py has the name of the standard library's `queue`: run as a script, this folder would come
# first on sys.path and shadow it. The repository goes first and this folder is left out.
sys.path[:] = [ROOT] + [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
import zipfile  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

MODES = ("idle", "xlsx", "xlsx+tracemalloc", "csv", "xlsxwriter-default", "openpyxl")
TARGET = "基准测试学院党委"
SEED = 20241018
BATCH = 5000

PHRASES = ("落实全面从严治党主体责任", "严格执行中央八项规定精神", "规范公务接待和公车管理", "完善采购与招投标制度", "清退违规发放的津贴补贴",
           "开展警示教育", "加强干部选拔任用监督", "健全内控制度", "整治食堂管理问题", "规范科研经费使用", "落实意识形态工作责任制",
           "加强基层党组织建设", "完善“三重一大”决策程序", "对相关责任人进行批评教育", "建立长效机制", "开展专项检查",
           "组织全体党员学习有关规定", "修订完善管理办法", "对违规款项全部追缴", "定期通报整改情况")
DEPTS = ("党委办公室", "纪委办公室", "组织部", "宣传部", "财务处", "后勤管理处", "资产管理处", "人事处", "教务处", "科研处", "基建处",
         "采购与招投标中心", "学生工作部", "机电工程学院")
LEADERS = ("王书记", "李院长", "张副院长", "刘副书记", "陈副院长", "杨纪委书记")
STATUSES = ("not_started", "in_progress", "done", "signed_off", "long_term")


def text(rng: random.Random, low: int, high: int) -> str:
    size = rng.randint(low, high)
    out = ""
    while len(out) < size:
        out += rng.choice(PHRASES) + rng.choice("，；。")
    return out[:size]


# --- the child processes ----------------------------------------------------------------------------


def build(n: int) -> int:
    import datetime as dt

    from django.core.management import call_command

    from xuncha.accounts.models import User
    from xuncha.inspections.models import Inspection, Round, TargetOrg, Team
    from xuncha.rectification.models import Finding, RectificationItem

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    user = User.objects.create(username=f"bench-{uuid.uuid4().hex[:8]}")
    rnd = Round.objects.create(name="基准测试轮次", year=2024, organizer="基准测试市委")
    team = Team.objects.create(name="基准测试巡察组", round=rnd)
    target = TargetOrg.objects.create(name=TARGET)
    inspection = Inspection.objects.create(round=rnd, team=team, target=target, start_date=dt.date(2024, 9, 25),
                                           end_date=dt.date(2024, 10, 18), intake_start=dt.date(2024, 9, 25), intake_end=dt.date(2024, 10, 18))
    findings = Finding.objects.bulk_create([
        Finding(inspection=inspection, number=i, title=text(rng, 12, 30), facts=text(rng, 100, 300), rule_broken=text(rng, 20, 60),
                focus="corruption", state="approved", created_by=user) for i in range(1, max(1, n // 200) + 1)])
    number = 0
    while number < n:
        batch = []
        for _ in range(min(BATCH, n - number)):
            number += 1
            long_term = rng.random() < 0.15
            batch.append(RectificationItem(
                inspection=inspection, finding=findings[(number - 1) * len(findings) // n], number=number,
                measures=text(rng, 40, 160), responsible_leader=rng.choice(LEADERS), responsible_dept=rng.choice(DEPTS),
                deadline=None if long_term else dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 400)), long_term=long_term,
                status=rng.choice(STATUSES), progress=text(rng, 0, 240) if rng.random() < 0.7 else ""))
        RectificationItem.objects.bulk_create(batch)
    return inspection.pk


def measure(mode: str, inspection_id: int, out_dir: str) -> dict[str, Any]:
    import csv
    import tracemalloc

    import xlsxwriter

    from xuncha.inspections.models import Inspection
    from xuncha.rectification.exports import LEDGER_COLUMNS, ledger_rows, ledger_xlsx

    inspection = Inspection.objects.select_related("team", "target").get(pk=inspection_id)
    path = os.path.join(out_dir, f"{mode}.{'csv' if mode == 'csv' else 'xlsx'}")
    py_peak = None
    start = time.perf_counter()
    rows = None
    if mode == "xlsx":
        rows = ledger_xlsx(inspection, path)
    elif mode == "xlsx+tracemalloc":
        tracemalloc.start()
        rows = ledger_xlsx(inspection, path)
        py_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    elif mode == "csv":
        with open(path, "w", newline="", encoding="utf-8-sig") as f:
            writer = csv.writer(f)
            writer.writerow(LEDGER_COLUMNS)
            rows = 0
            for rows, row in enumerate(ledger_rows(inspection), start=1):  # noqa: B007 - the count is kept
                writer.writerow(row)
    elif mode == "xlsxwriter-default":
        data = list(ledger_rows(inspection))
        workbook = xlsxwriter.Workbook(path)
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, LEDGER_COLUMNS)
        date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for r, row in enumerate(data, start=1):
            sheet.write_row(r, 0, row[:5])
            sheet.write(r, 5, row[5] or "长期坚持", date if row[5] else None)
            sheet.write_row(r, 6, row[6:])
        workbook.close()
        rows = len(data)
    elif mode == "openpyxl":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(list(LEDGER_COLUMNS))
        rows = 0
        for row in ledger_rows(inspection):
            sheet.append([*row[:5], row[5] or "长期坚持", *row[6:]])
            rows += 1
        workbook.save(path)
    seconds = time.perf_counter() - start
    result: dict[str, Any] = {"mode": mode, "seconds": seconds, "rows": rows,
                              "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "py_peak_mb": py_peak}
    if mode != "idle":
        result["file_mb"] = os.path.getsize(path) / 2**20
    if mode == "xlsx":
        with zipfile.ZipFile(path) as z, z.open("xl/worksheets/sheet1.xml") as f:
            head = f.read(2000).decode("utf-8", "replace")
        result["dimension"] = head.split('<dimension ref="', 1)[1].split('"', 1)[0]
    return result


# --- the parent -------------------------------------------------------------------------------------


def with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(with_dbname(url, "postgres"), autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def run_child(env: dict[str, str], *argv: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), *argv], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                          text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child {argv} failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench_database(vendor: str, url: str, sizes: list[int], openpyxl_max: int) -> None:
    base = dict(os.environ, DJANGO_SETTINGS_MODULE="xuncha.settings", DEBUG="0", LOG_LEVEL="WARNING", PYTHONDONTWRITEBYTECODE="1")
    base.pop("REDIS_URL", None)
    for n in sizes:
        tmp = tempfile.mkdtemp(prefix="xuncha-bench-ledger-")
        env = dict(base, XUNCHA_VAR_DIR=tmp)
        dbname = f"xuncha_bench_ledger_{os.getpid()}_{n}"
        if vendor == "postgresql":
            pg_admin(url, f'CREATE DATABASE "{dbname}"')
            env["DATABASE_URL"] = with_dbname(url, dbname)
        else:
            env.pop("DATABASE_URL", None)
        try:
            start = time.perf_counter()
            inspection_id = run_child(env, "--child-build", str(n))["inspection"]
            print(f"\n[{vendor}] {n:,} items built in {time.perf_counter() - start:.1f} s")
            out = os.path.join(tmp, "out")
            os.makedirs(out, exist_ok=True)
            results = {}
            for mode in MODES:
                if mode == "openpyxl" and n > openpyxl_max:
                    continue
                results[mode] = run_child(env, "--child-measure", mode, str(inspection_id), out)
            report(n, results, openpyxl_max)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            if vendor == "postgresql":
                pg_admin(url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


SCALED: dict[str, float] = {}  # openpyxl MB above idle per item, from the largest size it ran at


def report(n: int, results: dict[str, dict[str, Any]], openpyxl_max: int) -> None:
    idle = results["idle"]["maxrss_mb"]
    print(f"  {'mode':<20}{'seconds':>9}{'items/s':>11}{'peak RSS':>11}{'above idle':>12}{'py peak':>9}{'file':>9}")
    for mode, r in results.items():
        if mode == "idle":
            print(f"  {'idle (baseline)':<20}{'':>9}{'':>11}{r['maxrss_mb']:>8.1f} MB")
            continue
        py = f"{r['py_peak_mb']:>6.1f} MB" if r["py_peak_mb"] is not None else f"{'':>9}"
        print(f"  {mode:<20}{r['seconds']:>9.2f}{r['rows'] / r['seconds']:>11,.0f}{r['maxrss_mb']:>8.1f} MB"
              f"{r['maxrss_mb'] - idle:>9.1f} MB{py}{r['file_mb']:>6.1f} MB")
    if "openpyxl" in results:
        SCALED["openpyxl"] = (results["openpyxl"]["maxrss_mb"] - idle) / n
    elif "openpyxl" in SCALED:
        print(f"  {'openpyxl (scaled)':<20}{'':>9}{'':>11}{'':>11}{SCALED['openpyxl'] * n:>9.0f} MB"
              f"   (linear from its run at ≤{openpyxl_max:,} items)")
    dimension = results["xlsx"]["dimension"]
    print(f"  xlsx sheet dimension {dimension}: {'ok' if dimension == f'A1:H{n + 2}' else 'MISMATCH'} ({n:,} items + title + header)")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] in ("--child-build", "--child-measure"):
        import django

        django.setup()
        if sys.argv[1] == "--child-build":
            print(json.dumps({"inspection": build(int(sys.argv[2]))}))
        else:
            print(json.dumps(measure(sys.argv[2], int(sys.argv[3]), sys.argv[4])))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="numbers of items, comma-separated")
    parser.add_argument("--db", default="", help="sqlite, postgresql or both (default: sqlite, and postgresql when a URL is given)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""), help="PostgreSQL server (default DATABASE_URL)")
    parser.add_argument("--openpyxl-max", type=int, default=10_000, help="largest N for the openpyxl baseline (it holds every cell)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    vendors = args.db.split(",") if args.db else ["sqlite"] + (["postgresql"] if args.database_url else [])
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus; sizes {', '.join(f'{n:,}' for n in sizes)}")
    for vendor in vendors:
        SCALED.clear()
        bench_database(vendor.strip(), args.database_url, sizes, args.openpyxl_max)


if __name__ == "__main__":
    main()
