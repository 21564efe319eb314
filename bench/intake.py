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
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
MINIMAL_PATH = "/bench/ping"
INTAKE_BODY = json.dumps({"anonymous": True, "content": "学校食堂承包合同未经集体研究（压测数据）"}, ensure_ascii=False)
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


async def _client_conn(port: int, request: bytes, deadline: float, out: dict[str, Any]) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    while time.monotonic() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), 10)
            assert reader is not None and writer is not None
            t0 = time.perf_counter()
            writer.write(request)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:] if h)}
            payload = await asyncio.wait_for(reader.readexactly(int(headers.get("content-length", "0"))), 10)
            out["lat"].append(round((time.perf_counter() - t0) * 1e6))
            if status == 201:
                out["codes"].append(json.loads(payload).get("receipt_code", "?"))
            out["status"][status] = out["status"].get(status, 0) + 1
            if headers.get("connection", "").lower() == "close" or lines[0].startswith("HTTP/1.0"):
                writer.close()  # the sync worker closes after each response
                writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, IndexError):
            out["errors"] += 1
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


def client_main(argv: list[str]) -> int:
    """The asyncio load generator (a subprocess of the bench): prints one JSON object."""
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--method", default="GET")
    p.add_argument("--path", required=True)
    p.add_argument("--body", default=None)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--connections", type=int, required=True)
    a = p.parse_args(argv)
    body = (a.body or "").encode()
    head = f"{a.method} {a.path} HTTP/1.1\r\nHost: {HOST}:{a.port}\r\nConnection: keep-alive\r\n"
    if a.body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    request = head.encode() + b"\r\n" + body
    out: dict[str, Any] = {"lat": [], "status": {}, "errors": 0, "codes": []}

    async def drive() -> None:
        deadline = time.monotonic() + a.seconds
        await asyncio.gather(*(_client_conn(a.port, request, deadline, out) for _ in range(a.connections)))

    t0 = time.perf_counter()
    asyncio.run(drive())
    out["elapsed"] = time.perf_counter() - t0
    json.dump(out, sys.stdout)
    return 0


def run_python_client(port: int, method: str, path: str, body: str | None, seconds: float, conns: int) -> Run:
    cmd = [sys.executable, __file__, "_client", "--port", str(port), "--method", method, "--path", path,
           "--seconds", str(seconds), "--connections", str(conns)]
    if body is not None:
        cmd += ["--body", body]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"load client failed: {proc.stderr.strip()[-2000:]}")
    data = json.loads(proc.stdout)
    run = Run(path, 0, elapsed=data["elapsed"], socket_errors=data["errors"])
    run.statuses.update({int(k): v for k, v in data["status"].items()})
    run.latency = [(float(v), 1.0) for v in data["lat"]]
    run.receipt_codes = data["codes"]
    return run


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
        self.db_name = f"xuncha_bench_{os.getpid()}"
        self.redis_url: str | None = None
        self.cache_prefix = f"xuncha_bench_{os.getpid()}"
        self.server: subprocess.Popen[bytes] | None = None
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
        redis_url = a.redis_url or os.environ.get("REDIS_URL", "") or DEFAULT_REDIS
        if not a.no_redis and redis_answers(redis_url):
            self.redis_url = redis_url
            self.env["REDIS_URL"] = redis_url

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
        for step in (self.stop_server, self.drop_database, self.clear_cache):
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

        client = redis.Redis.from_url(self.redis_url, socket_timeout=5)
        keys = list(client.scan_iter(match=f"{self.cache_prefix}:*", count=1000))
        for i in range(0, len(keys), 500):
            client.delete(*keys[i : i + 500])


# --- the run ------------------------------------------------------------------------------------------


def fmt_ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def row(label: str, r: Run) -> str:
    rps = r.ok / r.elapsed if r.elapsed else 0.0
    return (f"{label:<22} {r.requests:>8} {r.errors:>6} {rps:>9.1f} {fmt_ms(percentile(r.latency, 50)):>8} "
            f"{fmt_ms(percentile(r.latency, 99)):>8} {r.server_cpu * 1000 / max(r.requests, 1):>9.2f} "
            f"{100 * r.client_cpu / max(r.elapsed, 1e-9):>8.0f}% {100 * r.machine_busy:>6.0f}%")


