"""Reliability of the embedded deployment under faults: what a reporter is told is what the database holds.

Run from the repository root::

    python bench/reliability.py            # 400 baseline submissions, 20 s of kill -9, a 10 s database cut; 8 clients
    python bench/reliability.py --quick    # the CI variant (tests/platform/test_reliability.py), < 60 s

The product is served as `make run` serves it (gunicorn.conf.py, 2 workers x 4 threads, SQLite/WAL in a
throwaway data folder, the database cache, the embedded scheduler on). A bounded stream of public
submissions (POST /api/v1/public/inspections/{id}/reports, each with a unique marker in its text) comes
from client threads in this process, one new connection per request, no retries. Three phases:

1. baseline: no fault, the figures to compare with;
2. kill -9: every --kill-every seconds a gunicorn worker is killed with SIGKILL (the master forks a new
   one); every third time the master and all its workers are, and gunicorn is started again on the same
   port a second later (as systemd's Restart=always would);
3. database cut: after a few seconds the database disappears for --cut seconds, then comes back. SQLite:
   the files are moved away and a directory takes their name, so every new connection fails as with a
   lost disk or mount. PostgreSQL (--db pg, a fresh database): the server is reached through a TCP proxy
   of this script, which drops every open connection and refuses new ones, as a stopped server would.

The baseline is a fixed number of submissions; the other two phases run for a fixed time. Printed per
phase: submissions, acknowledged (201 with a receipt code), 503, connection failures, other
answers, median/p95 latency of the acknowledged ones; then the checks: acknowledged reports lost (their
marker not in the database; must be 0), half-written reports (no number or no audit event; must be 0),
registered but not acknowledged (the answer died with its worker: the reporter saw an error and may send
again), the share of 503 among the refused answers during the cut (must be 100%), time to the first
acknowledgement after the database came back, a sample of receipt codes that open their report, and
`manage.py audit_verify`. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live import Deployment, TcpProxy, free_port, fresh_postgres, postgres_url, public_submit, request  # noqa: E402

CUT_LEAD_SECONDS = 3.0
RECOVERY_LIMIT_SECONDS = 60.0  # a service that does not answer within a minute of the restore has not recovered


@dataclass
class Answer:
    marker: str
    started: float
    seconds: float
    status: int  # 0: the connection failed (reset, refused)
    code: str = ""


@dataclass
class Phase:
    name: str
    answers: list[Answer] = field(default_factory=list)
    events: list[tuple[float, str]] = field(default_factory=list)

    def count(self, status: int) -> int:
        return sum(a.status == status for a in self.answers)

    def acknowledged(self) -> list[Answer]:
        return [a for a in self.answers if a.status == 201 and a.code]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def stream(dep: Deployment, public_id: str, phase: Phase, *, total: int, clients: int, pace: float,
           seconds: float = 0.0) -> None:
    """`total` submissions (or as many as `seconds` allow, when given) from `clients` threads, each pausing
    `pace` seconds between its requests and a little longer after a refused connection. Markers continue the
    phase's numbering, so a phase can be streamed in several parts."""
    first = len(phase.answers)  # every number taken gives one answer
    counter = iter(range(first, first + total if not seconds else 10**9))
    lock = threading.Lock()
    until = time.monotonic() + seconds if seconds else float("inf")

    def client() -> None:
        while time.monotonic() < until:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            marker = f"rb-{phase.name}-{i:05d}"
            started = time.monotonic()
            try:
                status, _, body = public_submit(dep.url, public_id, {"anonymous": True, "content": f"学校食堂账目不公开，饭菜价格高。{marker}"},
                                                timeout=30)
                code = json.loads(body).get("receipt_code", "") if status == 201 else ""
            except (OSError, ValueError):
                status, code = 0, ""
            answer = Answer(marker, started, time.monotonic() - started, status, code)
            with lock:
                phase.answers.append(answer)
            time.sleep(pace if status else max(pace, 0.2))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def workers_of(master_pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()]
    except OSError:
        return []


def killer(dep: Deployment, phase: Phase, stop: threading.Event, every: float, port: int) -> None:
    rounds = 0
    while not stop.wait(every):
        rounds += 1
        master = dep.procs["gunicorn"].pid
        if rounds % 3 == 0:
            phase.events.append((time.monotonic(), "kill -9 master and workers"))
            for pid in [*workers_of(master), master]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            dep.procs["gunicorn"].wait(timeout=10)
            time.sleep(1.0)
            dep.gunicorn(workers=2, threads=4, port=port)
            phase.events.append((time.monotonic(), "gunicorn started again"))
        else:
            workers = workers_of(master)
            if workers:
                pid = random.choice(workers)
                phase.events.append((time.monotonic(), f"kill -9 worker {pid}"))
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


