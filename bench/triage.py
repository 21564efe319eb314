"""Benchmark triage through Django: duplicate grouping on the database band store, and the cost that
triage adds to each registration.

Run from the repository root::

    python bench/triage.py                 # 100,000 reports on PostgreSQL (DATABASE_URL or bench_triage)
    python bench/triage.py --n 20000 --db sqlite

Steps, in one inspection of a fresh database (created and migrated here, demo loaded for its people):

1. build: N generated reports (bench/dedup.py's generator: ~10% reworded and ~3% exact repeats with
   known truth) are inserted in bulk, then grouped in batches of 1,024 by ``DuplicateIndex`` over
   ``DjangoBandStore`` (band hashes in ``triage_dedupband``, signatures on ``triage_triage``), as
   ``manage.py triage_reports`` would. Prints reports/s, band rows, peak RSS, and pair precision and
   recall of the resulting groups against the truth.
2. per report: M more reports registered one at a time through ``report_register`` with triage inline
   in the on-commit hook (classification, scope, grouping: what every registration paid in its request
   before issue 17, TRIAGE_MODE=inline), against the same registrations with triage switched off (the
   baseline, same run; what a request pays now that the drain triages after the response). Prints
   p50/p95 of each and the per-report triage cost.
3. batch mode: rounds of 2 x B reports registered untriaged; B are triaged one at a time
   (``report_triage``), B in one ``report_triage_many`` (the drain's micro-batch), interleaved in the same
   run. Prints p50/p95 of the per-report time (a batch's time / B for the batches).
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:] = [ROOT] + [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE] + [HERE]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

import numpy as np  # noqa: E402

BATCH = 1024


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(db: str, n: int) -> None:
    """Point Django at a fresh database and migrate it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    if db == "postgresql":
        import psycopg

        url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_triage")
        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/')}_{n}"
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    else:
        var = os.path.join(ROOT, "var", "bench", f"triage-{n}")
        os.makedirs(var, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            path = os.path.join(var, "xuncha.sqlite3" + suffix)
            if os.path.exists(path):
                os.remove(path)
        os.environ["XUNCHA_VAR_DIR"] = var
        os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)  # no Celery: everything in this process
    os.environ["TRIAGE_MODE"] = "inline"  # step 2 measures triage in the on-commit hook; no drain thread
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the embedded deployment's database cache
    from xuncha.keys import key_ring

    key_ring()  # the identity key, made while the database is empty (reports are bulk-inserted next)


def build(n: int) -> dict[str, Any]:
    import dedup as gen
    from django.db import transaction
    from django.utils import timezone

    from xuncha.core.dedup import DuplicateIndex
    from xuncha.demo.loader import load_demo
    from xuncha.intake.models import Report
    from xuncha.triage.dedup import DjangoBandStore
    from xuncha.triage.models import DedupBand, Triage

    load_demo()
    from xuncha.inspections.models import Inspection

    inspection = Inspection.objects.get(is_practice=True)
    at = timezone.now() - dt.timedelta(days=1)
    t0 = time.perf_counter()
    ids: list[int] = []
    texts = gen.reports(n)
    while chunk := [text for _, text in zip(range(5000), (t for _, t in texts), strict=False)]:
        with transaction.atomic():
            rows = Report.objects.bulk_create([
                Report(inspection=inspection, number=len(ids) + i + 1, channel_kind="online", received_at=at,
                       content=text, anonymous=True) for i, text in enumerate(chunk)])
            Triage.objects.bulk_create([Triage(report=r, inspection=inspection) for r in rows])
        ids.extend(r.pk for r in rows)
    insert_s = time.perf_counter() - t0

    index = DuplicateIndex(DjangoBandStore(inspection.pk), batch_size=BATCH)
    t0 = time.perf_counter()
    for start in range(0, n, BATCH):
        batch = ids[start:start + BATCH]
        items = list(Report.objects.filter(pk__in=batch).order_by("pk").values_list("pk", "content"))
        with transaction.atomic():
            for _ in index.group_all(items):
                pass
    group_s = time.perf_counter() - t0

    # Accuracy of the stored grouping against the generator's truth (report i <-> ids[i]).
    position = {rid: i for i, rid in enumerate(ids)}
    pred = np.arange(n, dtype=np.int64)
    for rid, key in Triage.objects.filter(report__inspection=inspection).values_list("pk", "group_key").iterator(chunk_size=10000):
        if key is not None:
            pred[position[rid]] = position[key]
    _, true = gen.truth(n)
    precision, recall, _, _ = gen.pair_scores(true, pred)
    return {"inspection": inspection.pk, "insert_s": insert_s, "group_s": group_s, "rate": n / group_s,
            "bands": DedupBand.objects.count(), "precision": precision, "recall": recall, "rss_mb": maxrss_mb()}


