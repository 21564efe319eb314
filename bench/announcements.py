"""Benchmark the announcement parser against the corpus: field-level precision/recall and time.

Run from the repository root: ``python bench/announcements.py``. It scores two corpora:
``tests/corpus/announcements`` (written alongside the parser; the unit tests assert it) and
``tests/corpus/announcements_heldout`` (written by someone who never read the parser, not tuned
against: the honest figure). Give a directory to score only that one.

Every non-empty expected value is one fact (a list field such as ``targets`` or ``channels``
contributes one fact per item; a channel fact is its kind, value, postcode, location and hours
together; a boolean counts only when true). Precision = correct predicted facts / predicted
facts, recall = correct predicted facts / expected facts. Inspections are paired by position.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xuncha.core.announcement import parse_announcement  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "announcements"
HELDOUT = ROOT / "tests" / "corpus" / "announcements_heldout"
# Real published announcements (tests/corpus/announcements_real/README.md): `dev` may be looked at while
# improving the parser; `heldout` is never tuned on — its figure is the one that measures the real world.
REAL_DEV = ROOT / "tests" / "corpus" / "announcements_real" / "dev"
REAL_HELDOUT = ROOT / "tests" / "corpus" / "announcements_real" / "heldout"
SCALARS = (
    "round", "kind", "team", "start_date", "end_date", "working_days", "duration_text",
    "intake_start", "intake_end", "scope", "postmark_counts", "holiday_calls_paused",
)
LISTS = ("targets", "channels", "supervision_phones")
FIELDS = SCALARS + LISTS


def _channel_fact(channel: dict[str, Any]) -> str:
    hours = sorted((h["days"], h["start"], h["end"]) for h in channel["hours"])
    return json.dumps([channel["kind"], channel["value"], channel["postcode"], channel["location"], hours],
                      ensure_ascii=False)


def facts(inspection: dict[str, Any]) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {}
    for name in SCALARS:
        value = inspection.get(name)
        out[name] = Counter() if value in (None, False, "") else Counter([json.dumps(value, ensure_ascii=False)])
    out["targets"] = Counter(inspection.get("targets", []))
    out["supervision_phones"] = Counter(inspection.get("supervision_phones", []))
    out["channels"] = Counter(_channel_fact(c) for c in inspection.get("channels", []))
    return out


def score(expected: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> dict[str, list[int]]:
    """{field: [correct, predicted, expected]} for one announcement."""
    totals = {name: [0, 0, 0] for name in FIELDS}
    for i in range(max(len(expected), len(predicted))):
        exp = facts(expected[i]) if i < len(expected) else {n: Counter() for n in FIELDS}
        got = facts(predicted[i]) if i < len(predicted) else {n: Counter() for n in FIELDS}
        for name in FIELDS:
            totals[name][0] += sum((exp[name] & got[name]).values())
            totals[name][1] += sum(got[name].values())
            totals[name][2] += sum(exp[name].values())
    return totals


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def main() -> int:
    dirs = [Path(a) for a in sys.argv[1:]] or [CORPUS, HELDOUT, REAL_DEV, REAL_HELDOUT]
    for directory in dirs:
        print(f"== {directory.relative_to(ROOT) if directory.is_relative_to(ROOT) else directory}")
        run(directory)
        print()
    return 0


def run(corpus: Path) -> None:
    files = sorted(corpus.glob("*.txt"))
    totals = {name: [0, 0, 0] for name in FIELDS}
    times: list[float] = []
    misses: list[str] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        started = time.perf_counter()
        result = parse_announcement(text, None)
        times.append(time.perf_counter() - started)
        for name, (c, p, e) in score(expected["inspections"], result["inspections"]).items():
            totals[name][0] += c
            totals[name][1] += p
            totals[name][2] += e
            if c < max(p, e):
                misses.append(f"{path.name}: {name} ({c}/{p} predicted, {c}/{e} expected)")
    print(f"announcements: {len(files)}")
    print(f"{'field':<22}{'precision':>10}{'recall':>10}{'correct':>9}{'pred':>6}{'exp':>6}")
    for name in FIELDS:
        c, p, e = totals[name]
        print(f"{name:<22}{_ratio(c, p):>10.3f}{_ratio(c, e):>10.3f}{c:>9}{p:>6}{e:>6}")
    c = sum(t[0] for t in totals.values())
    p = sum(t[1] for t in totals.values())
    e = sum(t[2] for t in totals.values())
    print(f"{'OVERALL':<22}{_ratio(c, p):>10.3f}{_ratio(c, e):>10.3f}{c:>9}{p:>6}{e:>6}")
    ms = [t * 1000 for t in times]
    p95 = statistics.quantiles(ms, n=20)[-1] if len(ms) >= 2 else ms[0]
    print(f"wall time per announcement: median {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms, "
          f"max {max(ms):.2f} ms (first call includes OpenCC/calendar loading)")
    for miss in misses:
        print("  miss:", miss)


if __name__ == "__main__":
    raise SystemExit(main())
