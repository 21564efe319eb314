"""A real IMAP server for the tests: Debian's dovecot, run in the foreground on a free loopback port.

Throwaway configuration: users from a passwd-file (plain-text passwords, allowed in clear because
the server listens on 127.0.0.1 only), Maildir storage in a temporary directory, no SSL, no syslog.
Test mail is delivered by writing files into the user's Maildir `new/` (which also lets a test set
the server's INTERNALDATE, the file's modification time).

Use it from a test module with:

    from tests import imapserver
    imap_server = imapserver.imap_server  # makes the fixture visible to the module's tests

When the tests run as root, dovecot insists that its login and internal processes are unprivileged:
they run as Debian's `dovenull`/`dovecot` users and the mail belongs to `dovecot`; the directory is
made traversable for them. As an ordinary user everything runs as that user.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import grp
import imaplib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

DOVECOT = os.environ.get("DOVECOT_PATH", "/usr/sbin/dovecot")
HOST = "127.0.0.1"
PASSWORD = "secret"  # every test user's password
USERS = 200

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = {host}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
  default_fields = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
  # No authentication penalty: the tests fail logins on purpose and must not be slowed down.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class ImapServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.host = HOST
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._names = itertools.count(1)
        self._users = itertools.count(1)
        if os.geteuid() == 0:
            self.uid, self.gid = pwd.getpwnam("dovecot").pw_uid, grp.getgrnam("dovecot").gr_gid
            self.users = {"internal_user": "dovecot", "internal_group": "dovecot", "login_user": "dovenull"}
        else:
            self.uid, self.gid = os.getuid(), os.getgid()
            me, group = pwd.getpwuid(self.uid).pw_name, grp.getgrgid(self.gid).gr_name
            self.users = {"internal_user": me, "internal_group": group, "login_user": me}

    # -- lifecycle --

    def start(self) -> None:
        (self.root / "mail").mkdir(parents=True)
        (self.root / "home").mkdir()
        # dovecot re-reads a passwd-file at most once a second: every user exists from the start.
        (self.root / "passwd").write_text("".join(f"user{n}:{{PLAIN}}{PASSWORD}::::::\n" for n in range(1, USERS + 1)))
        self._own(self.root / "mail", self.root / "home")
        conf = self.root / "dovecot.conf"
        conf.write_text(CONFIG.format(root=self.root, host=self.host, port=self.port, uid=self.uid, gid=self.gid, **self.users))
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode(errors="replace") if self.process.stdout else ""
                raise RuntimeError(f"dovecot exited ({self.process.returncode}): {output}\n{self.log()}")
            with contextlib.suppress(OSError), socket.create_connection((self.host, self.port), timeout=1) as s:
                if s.recv(100).startswith(b"* OK"):
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"dovecot did not answer on {self.host}:{self.port} within 20 s\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- users and mail --

    def add_user(self) -> str:
        """A user (password PASSWORD) with an empty INBOX; each test takes its own, so tests never see each other's mail."""
        number = next(self._users)
        if number > USERS:
            raise RuntimeError(f"tests.imapserver: more than {USERS} users requested; raise USERS")
        name = f"user{number}"
        maildir = self.maildir(name)
        for sub in ("new", "cur", "tmp"):
            (maildir / sub).mkdir(parents=True)
        self._own(maildir, maildir / "new", maildir / "cur", maildir / "tmp")
        return name

    def maildir(self, user: str) -> Path:
        return self.root / "mail" / user

    def deliver(self, user: str, raw: bytes, *, received: dt.datetime | None = None) -> Path:
        """Drop a message into the user's INBOX as the MTA would (tmp/ then new/)."""
        maildir = self.maildir(user)
        name = f"{time.time_ns()}.{os.getpid()}_{next(self._names)}.xuncha-test"
        tmp = maildir / "tmp" / name
        tmp.write_bytes(raw)
        if received is not None:
            stamp = received.timestamp()
            os.utime(tmp, (stamp, stamp))
        self._own(tmp)
        final = maildir / "new" / name
        tmp.rename(final)
        return final

    def message_files(self, user: str) -> list[Path]:
        maildir = self.maildir(user)
        return sorted(p for sub in ("new", "cur") for p in (maildir / sub).iterdir())

    def flags(self, user: str, password: str = PASSWORD) -> list[str]:
        """Every message's flags, read over IMAP without changing them."""
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            conn.login(user, password)
            conn.select("INBOX", readonly=True)
            typ, data = conn.fetch("1:*", "(FLAGS)")
            return [d.decode() for d in data if isinstance(d, bytes)] if typ == "OK" else []
        finally:
            conn.logout()

    def _own(self, *paths: Path) -> None:
        if os.geteuid() == 0:
            for path in paths:
                os.chown(path, self.uid, self.gid)


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    if not os.path.exists(DOVECOT):
        pytest.fail(f"dovecot not found at {DOVECOT}: run `make test` (it installs dovecot-imapd) or set DOVECOT_PATH")
    root = Path(tempfile.mkdtemp(prefix="xuncha-dovecot-"))
    root.chmod(0o755)  # the unprivileged dovecot processes must reach their sockets and the mail
    server = ImapServer(root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


# --- test mail ---------------------------------------------------------------------------------------

def png_bytes() -> bytes:
    """A real (tiny) PNG image."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def pdf_bytes(text: str = "xuncha test") -> bytes:
    """A real one-page PDF."""
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def b64(data: bytes) -> str:
    import base64

    encoded = base64.b64encode(data).decode()
    return "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def encoded_word(text: str, charset: str, encoding: str = "B", label: str = "") -> str:
    """RFC 2047 encoded words, as mail clients write them: short ones, separated by folding white space.

    `label`: the charset name to declare, if not `charset` (clients label GBK text "GB2312").
    """
    import base64

    words = []
    for start in range(0, len(text), 10):
        data = text[start : start + 10].encode(charset)
        if encoding == "B":
            payload = base64.b64encode(data).decode()
        else:
            payload = "".join(chr(b) if chr(b).isalnum() and b < 128 else f"={b:02X}" for b in data)
        words.append(f"=?{label or charset}?{encoding}?{payload}?=")
    return "\r\n ".join(words)


def crlf(text: str) -> bytes:
    """A message written in a test (LF line ends, UTF-8 where it is not ASCII) as it travels: CRLF."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()
