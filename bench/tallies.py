"""What the statistics tallies' triggers (xuncha/triage/tally_sql.py) add to a registration: the intake
service plus triage of one report, timed with the triggers in place and with them dropped, interleaved
in the same run, each block inside a transaction that is rolled back (the database is left as it was).

    python bench/tallies.py --state /tmp/check200k --db sqlite        # a database kept by bench/check.py --keep
    python bench/tallies.py --state /tmp/check200k --db postgresql --scale 200000

Prints median and p95 per mode and the difference (the triggers' cost per registration)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TEXTS = ("学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。",
         "食堂承包给后勤处长孙某的亲戚，饭菜价格连续上涨，质量却越来越差，学生意见很大。",
         "招生办主任在自主招生中违规给考生加分，收取家长好处费。")


class Rollback(Exception):
    pass


def main() -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--state", required=True, help="the --state folder of a bench/check.py --keep run")
    p.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"))
    p.add_argument("--scale", type=int, default=200_000, help="its --scale (names the PostgreSQL database)")
    p.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    p.add_argument("--n", type=int, default=40, help="registrations per block")
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    os.environ["XUNCHA_VAR_DIR"] = str(Path(args.state) / args.db)
    if args.db == "postgresql":
        os.environ["DATABASE_URL"] = args.database_url.rsplit("/", 1)[0] + f"/xuncha_bench_perf_check_{args.scale}"
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction

    from xuncha.accounts.models import User
    from xuncha.core.crypto import load_key_ring
    from xuncha.inspections.models import Inspection
    from xuncha.intake import services
    from xuncha.triage import tally_sql
    from xuncha.triage.services import report_triage

    if not settings.KEY_FILE.exists():  # bulkdata's sealed values are fakes: a throwaway key for this bench database
        load_key_ring(settings.KEY_FILE, create=True)
    built = json.loads((Path(args.state) / f"built-{args.db}.json").read_text())
    inspection = Inspection.objects.get(pk=built["hot_inspection"])
    member = User.objects.filter(username__startswith="bench_member_").order_by("-pk").first()
    channel = inspection.channels.filter(kind="email").first()
    times: dict[str, list[float]] = {"triggers": [], "none": []}
    for r in range(args.rounds):
        for mode in (("triggers", "none") if r % 2 == 0 else ("none", "triggers")):
            try:
                with transaction.atomic():
                    if mode == "none":
                        with connection.cursor() as cur:
                            for sql in tally_sql.drop_statements(connection.vendor):
                                cur.execute(sql)
                    for i in range(args.n):
                        t = time.perf_counter()
                        report = services.report_register(actor=member, data=services.ReportInput(
                            inspection=inspection, content=TEXTS[i % 3] + f"（{r}-{i}）", kind="email", channel=channel,
                            received_at=dt.datetime(2025, 10, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=i),
                            subjects=[services.SubjectData(name="赵某", post="副院长", category="leadership"),
                                      services.SubjectData(name="孙某", post="处长", category="key_post")])).report
                        report_triage(report_id=report.pk)
                        times[mode].append((time.perf_counter() - t) * 1000)
                    raise Rollback
            except Rollback:
                pass
    out: dict[str, Any] = {}
    for mode, values in times.items():
        values.sort()
        out[mode] = {"p50_ms": round(statistics.median(values), 2), "p95_ms": round(values[int(0.95 * (len(values) - 1))], 2),
                     "n": len(values)}
    out["added_p50_ms"] = round(out["triggers"]["p50_ms"] - out["none"]["p50_ms"], 2)
    out["loadavg"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(json.dumps({"db": args.db, **out}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
