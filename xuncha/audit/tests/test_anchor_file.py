"""The anchor file: sequence numbers follow on from a long file; lines are parsed strictly."""

from __future__ import annotations

from pathlib import Path

from xuncha.audit.anchors import append_anchor, parse_anchor, read_anchor_file

KEY = bytes(range(32))


def test_the_sequence_follows_a_long_file_and_a_damaged_tail(tmp_path: Path) -> None:
    path = tmp_path / "anchors" / "audit-anchors.log"
    for i in range(1, 101):  # ~20 KB: more than the tail that is read
        append_anchor(path, KEY, last_id=i, count=i, head="a" * 64)
    assert path.stat().st_size > 16_000
    assert append_anchor(path, KEY, last_id=101, count=101, head="b" * 64).seq == 101
    with path.open("a") as f:
        f.write("x" * 9000 + "\n")  # a tail without an anchor: the whole file is read
    assert append_anchor(path, KEY, last_id=102, count=102, head="c" * 64).seq == 102
    content = read_anchor_file(path)
    assert [a.seq for a in content.anchors] == list(range(1, 103))
    assert content.unreadable == [102]
    assert all(a.mac_ok(KEY) for a in content.anchors)
    assert not content.anchors[0].mac_ok(bytes(32))


def test_only_whole_anchor_lines_are_read() -> None:
    line = "v1 at=2026-12-03T04:00:00.000000+00:00 seq=1 last_id=5 count=5 head=" + "a" * 64 + " mac=" + "b" * 64
    assert parse_anchor(line) is not None
    assert parse_anchor(line + " extra") is None
    assert parse_anchor(line.replace("+00:00", "")) is None  # a time without its zone
    assert parse_anchor(line.replace("count=5", "count=-5")) is None
