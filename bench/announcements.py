"""Benchmark the announcement parser against the corpus: field-level precision/recall and time.

Run from the repository root: ``python bench/announcements.py``. It scores two corpora:
``tests/corpus/announcements`` (written alongside the parser; the unit tests assert it) and
``tests/corpus/announcements_heldout`` (written by someone who never read the parser, not tuned
against: the honest figure). Give a directory to score only that one.

Every non-empty expected value is one fact (a list field such as ``targets`` or ``channels``
contributes one fact per item; a channel fact is its kind, value, postcode, location and hours
together; a boolean counts only when true). Precision = correct predicted facts / predicted
facts, recall = correct predicted facts / expected facts.

Comparison and alignment (see bench/README.md):

- Text values on both sides go through ``clean_text`` before comparison: the parser answers in the
  cleaned, simplified text (``，``, ``巡视``) while the real corpus quotes the page as found (``,``,
  ``巡視``). Only the character form is normalised; the words must match.
- In the real corpus (expectation files with a ``source``: one item = team × target), a predicted
  inspection with N targets counts as N items, one per target, sharing its other facts.
- Items are paired by content, not by position: the pair with most facts in common first (ties in
  order of appearance); unpaired items count all their facts as missed or wrong.
- In the real corpus ``scope`` is the whole sentence holding "主要受理……" (its README, rule 8), while
  the parser's ``scope`` is the clause; the sentence the parser took it from (``sources["scope"]``) is
  compared there.
- An expectation file with ``source.published`` gives that date to the parser, as the import form's
  发布日期 field does.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xuncha.core.announcement import clean_text, parse_announcement  # noqa: E402

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


def _norm(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


def _channel_fact(channel: dict[str, Any]) -> str:
    hours = sorted((h["days"], h["start"], h["end"]) for h in channel["hours"])
    return json.dumps([channel["kind"], _norm(channel["value"]), channel["postcode"], _norm(channel["location"]),
                       hours], ensure_ascii=False)


Facts = dict[str, Counter[str]]


def facts(inspection: dict[str, Any]) -> Facts:
    out: Facts = {}
    for name in SCALARS:
        value = _norm(inspection.get(name))
        out[name] = Counter() if value in (None, False, "") else Counter([json.dumps(value, ensure_ascii=False)])
    out["targets"] = Counter(_norm(t) for t in inspection.get("targets", []))
    out["supervision_phones"] = Counter(inspection.get("supervision_phones", []))
    out["channels"] = Counter(_channel_fact(c) for c in inspection.get("channels", []))
    return out


def per_target(inspections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One item per team × target (an inspection without targets stays one item)."""
    out: list[dict[str, Any]] = []
    for inspection in inspections:
        targets = inspection.get("targets") or [None]
        out.extend({**inspection, "targets": [t] if t is not None else []} for t in targets)
    return out


def _common(a: Facts, b: Facts) -> int:
    return sum(sum((a[n] & b[n]).values()) for n in FIELDS)


def align(expected: list[Facts], predicted: list[Facts]) -> list[tuple[Facts | None, Facts | None]]:
    """Pair items by content: most facts in common first, ties in order of appearance."""
    candidates = sorted(
        ((-_common(e, p), abs(i - j), i, j) for i, e in enumerate(expected) for j, p in enumerate(predicted)),
    )
    pairs: list[tuple[Facts | None, Facts | None]] = []
    used_e: set[int] = set()
    used_p: set[int] = set()
    for common, _, i, j in candidates:
        if common == 0 or i in used_e or j in used_p:
            continue
        used_e.add(i)
        used_p.add(j)
        pairs.append((expected[i], predicted[j]))
    pairs += [(e, None) for i, e in enumerate(expected) if i not in used_e]
    pairs += [(None, p) for j, p in enumerate(predicted) if j not in used_p]
    return pairs


def score(expected: list[dict[str, Any]], predicted: list[dict[str, Any]], *,
          real: bool = False) -> dict[str, list[int]]:
    """{field: [correct, predicted, expected]} for one announcement (`real`: the real corpus's conventions)."""
    if real:
        # The real corpus's conventions: one item per team x target, and scope is the whole sentence
        # that says "主要受理……" -- the parser gives that sentence as the scope's source.
        predicted = per_target([{**p, "scope": p["sources"].get("scope") if p["scope"] else None} for p in predicted])
    empty: Facts = {n: Counter() for n in FIELDS}
    totals = {name: [0, 0, 0] for name in FIELDS}
    for exp, got in align([facts(e) for e in expected], [facts(p) for p in predicted]):
        exp = exp or empty
        got = got or empty
        for name in FIELDS:
            totals[name][0] += sum((exp[name] & got[name]).values())
            totals[name][1] += sum(got[name].values())
            totals[name][2] += sum(exp[name].values())
    return totals


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


REPEATS = 3


def main() -> int:
    started = time.perf_counter()
    parse_announcement("县委第一巡察组对县林业局党组开展巡察。")  # loads OpenCC's dictionaries
    print(f"first call (loads OpenCC): {(time.perf_counter() - started) * 1000:.0f} ms\n")
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
        published = (expected.get("source") or {}).get("published")
        day = dt.date.fromisoformat(published) if published else None
        runs = []
        for _ in range(REPEATS):  # the machine is shared: the median of a few runs per announcement
            started = time.perf_counter()
            result = parse_announcement(text, day)
            runs.append(time.perf_counter() - started)
        times.append(statistics.median(runs))
        for name, (c, p, e) in score(expected["inspections"], result["inspections"], real="source" in expected).items():
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
    print(f"wall time per announcement (median of {REPEATS} runs each, after a warm-up): "
          f"median {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms, max {max(ms):.2f} ms")
    if "heldout" in corpus.name:  # held-out parts: the aggregate only, never the items (no tuning on them)
        return
    for miss in misses:
        print("  miss:", miss)


if __name__ == "__main__":
    raise SystemExit(main())