def register_many(inspection_id: int, m: int, *, triage: bool, offset: int) -> list[float]:
    import dedup as gen

    from xuncha.accounts.models import User
    from xuncha.inspections.models import Inspection
    from xuncha.intake import services

    inspection = Inspection.objects.get(pk=inspection_id)
    member = User.objects.get(username="member")
    original = services._announce_registered
    if not triage:
        services._announce_registered = lambda report_id: None
    times = []
    try:
        for _, text in gen.reports(m, seed=gen.SEED + 1 + offset):
            t0 = time.perf_counter()
            services.report_register(actor=member, data=services.ReportInput(
                inspection=inspection, content=text, kind="online", channel=inspection.channels.filter(kind="online").first()))
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        services._announce_registered = original
    return times


def batch_mode(inspection_id: int, rounds: int, size: int) -> tuple[list[float], list[float]]:
    """Per-report ms of report_triage one at a time, and of report_triage_many over batches of `size`."""
    from xuncha.intake.models import Report
    from xuncha.triage.services import report_triage, report_triage_many

    single: list[float] = []
    batched: list[float] = []
    for r in range(rounds):
        last = Report.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        register_many(inspection_id, 2 * size, triage=False, offset=100 + r)
        ids = list(Report.objects.filter(inspection_id=inspection_id, pk__gt=last).order_by("pk").values_list("pk", flat=True))
        ones, many = (ids[:size], ids[size:]) if r % 2 == 0 else (ids[size:], ids[:size])
        for pk in ones:
            t0 = time.perf_counter()
            report_triage(report_id=pk)
            single.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        report_triage_many(report_ids=many)
        batched.append((time.perf_counter() - t0) * 1000 / len(many))
    return single, batched


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--m", type=int, default=300, help="reports registered one by one after the build")
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--batch", type=int, default=50, help="reports per report_triage_many batch (step 3)")
    parser.add_argument("--rounds", type=int, default=10, help="rounds of step 3 (each: one batch, as many one at a time)")
    args = parser.parse_args()
    prepare(args.db, args.n)
    b = build(args.n)
    print(f"triage bench — {args.db}, {args.n:,} reports in one inspection")
    print(f"build: bulk insert {b['insert_s']:.1f} s; grouping {b['group_s']:.1f} s = {b['rate']:,.0f} reports/s; "
          f"band rows {b['bands']:,}; peak RSS {b['rss_mb']:.0f} MB")
    print(f"groups vs truth: pair precision {b['precision']:.3f}, recall {b['recall']:.3f}")
    # Interleave the two kinds in rounds so that machine noise hits both alike.
    with_triage: list[float] = []
    without: list[float] = []
    for r in range(6):
        without += register_many(b["inspection"], args.m // 6, triage=False, offset=2 * r)
        with_triage += register_many(b["inspection"], args.m // 6, triage=True, offset=2 * r + 1)
    p50_with, p50_without = statistics.median(with_triage), statistics.median(without)
    print(f"registration without triage (baseline): p50 {p50_without:.1f} ms, p95 {pct(without, 95):.1f} ms")
    print(f"registration with triage inline:        p50 {p50_with:.1f} ms, p95 {pct(with_triage, 95):.1f} ms")
    print(f"triage adds {p50_with - p50_without:.1f} ms per report at p50 (ratio {p50_with / p50_without:.2f}x); "
          f"peak RSS {maxrss_mb():.0f} MB")
    single, batched = batch_mode(b["inspection"], args.rounds, args.batch)
    print(f"triage one at a time (report_triage), {len(single)} reports: p50 {statistics.median(single):.1f} ms, "
          f"p95 {pct(single, 95):.1f} ms per report")
    print(f"triage in batches of {args.batch} (report_triage_many), {len(batched)} batches: "
          f"p50 {statistics.median(batched):.1f} ms, p95 {pct(batched, 95):.1f} ms per report "
          f"({statistics.median(single) / statistics.median(batched):.2f}x faster at p50)")


if __name__ == "__main__":
    main()