def main(argv: list[str]) -> int:
    if argv[:1] == ["_client"]:
        return client_main(argv[1:])
    cores = len(os.sched_getaffinity(0))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--seconds", type=float, default=20.0, help="duration of each timed phase (default 20)")
    p.add_argument("--rounds", type=int, default=2, help="minimal/intake pairs, alternated (default 2)")
    p.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    p.add_argument("--workers", type=int, default=2 * cores, help=f"gunicorn workers (default 2 x cores = {2 * cores})")
    p.add_argument("--warmup", type=float, default=3.0, help="seconds of untimed load on each endpoint first (default 3)")
    p.add_argument("--client", choices=["auto", "wrk", "python"], default="auto", help="load generator (auto: wrk if installed)")
    p.add_argument("--db", choices=["auto", "postgres", "sqlite"], default="auto",
                   help="auto: PostgreSQL from DATABASE_URL or 127.0.0.1:5432 if reachable, else SQLite")
    p.add_argument("--database-url", default="", help="PostgreSQL server to create the throwaway database on")
    p.add_argument("--redis-url", default="", help=f"Redis for the shared cache (default REDIS_URL or {DEFAULT_REDIS})")
    p.add_argument("--no-redis", action="store_true", help="per-process memory cache even if Redis answers")
    p.add_argument("--quick", action="store_true", help="smoke test: 1 round of 3 s each, 1 s warm-up")
    a = p.parse_args(argv)
    if a.quick:
        a.seconds, a.rounds, a.warmup = 3.0, 1, 1.0
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
        print("xuncha intake benchmark")
        bench.configure()
        print(f"  database: {bench.db_label}")
        print(f"  cache: {'Redis ' + (bench.redis_url or '') if bench.redis_url else 'local memory (per worker)'}")
        inspection_id = bench.prepare()
        bench.start_server()
        assert bench.server is not None
        server_pid = bench.server.pid
        intake_path = f"/api/v1/public/inspections/{inspection_id}/reports"
        print(f"  server: gunicorn xuncha.wsgi, {a.workers} sync workers, {HOST}:{bench.port}, "
              f"settings bench.minimal.settings, {cores} cores")
        print(f"  client: {client}, {a.connections} connections, {a.seconds:g} s per phase, {a.rounds} round(s)")

        # A first submission, to see that the endpoint works before loading it.
        req = urllib.request.Request(f"http://{HOST}:{bench.port}{intake_path}", data=INTAKE_BODY.encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                first = (r.status, r.read().decode())
        except urllib.error.HTTPError as exc:
            first = (exc.code, exc.read().decode())
        print(f"  first submission: {first[0]} {first[1][:120]}")
        if first[0] != 201:
            raise RuntimeError(f"the public API did not accept the smallest valid body:\n{bench.log_tail()}")

        def phase(path: str, seconds: float) -> Run:
            is_intake = path == intake_path
            method, body, expected = ("POST", INTAKE_BODY, 201) if is_intake else ("GET", None, 200)
            if client == "wrk":
                fn = lambda: run_wrk(bench.port, method, path, body, seconds, a.connections, bench.tmp)  # noqa: E731
            else:
                fn = lambda: run_python_client(bench.port, method, path, body, seconds, a.connections)  # noqa: E731
            return measured(fn, server_pid, expected)

        counted_query = (
            "import json\n"
            "from django.db.models import Count, Max\n"
            "from xuncha.intake.models import Report\n"
            "from xuncha.audit.models import AuditEvent\n"
            f"qs = Report.objects.filter(inspection_id={inspection_id})\n"
            "agg = qs.aggregate(n=Count('id'), top=Max('number'), numbers=Count('number', distinct=True))\n"
            "agg['audited'] = AuditEvent.objects.filter(action='report.register').count()\n"
            "print(json.dumps(agg))\n"
        )
        warm = [phase(MINIMAL_PATH, a.warmup), phase(intake_path, a.warmup)]
        before = bench.query(counted_query)
        runs: dict[str, list[Run]] = {MINIMAL_PATH: [], intake_path: []}
        for i in range(a.rounds):
            for path in (MINIMAL_PATH, intake_path):
                r = phase(path, a.seconds)
                runs[path].append(r)
                print(f"  round {i + 1} {'minimal' if path == MINIMAL_PATH else 'intake '}: {r.ok / r.elapsed:8.1f} req/s, "
                      f"p50 {fmt_ms(percentile(r.latency, 50))} ms, p99 {fmt_ms(percentile(r.latency, 99))} ms, "
                      f"{r.errors} errors {dict(r.statuses)}")
        time.sleep(2)  # let requests the client abandoned at the end of the last phase finish on the server
        after = bench.query(counted_query)
        audit = bench.manage("audit_verify", timeout=600).strip()

        mini, intake = merge(runs[MINIMAL_PATH]), merge(runs[intake_path])
        print()
        print(f"{'endpoint':<22} {'requests':>8} {'errors':>6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'cpu ms/req':>9} {'client':>9} {'busy':>7}")
        for i, (m, n) in enumerate(zip(runs[MINIMAL_PATH], runs[intake_path], strict=True)):
            if a.rounds > 1:
                print(row(f"GET /bench/ping #{i + 1}", m))
                print(row(f"POST intake API #{i + 1}", n))
        print(row("GET /bench/ping", mini))
        print(row("POST intake API", intake))
        m_rps, i_rps = mini.ok / mini.elapsed, intake.ok / intake.elapsed
        print()
        print(f"ratio intake/minimal: throughput {i_rps / m_rps:.3f} ({m_rps / i_rps:.1f}x slower), "
              f"p50 {percentile(intake.latency, 50) / percentile(mini.latency, 50):.1f}x, "
              f"p99 {percentile(intake.latency, 99) / percentile(mini.latency, 99):.1f}x, "
              f"worker CPU per request {intake.server_cpu / max(intake.requests, 1) / max(mini.server_cpu / max(mini.requests, 1), 1e-9):.1f}x")
        print("  (cpu ms/req: gunicorn workers' CPU per request; client: load generator's CPU as a share of one core;"
              " busy: all cores of the machine, database and everything else included)")

        # Nothing lost: every receipt code handed out (201) opens its report, and every report created is
        # either one of those or a request the client abandoned when a phase ended (wrk stops without
        # waiting for the answers in flight: at most one per connection; the asyncio client waits).
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
        max_abandoned = a.connections * a.rounds if client == "wrk" else 0
        contiguous = after["numbers"] == after["n"] == after["top"]
        lost = not (found["codes"] == found["distinct"] == found["found"] == ok and 0 <= abandoned <= max_abandoned
                    and audited == created and contiguous)
        print(f"nothing lost: {'OK' if not lost else 'MISMATCH'} - {ok} answers 201, {found['distinct']} distinct receipt codes, "
              f"{found['found']} of them open their report; {created} reports created in the timed phases "
              f"({abandoned} answered after the client stopped listening at the end of a phase, at most {max_abandoned} possible); "
              f"{audited} audit events; numbers 1..{after['top']} unique and contiguous: {contiguous}; "
              f"audit_verify: {audit.splitlines()[-1] if audit else '?'}")
        warm_errors = sum(w.errors for w in warm)
        if warm_errors:
            print(f"  (warm-up: {warm_errors} errors {[dict(w.statuses) for w in warm]})")
        client_share = mini.client_cpu / mini.elapsed
        print(f"client check: on the minimal view the load generator used {100 * client_share:.0f}% of one core "
              f"({cores} cores); the workers used {100 * mini.server_cpu / mini.elapsed / cores:.0f}% of all cores.")
        if intake.errors or mini.errors:
            print(f"ERRORS: intake {dict(intake.statuses)} + {intake.socket_errors} socket errors; "
                  f"minimal {dict(mini.statuses)} + {mini.socket_errors} socket errors")
        return 1 if lost or intake.errors or mini.errors else 0
    except KeyboardInterrupt:
        print("\ninterrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        bench.cleanup()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