class DatabaseCut:
    """The SQLite files moved away and a directory in the database's place: opening it fails."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.moved: list[Path] = []

    def cut(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            path = Path(str(self.db) + suffix)
            if path.exists():
                path.rename(Path(str(path) + ".cut"))
                self.moved.append(path)
        self.db.mkdir()

    def restore(self) -> None:
        self.db.rmdir()
        for path in self.moved:
            Path(str(path) + ".cut").rename(path)
        self.moved = []


def run(args: argparse.Namespace) -> int:
    if args.db == "pg":
        base = postgres_url()
        if base is None:
            print("没有可用的 PostgreSQL（DATABASE_URL 或 127.0.0.1:5432）")
            return 1
        with fresh_postgres(base, prefix="xuncha_reliability") as url:
            parts = urlsplit(url)
            proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
            via_proxy = urlunsplit((parts.scheme, f"{parts.username or 'postgres'}@127.0.0.1:{proxy.port}", parts.path, "", ""))
            if parts.password:
                via_proxy = via_proxy.replace("@", f":{parts.password}@", 1)
            return run_on(args, via_proxy, proxy)
    return run_on(args, "", None)


def run_on(args: argparse.Namespace, database_url: str, proxy: TcpProxy | None) -> int:
    root = Path(tempfile.mkdtemp(prefix="xuncha-reliability-"))
    dep = Deployment(root, database_url=database_url, env={"RATE_LIMIT_SUBMIT": "1000000000/1",
                                                           "RATE_LIMIT_LOOKUP": "1000000000/1", "LOG_LEVEL": "CRITICAL"})
    where = "PostgreSQL（经可切断的 TCP 代理）" if proxy else "SQLite（WAL）"
    print(f"部署目录 {root}；gunicorn 2 进程 x 4 线程，{where}，{args.clients} 个并发客户端")
    dep.setup()
    port = free_port()
    dep.gunicorn(workers=2, threads=4, port=port)
    public_id = dep.practice_public_id()
    phases: list[Phase] = []
    try:
        baseline = Phase("baseline")
        stream(dep, public_id, baseline, total=args.total, clients=args.clients, pace=args.pace)
        phases.append(baseline)

        kill = Phase("kill9")
        stop = threading.Event()
        k = threading.Thread(target=killer, args=(dep, kill, stop, args.kill_every, port))
        k.start()
        try:
            stream(dep, public_id, kill, total=0, clients=args.clients, pace=args.pace, seconds=args.kill_seconds)
        finally:
            stop.set()
            k.join()
        phases.append(kill)
        dep.wait_http("/accounts/login/")

        cut_phase = Phase("dbcut")
        cut: DatabaseCut | TcpProxy = proxy if proxy is not None else DatabaseCut(root / "var" / "xuncha.sqlite3")

        def cutter() -> None:
            time.sleep(CUT_LEAD_SECONDS)
            cut_phase.events.append((time.monotonic(), "cut"))
            cut.cut()
            time.sleep(args.cut)
            cut.restore()
            cut_phase.events.append((time.monotonic(), "restored"))

        c = threading.Thread(target=cutter)
        c.start()
        # The stream spans the lead, the cut and a few seconds after it; then, on a loaded machine, goes on
        # until the first submission after the restore is confirmed (or RECOVERY_LIMIT_SECONDS pass).
        stream(dep, public_id, cut_phase, total=0, clients=args.clients, pace=args.pace,
               seconds=CUT_LEAD_SECONDS + args.cut + 3)
        c.join()
        restored_at = cut_phase.events[-1][0]
        while (time.monotonic() < restored_at + RECOVERY_LIMIT_SECONDS
               and not any(a.status == 201 and a.started + a.seconds > restored_at for a in cut_phase.answers)):
            stream(dep, public_id, cut_phase, total=0, clients=args.clients, pace=args.pace, seconds=1)
        phases.append(cut_phase)
    finally:
        dep.stop()
    return report(dep, phases, args)


def report(dep: Deployment, phases: list[Phase], args: argparse.Namespace) -> int:
    rows = dep.sql("SELECT r.content, r.number IS NULL, "
                   "(SELECT count(*) FROM audit_auditevent a WHERE a.action = 'report.register' "
                   "AND a.object_type = 'intake.report' AND a.object_id = CAST(r.id AS TEXT)) "
                   "FROM intake_report r WHERE r.content LIKE ?", ["%rb-%"])
    stored = {content.rsplit("rb-", 1)[1]: (no_number, events) for content, no_number, events in rows}
    half_written = sum(1 for no_number, events in stored.values() if no_number or events != 1)
    failed = False
    print()
    print(f"{'阶段':<10}{'提交':>6}{'确认201':>9}{'503':>6}{'连接失败':>8}{'其他':>6}{'中位数ms':>10}{'p95 ms':>9}"
          f"{'丢失':>6}{'已登记未确认':>12}")
    for phase in phases:
        acked = phase.acknowledged()
        acked_markers = {a.marker.removeprefix("rb-") for a in acked}
        phase_stored = {m for m in stored if m.startswith(phase.name + "-")}
        lost = len(acked_markers - phase_stored)
        unacked = len(phase_stored - acked_markers)
        other = len(phase.answers) - len(acked) - phase.count(503) - phase.count(0)
        lat = [a.seconds * 1000 for a in acked]
        print(f"{phase.name:<10}{len(phase.answers):>6}{len(acked):>9}{phase.count(503):>6}{phase.count(0):>8}{other:>6}"
              f"{statistics.median(lat) if lat else float('nan'):>10.0f}{percentile(lat, 0.95):>9.0f}{lost:>6}{unacked:>12}")
        odd = sorted({a.status for a in phase.answers if a.status not in (0, 201, 503) or (a.status == 201 and not a.code)})
        if odd:
            print(f"{'':<10}其他回答的状态码：{', '.join(str(code) for code in odd)}")
        failed |= lost > 0
        if phase.name == "baseline":
            failed |= len(acked) != len(phase.answers)
    print()
    print(f"半写入的信访件（无编号或审计事件不是恰好一条）：{half_written}")
    failed |= half_written > 0

    cut = next((p for p in phases if p.name == "dbcut"), None)
    if cut is not None and len(cut.events) == 2:
        (t_cut, _), (t_back, _) = cut.events
        during = [a for a in cut.answers if a.status != 201]
        share = sum(a.status == 503 for a in during) / len(during) if during else float("nan")
        after = sorted(a.started + a.seconds for a in cut.answers if a.status == 201 and a.started + a.seconds > t_back)
        recovery = (after[0] - t_back) if after else float("nan")
        in_cut = sum(1 for a in cut.answers if t_cut <= a.started <= t_back)
        print(f"数据库中断 {t_back - t_cut:.1f} 秒：期间发出 {in_cut} 件；未成功的回答中 503 占 {share:.0%}"
              f"（{sum(a.status == 503 for a in during)}/{len(during)}）；恢复后首个确认用时 {recovery:.2f} 秒")
        failed |= not during or share != 1.0 or not after
    kills = next((p for p in phases if p.name == "kill9"), None)
    if kills is not None:
        print(f"kill -9：{sum('worker' in e for _, e in kills.events)} 次杀 worker，"
              f"{sum('master' in e for _, e in kills.events)} 次杀全部进程并重启")

    # A sample of receipt codes opens its report (the code is what the reporter keeps).
    sample = random.sample([a for p in phases for a in p.acknowledged()], k=min(20, sum(len(p.acknowledged()) for p in phases)))
    dep.gunicorn(workers=2, threads=4)
    try:
        opened = sum(request("GET", f"{dep.url}/api/v1/public/receipts/{a.code}")[0] == 200 for a in sample)
    finally:
        dep.stop()
    print(f"抽查查询码：{opened}/{len(sample)} 可以打开")
    failed |= opened != len(sample)
    verify = dep.manage("audit_verify", check=False)
    chain_ok = "审计链完整" in verify
    print(f"审计链校验：{verify.strip()}")
    failed |= not chain_ok
    print("结论：" + ("未通过" if failed else "通过（确认的信访件零丢失、零半写入，中断期间全部为 503，审计链完整）"))
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--total", type=int, default=400, help="submissions per phase (default 400)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--pace", type=float, default=0.02, help="pause of each client between requests, s")
    parser.add_argument("--kill-every", type=float, default=1.5, help="seconds between kills (default 1.5)")
    parser.add_argument("--kill-seconds", type=float, default=20.0, help="length of the kill -9 phase (default 20)")
    parser.add_argument("--cut", type=float, default=10.0, help="seconds without the database (default 10)")
    parser.add_argument("--db", choices=["sqlite", "pg"], default="sqlite",
                        help="sqlite (embedded, default) or pg: a fresh PostgreSQL database behind a TCP proxy that the cut stops")
    parser.add_argument("--quick", action="store_true", help="CI variant: 40 baseline, 5 s of kills, a 4 s cut, 4 clients")
    args = parser.parse_args()
    if args.quick:
        args.total, args.clients, args.cut, args.kill_every, args.kill_seconds = 40, 4, 4.0, 1.0, 5.0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
