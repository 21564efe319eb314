"""The product run as operators run it, for the live tests and bench/reliability.py: a throwaway data
folder, gunicorn, Celery worker and beat, a redis-server and a fresh PostgreSQL database, each a real
process on a free loopback port. Every process is started in its own session, its output goes to a
log file in the deployment's folder, and stop() ends them all (TERM, then KILL)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def postgres_url() -> str | None:
    """A PostgreSQL server to create a database on: DATABASE_URL when it is one, else the local default;
    None when none answers (the live tests then skip)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = os.environ.get("XUNCHA_TEST_PG", DEFAULT_PG)
    try:
        import psycopg

        with psycopg.connect(_libpq(url), connect_timeout=3):
            return url
    except Exception:  # noqa: BLE001 - unreachable, refused, not installed: no PostgreSQL
        return None


def _libpq(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@contextlib.contextmanager
def fresh_postgres(base_url: str, prefix: str = "xuncha_live") -> Iterator[str]:
    import psycopg

    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(_libpq(base_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_db(base_url, name)
    finally:
        with psycopg.connect(_libpq(base_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Deployment:
    def __init__(self, root: Path, *, database_url: str = "", redis_url: str = "", env: dict[str, str] | None = None) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.env = {k: v for k, v in os.environ.items()
                    if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "TEST_DB_NAME"}}
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "xuncha.settings",
            "XUNCHA_VAR_DIR": str(root / "var"),
            "XUNCHA_KEY_FILE": str(root / "keys" / "identity.key"),
            "SECRET_KEY": secrets.token_hex(32),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "WARNING",
            "PUBLIC_API_POW_BITS": "4",  # the public API's proof of work, kept cheap for the clients here
        })
        if database_url:
            self.env["DATABASE_URL"] = database_url
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        self.env.update(env or {})
        self.url = ""
        self.started_at = 0.0

    # --- commands -------------------------------------------------------------------------------

    def manage(self, *args: str, env: dict[str, str] | None = None, check: bool = True, timeout: float = 300) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout + done.stderr

    def setup(self) -> None:
        """What `make run` does before serving: migrate, the cache table, the demo (without its reports)."""
        self.manage("migrate", "--noinput", "-v0")
        self.manage("createcachetable")
        self.manage("load_demo", "--if-empty", "--no-reports")

    # --- processes ------------------------------------------------------------------------------

    def start(self, name: str, argv: Sequence[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        log = open(self.root / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the process's life
        proc = subprocess.Popen(list(argv), cwd=ROOT, env={**self.env, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        log.close()
        self.procs[name] = proc
        return proc

    def gunicorn(self, *, workers: int = 2, threads: int = 1, port: int = 0, env: dict[str, str] | None = None,
                 timeout: float = 60) -> str:
        port = port or free_port()
        self.start("gunicorn", [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "xuncha.wsgi", "--bind", f"{HOST}:{port}",
                                "--workers", str(workers), "--threads", str(threads), "--timeout", "30",
                                "--access-logfile", str(self.root / "access.log"),
                                "--access-logformat", "%(p)s %(m)s %(U)s %(s)s"], env=env)
        self.url = f"http://{HOST}:{port}"
        self.started_at = time.monotonic()
        self.wait_http("/accounts/login/", timeout=timeout)
        return self.url

    def celery(self, what: str, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        argv = [str(BIN / "celery"), "-A", "xuncha", what, "-l", "warning", *extra]
        if what == "beat":
            argv += ["-s", str(self.root / "beat-schedule")]
        return self.start(f"celery-{what}", argv, env=env)

    def wait_http(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self.procs.get("gunicorn")
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log('gunicorn')}")
            with contextlib.suppress(OSError):
                status, _, _ = request("GET", self.url + path, timeout=2)
                if status < 500:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.url}{path} did not answer within {timeout} s:\n{self.log('gunicorn')}")

    def log(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self, name: str | None = None, sig: int = signal.SIGTERM, wait: float = 10) -> None:
        for key in [name] if name else list(self.procs):
            proc = self.procs.pop(key, None)
            if proc is None or proc.poll() is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    # --- reading the database directly (no Django in the test process) --------------------------

    def sql(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.database_url:
            import psycopg

            with psycopg.connect(_libpq(self.database_url)) as conn:
                return list(conn.execute(query.replace("?", "%s"), params).fetchall())
        with contextlib.closing(sqlite3.connect(self.root / "var" / "xuncha.sqlite3", timeout=20)) as conn:
            return list(conn.execute(query, params).fetchall())

    def practice_public_id(self) -> str:
        [(public_id,)] = self.sql("SELECT public_id FROM inspections_inspection WHERE is_practice = ?", [True])
        return str(uuid.UUID(str(public_id)))


def request(method: str, url: str, body: dict[str, Any] | None = None, timeout: float = 15,
            source: str | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request on a new connection, optionally from another loopback address (`source`, e.g.
    127.0.0.2: another client as far as the rate limits can tell)."""
    parts = urlsplit(url)
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    conn = http.client.HTTPConnection(parts.hostname or HOST, parts.port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        sent = {"Content-Type": "application/json"} if data else {}
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=data, headers={**sent, **(headers or {})})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def public_submit(base_url: str, public_id: str, body: dict[str, Any], timeout: float = 15,
                  source: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """A public API submission as a client makes it: fetch a challenge, do the work, submit with both headers."""
    from xuncha.portal.challenge import HEADER, NONCE_HEADER, solve

    status, _, raw = request("GET", f"{base_url}/api/v1/public/challenge", timeout=timeout, source=source)
    if status != 200:
        return status, {}, raw
    issued = json.loads(raw)
    headers = {HEADER: issued["challenge"], NONCE_HEADER: solve(issued["challenge"], int(issued["difficulty"]))}
    return request("POST", f"{base_url}/api/v1/public/inspections/{public_id}/reports", body, timeout=timeout,
                   source=source, headers=headers)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A redis-server of its own on a free port, nothing saved to disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server not installed")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
            time.sleep(0.05)
        yield f"redis://{HOST}:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class TcpProxy:
    """A loopback TCP proxy in front of a server (PostgreSQL): cut() drops every connection and refuses new
    ones, as a stopped server or a broken network would; restore() listens again on the same port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        import threading

        self.target = (target_host, target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        import threading

        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            conns, self._conns = self._conns, []
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def _accept(self, listener: socket.socket) -> None:
        import threading

        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
