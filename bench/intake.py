"""Benchmark public intake: POST /api/v1/public/inspections/{id}/reports beside a minimal Django view.

Run from the repository root::

    python bench/intake.py            # 2 rounds x (20 s minimal view, 20 s intake API), 16 connections
    python bench/intake.py --quick    # smoke test: 1 round x 3 s each

Both endpoints are served the way production serves them (docs/deploy.md): ``gunicorn xuncha.wsgi``,
sync workers (default 2 x cores), DEBUG off, PostgreSQL when one is reachable (else SQLite/WAL, the
embedded deployment), Redis as the shared cache when one answers. The settings module is
bench.minimal.settings: xuncha.settings unchanged except that its URLconf adds GET /bench/ping, so the
minimal view runs through the same middleware in the same worker processes. Rate limits are lifted
(RATE_LIMIT_SUBMIT=1000000000/1) and the proof-of-work check is off (PUBLIC_API_CHALLENGE = False in
bench.minimal.settings: the load client replays one body); everything else (audit chain, receipt-code HMAC, acceptance rules)
is the full pipeline.

Everything is throwaway: a temp data dir and key file, a fresh database xuncha_bench_<pid> (dropped at
the end), cache keys under their own prefix (deleted at the end). Load comes from a separate process
(wrk with a Lua script when installed, else an asyncio client in a subprocess) with bounded concurrency
for a fixed duration; only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379"
REDIS_CLAIM = "xuncha_bench_intake_owner"  # the key that marks a Redis database as this run's
MINIMAL_PATH = "/bench/ping"
INSERT_PATH = "/bench/insert"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- results ------------------------------------------------------------------------------------------


@dataclass
class Run:
    """One timed phase against one endpoint."""

    endpoint: str
    expected: int  # the status that counts as success
    elapsed: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    socket_errors: int = 0
    # Latency distribution in microseconds as (value, weight) pairs: exact samples (python client) or
    # 0.1 %-quantiles weighted by requests / 1000 (wrk), so that rounds can be merged.
    latency: list[tuple[float, float]] = field(default_factory=list)
    receipt_codes: list[str] = field(default_factory=list)  # from the 201 answers
    client_cpu: float = 0.0  # seconds of CPU used by the load generator
    server_cpu: float = 0.0  # seconds of CPU used by the gunicorn workers
    machine_busy: float = 0.0  # share of all cores busy (everything on the machine)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def ok(self) -> int:
        return self.statuses[self.expected]

    @property
    def errors(self) -> int:
        return self.requests - self.ok + self.socket_errors


def percentile(dist: list[tuple[float, float]], p: float) -> float:
    total = sum(w for _, w in dist)
    if total <= 0:
        return float("nan")
    threshold, acc = total * p / 100.0, 0.0
    for value, weight in sorted(dist):
        acc += weight
        if acc >= threshold - 1e-9:
            return value
    return max(v for v, _ in dist)


def merge(runs: list[Run]) -> Run:
    out = Run(runs[0].endpoint, runs[0].expected)
    for r in runs:
        out.elapsed += r.elapsed
        out.statuses.update(r.statuses)
        out.socket_errors += r.socket_errors
        out.latency.extend(r.latency)
        out.receipt_codes.extend(r.receipt_codes)
        out.client_cpu += r.client_cpu
        out.server_cpu += r.server_cpu
        out.machine_busy += r.machine_busy * r.elapsed
    out.machine_busy /= out.elapsed or 1
    return out


# --- load generators ----------------------------------------------------------------------------------

WRK_LUA = r"""
wrk.method = "%(method)s"
wrk.path = "%(path)s"
%(body)s
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {}; codes = {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 then codes[#codes + 1] = string.match(body, '"receipt_code":%%s*"(%%d+)"') or "?" end
end
function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do all[code] = (all[code] or 0) + n end
    for _, c in ipairs(t:get("codes")) do io.write("@@code " .. c .. "\n") end
  end
  for code, n in pairs(all) do io.write(string.format("@@status %%d %%d\n", code, n)) end
  local e = summary.errors
  io.write(string.format("@@errors %%d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("@@duration %%d\n", summary.duration))
  for i = 1, 999 do io.write(string.format("@@q %%d\n", latency:percentile(i / 10))) end
  io.write(string.format("@@q %%d\n", latency.max))
end
"""


def lua_literal(s: str) -> str:
    """A Lua string literal for any text: printable ASCII as is, every other byte as a decimal escape."""
    return '"' + "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\{b:03d}" for b in s.encode()) + '"'


def wrk_script(method: str, path: str, body: str | None) -> str:
    lines = ""
    if body is not None:
        lines = f'wrk.body = {lua_literal(body)}\nwrk.headers["Content-Type"] = "application/json"'
    return WRK_LUA % {"method": method, "path": path, "body": lines}


def run_wrk(port: int, method: str, path: str, body: str | None, seconds: float, conns: int, workdir: Path) -> Run:
    script = workdir / f"{method.lower()}-{abs(hash(path))}.lua"
    script.write_text(wrk_script(method, path, body))
    cmd = ["wrk", "-t", str(min(2, conns)), "-c", str(conns), "-d", f"{max(1, round(seconds))}s", "--timeout", "10s",
           "-s", str(script), f"http://{HOST}:{port}{path}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    run = Run(path, 0)
    quantiles: list[int] = []
    for line in proc.stdout.splitlines():
        if not line.startswith("@@"):
            continue
        tag, *vals = line[2:].split()
        if tag == "status":
            run.statuses[int(vals[0])] += int(vals[1])
        elif tag == "errors":
            run.socket_errors = int(vals[0])
        elif tag == "duration":
            run.elapsed = int(vals[0]) / 1e6
        elif tag == "q":
            quantiles.append(int(vals[0]))
        elif tag == "code":
            run.receipt_codes.append(vals[0])
    weight = run.requests / len(quantiles) if quantiles else 0.0
    run.latency = [(float(q), weight) for q in quantiles]
    return run


def _request(method: str, path: str, port: int, body: bytes | None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: keep-alive\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + (body or b"")


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, dict[str, str], bytes]:
    writer.write(request)
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:] if h)}
    payload = await asyncio.wait_for(reader.readexactly(int(headers.get("content-length", "0"))), 10)
    if lines[0].startswith("HTTP/1.0"):
        headers["connection"] = "close"
    return status, headers, payload


def _record(out: dict[str, Any], status: int, payload: bytes, latency_us: float) -> None:
    out["lat"].append(round(latency_us))
    if status == 201:
        with contextlib.suppress(ValueError):
            code = json.loads(payload).get("receipt_code")
            if code:
                out["codes"].append(code)
    out["status"][status] = out["status"].get(status, 0) + 1


async def _client_conn(port: int, requests: list[bytes], deadline: float, out: dict[str, Any], offset: int) -> None:
    """Closed loop: one connection sends its next request as soon as the previous one is answered."""
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    k = offset
    while time.monotonic() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), 10)
            assert reader is not None and writer is not None
            t0 = time.perf_counter()
            status, headers, payload = await _exchange(reader, writer, requests[k % len(requests)])
            k += 1
            _record(out, status, payload, (time.perf_counter() - t0) * 1e6)
            if headers.get("connection", "").lower() == "close":
                writer.close()  # the sync worker closes after each response
                writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, IndexError):
            out["errors"] += 1
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def _open_loop_one(port: int, request: bytes, scheduled: float, out: dict[str, Any]) -> None:
    """One request of the open loop: latency runs from when it was due, not from when it could be sent
    (no coordinated omission: a stalled server makes the requests queued behind it late)."""
    writer: asyncio.StreamWriter | None = None
    try:
        reader, conn = await asyncio.wait_for(asyncio.open_connection(HOST, port), 10)
        writer = conn
        status, _headers, payload = await _exchange(reader, conn, request)
        _record(out, status, payload, (time.perf_counter() - scheduled) * 1e6)
    except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, IndexError):
        out["errors"] += 1
    finally:
        if writer is not None:
            writer.close()


def client_main(argv: list[str]) -> int:
    """The asyncio load generator (a subprocess of the bench): prints one JSON object.

    Closed loop (--connections N): N connections each sending back to back, the saturation throughput.
    Open loop (--rate R): a request every 1/R s whatever the answers (Poisson-free, evenly spaced),
    at most --max-inflight outstanding (beyond that a request counts as an error)."""
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--method", default="GET")
    p.add_argument("--path", required=True)
    p.add_argument("--bodies", default=None, help="a file of request bodies, one JSON document a line (cycled)")
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--rate", type=float, default=0.0)
    p.add_argument("--offset", type=int, default=0, help="first body to send (so that phases do not repeat bodies)")
    p.add_argument("--max-inflight", type=int, default=512)
    a = p.parse_args(argv)
    bodies: list[bytes | None] = [None]
    if a.bodies:
        bodies = [line.encode() for line in Path(a.bodies).read_text().splitlines() if line.strip()]
    requests = [_request(a.method, a.path, a.port, b) for b in bodies]
    out: dict[str, Any] = {"lat": [], "status": {}, "errors": 0, "codes": []}

    async def closed() -> None:
        deadline = time.monotonic() + a.seconds
        step = max(1, len(requests) // max(a.connections, 1))
        await asyncio.gather(*(_client_conn(a.port, requests, deadline, out, a.offset + i * step) for i in range(a.connections)))

    async def open_loop() -> None:
        interval, total = 1.0 / a.rate, int(a.seconds * a.rate)
        tasks: set[asyncio.Task[None]] = set()
        start = time.perf_counter()
        for k in range(total):
            due = start + k * interval
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if len(tasks) >= a.max_inflight:
                out["errors"] += 1
                continue
            task = asyncio.create_task(_open_loop_one(a.port, requests[(a.offset + k) % len(requests)], due, out))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks, timeout=30)

    t0 = time.perf_counter()
    asyncio.run(open_loop() if a.rate > 0 else closed())
    out["elapsed"] = a.seconds if a.rate > 0 else time.perf_counter() - t0
    json.dump(out, sys.stdout)
    return 0


def run_python_client(port: int, method: str, path: str, bodies: Path | None, seconds: float, conns: int,
                      rate: float = 0.0, offset: int = 0) -> Run:
    cmd = [sys.executable, __file__, "_client", "--port", str(port), "--method", method, "--path", path,
           "--seconds", str(seconds), "--connections", str(conns), "--rate", str(rate), "--offset", str(offset)]
    if bodies is not None:
        cmd += ["--bodies", str(bodies)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 90, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"load client failed: {proc.stderr.strip()[-2000:]}")
    data = json.loads(proc.stdout)
    run = Run(path, 0, elapsed=data["elapsed"], socket_errors=data["errors"])
    run.statuses.update({int(k): v for k, v in data["status"].items()})
    run.latency = [(float(v), 1.0) for v in data["lat"]]
    run.receipt_codes = data["codes"]
    return run


# --- request bodies -----------------------------------------------------------------------------------


def make_bodies(n: int, seed: int = 17) -> list[str]:
    """n public submissions shaped like real ones: texts from bench/dedup.py's generator (two dozen
    matters, near and exact repeats), 65% anonymous, real-name ones with a name, phone and role, 0-3
    subjects of mixed categories."""
    import random

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import dedup

    rng = random.Random(seed)
    categories = ("leadership", "subordinate_head", "key_post", "other", "unsure")
    out = []
    for _number, text in dedup.reports(n):
        body: dict[str, Any] = {"anonymous": rng.random() < 0.65, "content": text[:2000]}
        if not body["anonymous"]:
            body["reporter"] = {"name": rng.choice(dedup.SURNAMES) + rng.choice(dedup.GIVEN) + rng.choice(dedup.GIVEN),
                                "phone": f"13{rng.randrange(10**9):09d}", "role": rng.choice(("teacher", "student", "staff", "other"))}
        body["subjects"] = [{"name": rng.choice(dedup.SURNAMES) + rng.choice(dedup.GIVEN),
                             "post": rng.choice(dedup.UNITS) + rng.choice(dedup.POSTS), "category": rng.choice(categories)}
                            for _ in range(rng.choices(range(4), weights=(15, 62, 18, 5))[0])]
        out.append(json.dumps(body, ensure_ascii=False))
    return out


# --- CPU accounting -----------------------------------------------------------------------------------


def proc_cpu(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK_TCK


def children_of(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
    return out


def machine_ticks() -> tuple[int, int]:
    vals = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)
    return sum(vals) - idle, sum(vals)


def measured(fn: Any, server_pid: int, expected: int) -> Run:
    """Run one load phase, adding CPU figures: client (waited-for children), workers, whole machine."""
    workers = children_of(server_pid)
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    s0, (b0, t0) = proc_cpu(workers), machine_ticks()
    run: Run = fn()
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    s1, (b1, t1) = proc_cpu(workers), machine_ticks()
    run.expected = expected
    run.client_cpu = (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)
    run.server_cpu = s1 - s0
    run.machine_busy = (b1 - b0) / max(t1 - t0, 1)
    return run


# --- the throwaway installation -----------------------------------------------------------------------


def port_open(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping())
    except Exception:
        return False


def with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="xuncha-bench-"))
        self.env = dict(os.environ)
        self.pg_server: str | None = None
        self.db_name = f"xuncha_bench_perf_intake_{os.getpid()}"
        self.redis_url: str | None = None
        self.cache_prefix = f"xuncha_bench_{os.getpid()}"
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.db_label = ""

    # setup

    def configure(self) -> None:
        a = self.args
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "bench.minimal.settings",
            "XUNCHA_VAR_DIR": str(self.tmp / "var"),
            "XUNCHA_KEY_FILE": str(self.tmp / "keys" / "identity.key"),
            "SECRET_KEY": secrets.token_hex(32),
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "DEBUG": "0",
            "RATE_LIMIT_SUBMIT": "1000000000/1",
            "LOG_LEVEL": "WARNING",
            "XUNCHA_BENCH_CACHE_PREFIX": self.cache_prefix,
            "PYTHONDONTWRITEBYTECODE": "1",
        })
        self.env.pop("DATABASE_URL", None)
        self.env.pop("REDIS_URL", None)
        server_url = a.database_url or os.environ.get("DATABASE_URL", "")
        if a.db != "sqlite":
            if server_url.startswith(("postgres://", "postgresql://")):
                self.pg_server = server_url
            elif not server_url and port_open("127.0.0.1", 5432):
                self.pg_server = DEFAULT_PG
            elif a.db == "postgres":
                raise SystemExit("--db postgres: no PostgreSQL (DATABASE_URL or 127.0.0.1:5432)")
        if self.pg_server:
            pg_admin(self.pg_server, f'CREATE DATABASE "{self.db_name}"')
            self.env["DATABASE_URL"] = with_dbname(self.pg_server, self.db_name)
            host = urlsplit(self.pg_server).hostname
            self.db_label = f"PostgreSQL {host}, database {self.db_name}"
        else:
            self.db_name = ""
            self.db_label = f"SQLite (WAL) in {self.tmp}"
        redis_url = a.redis_url or DEFAULT_REDIS
        if not a.no_redis and a.db != "sqlite" and redis_answers(redis_url):
            self.redis_url = claim_redis_db(redis_url, a.redis_db)
            self.env["REDIS_URL"] = self.redis_url

    def manage(self, *argv: str, timeout: float = 600) -> str:
        proc = subprocess.run([sys.executable, "manage.py", *argv], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=timeout, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(argv)[:80]} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
        return proc.stdout

    def query(self, code: str) -> dict[str, Any]:
        out = self.manage("shell", "-c", code, timeout=120)
        return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]

    def prepare(self) -> int:
        self.manage("migrate", "--noinput", "-v0")
        self.manage("createcachetable")
        self.query(
            "import json\n"
            "from django.db import connection\n"
            "pk = 'bigserial PRIMARY KEY' if connection.vendor == 'postgresql' else 'integer PRIMARY KEY AUTOINCREMENT'\n"
            "with connection.cursor() as cur:\n"
            "    cur.execute(f'CREATE TABLE bench_durable_insert (id {pk}, body text NOT NULL)')\n"
            "print(json.dumps({}))\n"
        )
        self.manage("load_demo")
        self.manage("identity_keys", "status")  # creates the key file (0600) before the workers start
        found = self.query(
            "import json\n"
            "from django.utils import timezone\n"
            "from xuncha.inspections.models import Inspection\n"
            "d = timezone.localdate()\n"
            "qs = Inspection.objects.filter(intake_start__lte=d, intake_end__gte=d).order_by('-is_practice', 'pk')\n"
            "i = qs.first()\n"
            "print(json.dumps({'id': i.pk if i else None, 'name': str(i) if i else ''}))\n"
        )
        if not found["id"]:
            raise RuntimeError("the demo has no inspection whose intake window includes today")
        print(f"  inspection: {found['name']} (id {found['id']})")
        return int(found["id"])

    def start_server(self) -> None:
        self.port = free_port()
        log = self.tmp / "gunicorn.log"
        cmd = [sys.executable, "-m", "gunicorn", "xuncha.wsgi:application", "--bind", f"{HOST}:{self.port}",
               "--workers", str(self.args.workers), "--chdir", str(ROOT), "--error-logfile", str(log),
               "--timeout", "60", "--graceful-timeout", "10"]
        self.server = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.server.returncode}):\n{self.log_tail()}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"http://{HOST}:{self.port}{MINIMAL_PATH}", timeout=2) as r:
                if r.status == 200 and len(children_of(self.server.pid)) >= self.args.workers:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 60 s:\n{self.log_tail()}")

    def start_worker(self) -> None:
        """The Celery worker of the scaled deployment (only with Redis: without it the gunicorn workers'
        drain threads triage, as in the embedded deployment), on the same cores as gunicorn and the database."""
        if not self.redis_url:
            return
        log = self.tmp / "celery.log"
        cmd = [sys.executable, "-m", "celery", "-A", "xuncha", "worker", "--concurrency", str(self.args.celery_workers),
               "--loglevel", "WARNING", "--logfile", str(log), "--without-heartbeat", "--without-gossip", "--without-mingle"]
        self.worker = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True)

    def stop_worker(self) -> None:
        if self.worker is None or self.worker.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.worker.pid, signal.SIGTERM)
        try:
            self.worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait(timeout=10)

    def log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return (self.tmp / "gunicorn.log").read_text()[-3000:]
        return ""

    # teardown

    def stop_server(self) -> None:
        if self.server is None or self.server.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.server.send_signal(signal.SIGTERM)
        try:
            self.server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.server.pid, signal.SIGKILL)  # gunicorn's own session: its master and workers
            self.server.wait(timeout=10)

    def cleanup(self) -> None:
        for step in (self.stop_server, self.stop_worker, self.drop_database, self.clear_cache):
            try:
                step()
            except Exception as exc:  # keep cleaning up
                print(f"  cleanup: {step.__name__}: {exc}", file=sys.stderr)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def drop_database(self) -> None:
        if self.pg_server and self.db_name:
            pg_admin(self.pg_server, f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def clear_cache(self) -> None:
        if not self.redis_url:
            return
        import redis

        # The database was empty when this run claimed it (claim_redis_db): everything in it is ours,
        # the cache keys and the Celery broker's queues and results alike.
        client = redis.Redis.from_url(self.redis_url, socket_timeout=5)
        if client.get(REDIS_CLAIM) == str(os.getpid()).encode():
            client.flushdb()


def claim_redis_db(url: str, wanted: int) -> str:
    """A Redis database of this run's own (cache and Celery broker): the one asked for, else the highest
    numbered empty one, claimed with a key so that a concurrent run picks another. Flushed at the end."""
    import redis

    base = url.rstrip("/")
    parts = urlsplit(base)
    if parts.path.strip("/").isdigit():
        base = urlunsplit((parts.scheme, parts.netloc, "", parts.query, parts.fragment))
    for db in ([wanted] if wanted >= 0 else range(15, 0, -1)):
        client = redis.Redis.from_url(f"{base}/{db}", socket_timeout=2)
        if client.dbsize() == 0 and client.set(REDIS_CLAIM, str(os.getpid()), nx=True):
            return f"{base}/{db}"
    raise SystemExit(f"no empty Redis database to claim on {base} (--redis-db N, or --no-redis)")


# --- the run ------------------------------------------------------------------------------------------


def fmt_ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def row(label: str, r: Run) -> str:
    rps = r.ok / r.elapsed if r.elapsed else 0.0
    return (f"{label:<22} {r.requests:>8} {r.errors:>6} {rps:>9.1f} {fmt_ms(percentile(r.latency, 50)):>8} "
            f"{fmt_ms(percentile(r.latency, 99)):>8} {r.server_cpu * 1000 / max(r.requests, 1):>9.2f} "
            f"{100 * r.client_cpu / max(r.elapsed, 1e-9):>8.0f}% {100 * r.machine_busy:>6.0f}%")


def summary(r: Run) -> dict[str, Any]:
    return {"requests": r.requests, "ok": r.ok, "errors": r.errors, "rps": r.ok / r.elapsed if r.elapsed else 0.0,
            "p50_ms": percentile(r.latency, 50) / 1000, "p95_ms": percentile(r.latency, 95) / 1000,
            "p99_ms": percentile(r.latency, 99) / 1000, "cpu_ms_per_req": r.server_cpu * 1000 / max(r.requests, 1),
            "machine_busy": r.machine_busy}


def loadavg() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "?"


COUNTED_QUERY = (
    "import json\n"
    "from django.db.models import Count, Max\n"
    "from xuncha.intake.models import Report\n"
    "from xuncha.audit.models import AuditEvent\n"
    "from xuncha.triage.models import Triage\n"
    "qs = Report.objects.filter(inspection_id=%d)\n"
    "agg = qs.aggregate(n=Count('id'), top=Max('number'), numbers=Count('number', distinct=True))\n"
    "agg['audited'] = AuditEvent.objects.filter(action='report.register').count()\n"
    "agg['triaged'] = Triage.objects.filter(report__inspection_id=%d).count()\n"
    "agg['unsealed'] = AuditEvent.objects.filter(seq__isnull=True).count()\n"
    "print(json.dumps(agg))\n"
)


def main(argv: list[str]) -> int:
    if argv[:1] == ["_client"]:
        return client_main(argv[1:])
    cores = len(os.sched_getaffinity(0))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--seconds", type=float, default=20.0, help="duration of each timed phase (default 20)")
    p.add_argument("--rounds", type=int, default=2, help="rounds of the saturation phases, endpoints alternated (default 2)")
    p.add_argument("--connections", type=int, default=16, help="concurrent connections of the saturation phases (default 16)")
    p.add_argument("--rates", default="25,50,100", help="offered rates of the open-loop phases, req/s (default 25,50,100)")
    p.add_argument("--workers", type=int, default=2 * cores, help=f"gunicorn workers (default 2 x cores = {2 * cores})")
    p.add_argument("--celery-workers", type=int, default=1, help="Celery worker processes running triage (with Redis; default 1)")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds of untimed load on each endpoint first (default 3)")
    p.add_argument("--bodies", type=int, default=5000, help="distinct submissions generated and cycled (default 5000)")
    p.add_argument("--client", choices=["auto", "wrk", "python"], default="auto",
                   help="load generator of the GET baseline (auto: wrk if installed); POSTs use the python client (varied bodies)")
    p.add_argument("--db", choices=["auto", "postgres", "sqlite"], default="auto",
                   help="auto: PostgreSQL from DATABASE_URL or 127.0.0.1:5432 if reachable, else SQLite")
    p.add_argument("--database-url", default="", help="PostgreSQL server to create the throwaway database on")
    p.add_argument("--redis-url", default="", help=f"Redis server for the cache and Celery broker (default {DEFAULT_REDIS})")
    p.add_argument("--redis-db", type=int, default=-1, help="Redis database number of this run (default: the highest empty one)")
    p.add_argument("--no-redis", action="store_true", help="no Redis: per-process cache, triage by drain threads (the embedded deployment)")
    p.add_argument("--drain-timeout", type=float, default=600.0, help="seconds to wait for triage to catch up (default 600)")
    p.add_argument("--json", default="", help="write the figures as JSON to this file")
    p.add_argument("--quick", action="store_true", help="smoke test: 1 round of 3 s each, 1 s warm-up, rates of 3 s")
    a = p.parse_args(argv)
    if a.quick:
        a.seconds, a.rounds, a.warmup = 3.0, 1, 1.0
    rates = [float(r) for r in a.rates.split(",") if r.strip()]
    if a.seconds <= 0 or a.seconds > 600 or not 1 <= a.rounds <= 10 or not 1 <= a.connections <= 1024:
        p.error("--seconds in (0, 600], --rounds in 1..10, --connections in 1..1024")
    client = a.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    elif client == "wrk" and not shutil.which("wrk"):
        p.error("wrk is not installed (apt-get install wrk), use --client python")

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    bench = Bench(a)
    try:
        print(f"xuncha intake benchmark (load average {loadavg()}, {cores} cores)")
        bench.configure()
        print(f"  database: {bench.db_label}")
        where = f"Redis {bench.redis_url} (this run only, flushed at the end)" if bench.redis_url else "local memory; triage by the drain threads"
        print(f"  cache and broker: {where}")
        bodies = make_bodies(a.bodies)
        bodies_file = bench.tmp / "bodies.jsonl"
        bodies_file.write_text("\n".join(bodies) + "\n")
        inspection_id = bench.prepare()
        bench.start_server()
        bench.start_worker()
        assert bench.server is not None
        server_pid = bench.server.pid
        intake_path = f"/api/v1/public/inspections/{inspection_id}/reports"
        print(f"  server: gunicorn xuncha.wsgi, {a.workers} sync workers, {HOST}:{bench.port}, settings bench.minimal.settings; "
              f"triage: {f'{a.celery_workers} Celery worker(s)' if bench.redis_url else 'drain threads after the response (embedded)'}")
        print(f"  client: {client} (GET) / python (POST, {len(bodies)} varied bodies), {a.connections} connections, "
              f"{a.seconds:g} s per phase, {a.rounds} round(s); open loop at {', '.join(f'{r:g}' for r in rates)} req/s")

        req = urllib.request.Request(f"http://{HOST}:{bench.port}{intake_path}", data=bodies[0].encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                first = (r.status, r.read().decode())
        except urllib.error.HTTPError as exc:
            first = (exc.code, exc.read().decode())
        print(f"  first submission: {first[0]} {first[1][:120]}")
        if first[0] != 201:
            raise RuntimeError(f"the public API did not accept a valid body:\n{bench.log_tail()}")

        endpoints = {"ping": ("GET", MINIMAL_PATH, None, 200), "insert": ("POST", INSERT_PATH, bodies_file, 201),
                     "intake": ("POST", intake_path, bodies_file, 201)}
        sent = {"n": 1}

        def phase(name: str, seconds: float, rate: float = 0.0) -> Run:
            method, path, body_file, expected = endpoints[name]
            offset = sent["n"] if name == "intake" else 0
            if name == "ping" and client == "wrk" and not rate:
                fn = lambda: run_wrk(bench.port, method, path, None, seconds, a.connections, bench.tmp)  # noqa: E731
            else:
                fn = lambda: run_python_client(bench.port, method, path, body_file, seconds, a.connections, rate, offset)  # noqa: E731
            run = measured(fn, server_pid, expected)
            if name == "intake":
                sent["n"] += run.requests
            settle()
            return run

        def settle(limit: float = 120.0) -> None:
            """Wait until the server has worked off what an overloaded phase left queued (requests the
            client gave up on are still served), so that it does not count against the next phase."""
            deadline = time.monotonic() + limit
            while time.monotonic() < deadline:
                t = time.perf_counter()
                with contextlib.suppress(OSError), urllib.request.urlopen(f"http://{HOST}:{bench.port}{MINIMAL_PATH}", timeout=30):
                    if time.perf_counter() - t < 0.25:
                        return
                time.sleep(0.5)

        counted_query = COUNTED_QUERY % (inspection_id, inspection_id)
        warm = [phase(name, a.warmup) for name in endpoints]
        before = bench.query(counted_query)
        runs: dict[str, list[Run]] = {name: [] for name in endpoints}
        for i in range(a.rounds):
            for name in endpoints:
                r = phase(name, a.seconds)
                runs[name].append(r)
                print(f"  round {i + 1} {name:<6}: {r.ok / r.elapsed:8.1f} req/s, p50 {fmt_ms(percentile(r.latency, 50))} ms, "
                      f"p99 {fmt_ms(percentile(r.latency, 99))} ms, {r.errors} errors {dict(r.statuses)}")
        open_runs: dict[str, dict[float, Run]] = {"insert": {}, "intake": {}}
        for rate in rates:
            for name in ("insert", "intake"):
                r = phase(name, a.seconds, rate)
                open_runs[name][rate] = r
                print(f"  open loop {rate:g}/s {name:<6}: p50 {fmt_ms(percentile(r.latency, 50))} ms, "
                      f"p95 {fmt_ms(percentile(r.latency, 95))} ms, p99 {fmt_ms(percentile(r.latency, 99))} ms, "
                      f"{r.errors} errors {dict(r.statuses)}")
        time.sleep(2)  # let requests the client abandoned at the end of the last phase finish on the server
        # Triage: after the response, by the Celery worker (Redis) or the gunicorn workers' drain threads
        # (embedded, issue 17); how long they need after the load is their backlog.
        t_drain = time.perf_counter()
        after = bench.query(counted_query)
        backlog = after["n"] - after["triaged"]  # reports the worker had not triaged yet when the load ended
        while after["triaged"] < after["n"] and time.perf_counter() - t_drain < a.drain_timeout:
            time.sleep(2)
            after = bench.query(counted_query)
        drain_s = time.perf_counter() - t_drain
        # Audit events are sealed into the chain after their commit (xuncha/audit/sealing.py): wait for the
        # sealer, so that audit_verify checks every event of the run.
        unsealed_at_end = after["unsealed"]
        while after["unsealed"] and time.perf_counter() - t_drain < a.drain_timeout:
            time.sleep(1)
            after = bench.query(counted_query)
        seal_s = time.perf_counter() - t_drain - drain_s
        audit = bench.manage("audit_verify", timeout=600).strip()

        merged = {name: merge(rs) for name, rs in runs.items()}
        print()
        print(f"{'endpoint (saturation)':<22} {'requests':>8} {'errors':>6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'cpu ms/req':>9} {'client':>9} {'busy':>7}")
        for name, r in merged.items():
            print(row(name, r))
        rps = {name: r.ok / r.elapsed for name, r in merged.items()}
        print()
        print(f"ratio intake/durable insert: throughput {rps['intake'] / rps['insert']:.3f} (goal >= 0.5); "
              f"intake/nothing: {rps['intake'] / rps['ping']:.3f} ({rps['ping'] / rps['intake']:.1f}x slower); "
              f"insert/nothing: {rps['insert'] / rps['ping']:.3f}")
        for rate in rates:
            o, b = open_runs["intake"][rate], open_runs["insert"][rate]
            print(f"open loop {rate:g} req/s: intake p50 {fmt_ms(percentile(o.latency, 50))} p95 {fmt_ms(percentile(o.latency, 95))} "
                  f"p99 {fmt_ms(percentile(o.latency, 99))} ms ({o.ok}/{o.requests} ok) | durable insert p50 "
                  f"{fmt_ms(percentile(b.latency, 50))} p99 {fmt_ms(percentile(b.latency, 99))} ms")
        triaged_in_phases = after["triaged"] - before["triaged"]
        print(f"audit sealing: {unsealed_at_end} events waited for the sealer when the load and triage ended; "
              f"{after['unsealed']} left after {seal_s:.1f} s more")
        print(f"triage: {after['triaged']:,} of {after['n']:,} reports triaged; "
              + (f"the Celery worker needed {drain_s:.1f} s after the load to drain the broker" if bench.redis_url
                 else f"the drain threads needed {drain_s:.1f} s after the load (embedded deployment)"))

        intake = merge([*runs["intake"], *open_runs["intake"].values()])
        codes_file = bench.tmp / "receipt_codes.txt"
        codes_file.write_text("\n".join(intake.receipt_codes))
        found = bench.query(
            "import json\n"
            "from pathlib import Path\n"
            "from xuncha.core import crypto\n"
            "from xuncha.keys import key_ring\n"
            "from xuncha.intake.models import Report\n"
            f"codes = Path({str(codes_file)!r}).read_text().split()\n"
            "hashes = [crypto.receipt_code_hash(key_ring(), c) for c in codes]\n"
            f"found = sum(Report.objects.filter(inspection_id={inspection_id}, receipt_hash__in=hashes[i:i + 1000]).count()"
            " for i in range(0, len(hashes), 1000))\n"
            "print(json.dumps({'codes': len(codes), 'distinct': len(set(codes)), 'found': found}))\n"
        )
        created, ok = after["n"] - before["n"], intake.ok
        audited = after["audited"] - before["audited"]
        abandoned = created - ok
        contiguous = after["numbers"] == after["n"] == after["top"]
        # Abandoned: at most one per connection at the end of each saturation phase, plus every open-loop
        # request the client gave up on (10 s timeout) that the server still registered.
        max_abandoned = a.connections * a.rounds + sum(r.socket_errors for r in open_runs["intake"].values())
        lost = not (found["codes"] == found["distinct"] == found["found"] == ok and 0 <= abandoned <= max_abandoned
                    and audited == created and contiguous and after["triaged"] == after["n"] and not after["unsealed"])
        print(f"nothing lost: {'OK' if not lost else 'MISMATCH'} - {ok} answers 201, {found['distinct']} distinct receipt codes, "
              f"{found['found']} of them open their report; {created} reports created in the timed phases "
              f"({abandoned} answered after the client stopped listening, at most {max_abandoned} possible); {audited} audit events; "
              f"numbers 1..{after['top']} unique and contiguous: {contiguous}; all triaged: {after['triaged'] == after['n']}; "
              f"audit_verify: {audit.splitlines()[-1] if audit else '?'}")
        warm_errors = sum(w.errors for w in warm)
        if warm_errors:
            print(f"  (warm-up: {warm_errors} errors {[dict(w.statuses) for w in warm]})")
        errors = sum(r.errors for r in merged.values()) + sum(r.errors for d in open_runs.values() for r in d.values())
        if a.json:
            Path(a.json).write_text(json.dumps({
                "db": "postgresql" if bench.pg_server else "sqlite", "loadavg": loadavg(), "cores": cores,
                "saturation": {name: summary(r) for name, r in merged.items()},
                "open_loop": {name: {f"{rate:g}": summary(r) for rate, r in d.items()} for name, d in open_runs.items()},
                "triage": {"triaged": after["triaged"], "reports": after["n"], "in_phases": triaged_in_phases, "backlog": backlog,
                           "drain_s": drain_s, "inline": False},
                "lost": lost, "errors": errors,
            }, indent=1))
        return 1 if lost or errors else 0
    except KeyboardInterrupt:
        print("\ninterrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        bench.cleanup()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
