"""Text of Word 97-2003 documents (.doc, and WPS files saved in that format), bounded in time, size and memory.

The binary Word format is read by wvWare (Debian package `wv`), run as a child process: on real Chinese
documents it read every paragraph whole, where catdoc turned some into mojibake and antiword refused the
short ones (bench/doc_text.py, bench/README.md). The file is piped to it (the plaintext of a
sealed attachment never touches the disk), the child runs in an empty temporary folder under a memory
limit, its output is read up to a limit (a hostile piece table can repeat the same text without end)
and it is killed at the time limit. Pure Python (no Django).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
READER = "wvWare"
PACKAGE = "wv"
MAX_INPUT_BYTES = 64 * 1024 * 1024
MAX_MEMORY_KB = 512 * 1024  # the child's address space; wvWare needs ~20 MB on ordinary documents
TIMEOUT_SECONDS = 20.0
OUTPUT_SLACK_BYTES = 65536  # room in the output, beyond the text's own bytes, for wvWare's layout
_WORD_STREAM = "WordDocument".encode("utf-16-le")  # the name of the main stream in the compound file's directory
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n{3,}")


class Word97Error(Exception):
    """The reader is missing, the file is damaged, or reading went over a limit; the message is Chinese."""


class ReaderMissing(Word97Error):
    """wvWare is not installed (or its installation is incomplete)."""


def is_word97(content: bytes) -> bool:
    """An OLE compound file holding a Word document (not an Excel or PowerPoint 97-2003 file)."""
    return content.startswith(OLE_MAGIC) and _WORD_STREAM in content


def reader_path() -> str | None:
    return shutil.which(READER)


def reader_available() -> bool:
    return reader_path() is not None


def missing_message() -> str:
    return f"服务器未安装 Word 97-2003 文档读取程序 {READER}（Debian 软件包 {PACKAGE}），无法读取 .doc 文件的文字。"


def read_word97(content: bytes, *, max_chars: int = 200_000, timeout: float = TIMEOUT_SECONDS) -> str:
    """The document's text, at most `max_chars` characters (a longer text is cut, not refused).
    Raises Word97Error when it cannot be read."""
    program = reader_path()
    if program is None:
        raise ReaderMissing(missing_message())
    if len(content) > MAX_INPUT_BYTES:
        raise Word97Error(f"文件超过 {MAX_INPUT_BYTES // (1024 * 1024)} MB，未读取其文字。")
    config = Path(program).resolve().parent.parent / "share" / "wv" / "wvText.xml"
    if not config.is_file():
        raise ReaderMissing(f"{READER} 的安装不完整（缺少 {config}），请重新安装 Debian 软件包 {PACKAGE}。")
    limit = max_chars * 4 + OUTPUT_SLACK_BYTES  # bytes of UTF-8 output that can hold max_chars characters
    # `ulimit -v` bounds the child's memory; the program and its arguments are passed as "$0" "$@", never
    # spliced into the shell's text.
    command = ["sh", "-c", f'ulimit -v {MAX_MEMORY_KB} && exec "$0" "$@"',
               program, "-1", "-c", "utf-8", "-x", str(config), "/dev/stdin"]
    with tempfile.TemporaryDirectory(prefix="xuncha-doc-") as folder:
        out, returncode, capped, timed_out = _run(command, content, limit=limit, timeout=timeout, cwd=folder)
    if timed_out:
        raise Word97Error(f"读取 Word 文件超时（{timeout:g} 秒），文件可能已损坏或过于复杂。")
    if returncode != 0 and not capped:
        raise Word97Error("无法读取该 Word 97-2003 文件（文件可能已损坏或已加密）。")
    return tidy(out.decode("utf-8", errors="replace"))[:max_chars]


def tidy(text: str) -> str:
    """wvWare's text layout: table cells end with BEL, paragraphs in tables with CR; blank runs shrink."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x07", "\t")
    text = _CONTROL.sub("", text)
    lines = [line.strip(" \t") for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _run(command: list[str], content: bytes, *, limit: int, timeout: float, cwd: str) -> tuple[bytes, int, bool, bool]:
    """Run `command` with `content` on its standard input; (output up to `limit` bytes, return code,
    whether the output was cut at the limit, whether the time ran out). The child is killed on either."""
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,  # noqa: S603 - fixed program
                            cwd=cwd, start_new_session=True)
    assert proc.stdin is not None and proc.stdout is not None
    stdin, stdout = proc.stdin, proc.stdout
    chunks: list[bytes] = []
    state = {"read": 0, "capped": False}

    def feed() -> None:
        with contextlib.suppress(OSError):  # the child stopped reading (a damaged file, or it was killed)
            stdin.write(content)
        with contextlib.suppress(OSError):
            stdin.close()

    def drain() -> None:
        while True:
            chunk = os.read(stdout.fileno(), 65536)
            if not chunk:
                return
            room = limit - state["read"]
            chunks.append(chunk[:room])
            state["read"] += min(len(chunk), room)
            if len(chunk) >= room:
                state["capped"] = True
                proc.kill()
                return

    writer = threading.Thread(target=feed, name="xuncha-doc-feed", daemon=True)
    reader = threading.Thread(target=drain, name="xuncha-doc-drain", daemon=True)
    deadline = time.monotonic() + timeout
    writer.start()
    reader.start()
    reader.join(timeout)
    timed_out = reader.is_alive()
    if timed_out:
        proc.kill()
    reader.join()
    try:
        returncode = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:  # it closed its output but goes on (reading its input without end)
        proc.kill()
        returncode = proc.wait()
        timed_out = True
    writer.join()
    stdout.close()
    return b"".join(chunks), returncode, bool(state["capped"]), timed_out and not state["capped"]
