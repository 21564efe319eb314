"""Benchmark verifying the audit chain (HMAC-SM3 + anchors) against baselines in the same run.

Run from the repository root::

    python bench/audit_chain.py                  # 20,000 and 100,000 events, SQLite in a temp dir
    python bench/audit_chain.py --sizes 50000 --repeat 5

Data: N events chained with the audit key (bulk_create, 5,000 a batch), a summary of 20-60 characters
and a small `data` object each; anchors every N/1000 events. Printed per N, median and p95 of --repeat
runs, seconds: ``walk`` (read every event in id order, no hashing: the floor), ``sm3`` (walk + plain SM3
of every link: the old check), ``verify`` (audit_verify's verify_chain without anchors), ``verify+anchors``
(with the 1,000 anchors), and ``write_anchor`` (one anchor appended to a file already holding 10,000).
Not part of the test suite.
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:] = [ROOT] + [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

BATCH = 5000


def _timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    runs.sort()
    return statistics.median(runs), runs[min(len(runs) - 1, int(round(0.95 * (len(runs) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="xuncha_bench_audit_"))
    os.environ["XUNCHA_VAR_DIR"] = str(tmp)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    import django

    django.setup()
    try:
        _run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(args: argparse.Namespace, tmp: Path) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from xuncha.audit import keys
    from xuncha.audit.anchors import append_anchor
    from xuncha.audit.chain import GENESIS, canonical, link_hash
    from xuncha.audit.models import AuditChainHead, AuditEvent
    from xuncha.audit.services import write_anchor
    from xuncha.audit.verify import verify_chain
    from xuncha.core.sm import sm3_hex

    call_command("migrate", verbosity=0)
    keys._create_key_file(settings.AUDIT_KEY_FILE, keyed_from=0)
    key = keys.load_audit_key()
    assert key is not None
    rng = random.Random(20261203)
    print(f"audit chain verification, SQLite in {tmp}; median / p95 of {args.repeat} runs, seconds")
    for n in [int(s) for s in args.sizes.split(",")]:
        AuditEvent.objects.all().delete()
        AuditChainHead.objects.all().delete()
        settings.AUDIT_ANCHOR_FILE.unlink(missing_ok=True)
        prev, batch, at = GENESIS, [], timezone.now() - dt.timedelta(days=365)
        anchors_every = max(1, n // 1000)
        for i in range(1, n + 1):
            at += dt.timedelta(seconds=rng.randint(1, 60))
            summary = "".join(rng.choice("巡察组登记信访件整改台账反馈意见") for _ in range(rng.randint(20, 60)))
            e = AuditEvent(id=i, at=at, actor_name="member", action="report.register", object_type="intake.report",
                           object_id=str(i), summary=summary, data={"n": i}, ip="10.0.0.1", prev_hash=prev)
            e.hash = link_hash(prev, canonical(at=e.at, actor_id=None, actor_name=e.actor_name, action=e.action,
                                               object_type=e.object_type, object_id=e.object_id, summary=e.summary,
                                               data=e.data, ip=e.ip), key.key)
            prev = e.hash
            batch.append(e)
            if i % anchors_every == 0:
                append_anchor(settings.AUDIT_ANCHOR_FILE, key.key, last_id=i, count=i, head=e.hash)
            if len(batch) == BATCH:
                AuditEvent.objects.bulk_create(batch)
                batch = []
        AuditEvent.objects.bulk_create(batch)
        AuditChainHead.objects.create(pk=1, last_id=n, last_hash=prev, count=n, keyed_from=0, key_id=key.key_id)

        def walk() -> None:
            for _ in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
                pass

        def sm3() -> None:
            for e in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
                sm3_hex(e.prev_hash.encode() + canonical(at=e.at, actor_id=e.actor_id, actor_name=e.actor_name, action=e.action,
                                                         object_type=e.object_type, object_id=e.object_id, summary=e.summary,
                                                         data=e.data, ip=e.ip))

        anchor_file: Path = settings.AUDIT_ANCHOR_FILE
        kept = anchor_file.read_text()
        anchor_file.rename(anchor_file.with_suffix(".off"))
        rows = {"walk": _timed(walk, args.repeat), "sm3": _timed(sm3, args.repeat)}
        report = verify_chain()
        assert report.ok, report.message()
        rows["verify"] = _timed(verify_chain, args.repeat)
        anchor_file.write_text(kept)
        anchor_file.chmod(0o600)
        report = verify_chain()
        assert report.ok and "已与 1000 个锚点核对" in report.message(), report.message()
        rows["verify+anchors"] = _timed(verify_chain, args.repeat)
        anchor_file.write_text(kept * 10)  # 10,000 lines
        rows["write_anchor"] = _timed(write_anchor, args.repeat)
        print(f"N = {n:,}")
        for name, (median, p95) in rows.items():
            print(f"  {name:<16} {median:8.3f} {p95:8.3f}" + (f"   x{median / rows['walk'][0]:.2f} of walk" if name != "write_anchor" else ""))


if __name__ == "__main__":
    main()
