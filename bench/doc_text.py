"""Word 97-2003 (.doc) text readers measured: antiword, catdoc and wvWare (Debian packages antiword, catdoc, wv).

References:
- tests/fixtures/doc/*.doc: real Word 97 files holding real published Chinese texts (simplified and
  traditional, a letter with a table), their texts in expected.json;
- `--extra DIR` (repeatable): folders of .doc files each with a .docx saved from the same document (the
  .docx's text, read by xuncha.core.extract, is the reference), e.g. the test files of an open-source
  .doc parser.

Per reader: character recall and precision (multisets of non-space characters, Chinese documents apart
from the others), paragraphs found whole (whitespace aside: what a search for a phrase needs), time; then
`--fuzz N` damaged copies (truncated, bytes overwritten) for crashes, time-outs and runaway output.

    python bench/doc_text.py
    python bench/doc_text.py --extra /tmp/word-extractor-tests --fuzz 300
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "doc"
READERS = {
    "antiword": lambda path: ["antiword", "-m", "UTF-8.txt", "-w", "0", path],
    "catdoc": lambda path: ["catdoc", "-d", "utf-8", "-w", path],
    "wvWare": lambda path: ["wvWare", "-1", "-c", "utf-8", "-x", "/usr/share/wv/wvText.xml", path],
}


def _bag(text: str) -> collections.Counter[str]:
    return collections.Counter(c for c in text if not c.isspace())


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def references(extra: list[str]) -> list[tuple[Path, str, list[str]]]:
    """(file, reference text, parts that must come out whole)."""
    out: list[tuple[Path, str, list[str]]] = []
    for name, facts in json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8")).items():
        parts = facts["paragraphs"] + facts["cells"]
        out.append((FIXTURES / name, "\n".join(parts), parts))
    from xuncha.core.extract import DOCX, extract_text

    for folder in extra:
        for doc in sorted(Path(folder).glob("*.doc")):
            docx = doc.with_suffix(".docx")
            if docx.exists():
                out.append((doc, extract_text(docx.read_bytes(), DOCX, max_chars=10**8), []))
    return out


def measure(refs: list[tuple[Path, str, list[str]]], readers: list[str]) -> None:
    totals = {r: collections.Counter[str]() for r in readers}
    for path, text, parts in refs:
        ref = _bag(text)
        kind = "zh" if re.search(r"[\u4e00-\u9fff]", text) else "other"
        for reader in readers:
            start = time.monotonic()
            proc = subprocess.run(READERS[reader](str(path)), capture_output=True, timeout=60, check=False)  # noqa: S603
            totals[reader]["ms"] += int((time.monotonic() - start) * 1000)
            out = proc.stdout.decode("utf-8", errors="replace")
            got = _bag(out)
            t = totals[reader]
            t[kind + "_hit"] += sum((got & ref).values())
            t[kind + "_ref"] += sum(ref.values())
            t[kind + "_out"] += sum(got.values())
            t[kind + "_files"] += 1
            t["failed"] += proc.returncode != 0
            t["whole"] += sum(_squeeze(p) in _squeeze(out) for p in parts)
            t["parts"] += len(parts)
    print(f"{len(refs)} documents")
    for reader, t in totals.items():
        cells = []
        for kind in ("zh", "other"):
            if t[kind + "_ref"]:
                cells.append(f"{kind} ({t[kind + '_files']} files): recall {t[kind + '_hit'] / t[kind + '_ref']:.3f}, "
                             f"precision {t[kind + '_hit'] / max(1, t[kind + '_out']):.3f}")
        print(f"{reader:9} {'; '.join(cells)}; paragraphs whole {t['whole']}/{t['parts']}; "
              f"refused {t['failed']}; {t['ms'] / len(refs):.0f} ms/file")


def fuzz(refs: list[tuple[Path, str, list[str]]], readers: list[str], n: int, seed: int) -> None:
    rng = random.Random(seed)
    originals = [p.read_bytes() for p, _, _ in refs]
    results = {r: collections.Counter[str]() for r in readers}
    slowest = dict.fromkeys(readers, 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "damaged.doc"
        for i in range(n):
            data = bytearray(rng.choice(originals))
            if i % 2:
                data = data[: rng.randrange(512, len(data))]
            else:
                for _ in range(rng.randrange(1, 40)):
                    data[rng.randrange(len(data))] = rng.randrange(256)
            target.write_bytes(bytes(data))
            for reader in readers:
                start = time.monotonic()
                try:
                    proc = subprocess.run(["sh", "-c", 'ulimit -v 524288 && exec "$0" "$@"', *READERS[reader](str(target))],  # noqa: S603, S607
                                          capture_output=True, timeout=20, check=False)
                    outcome = "crashed" if proc.returncode < 0 else "read" if proc.returncode == 0 else "refused"
                    if len(proc.stdout) > 10 * len(data):
                        outcome = "runaway output"
                except subprocess.TimeoutExpired:
                    outcome = "timed out"
                slowest[reader] = max(slowest[reader], time.monotonic() - start)
                results[reader][outcome] += 1
    print(f"{n} damaged copies (seed {seed})")
    for reader in readers:
        print(f"{reader:9} {dict(results[reader])}; slowest {slowest[reader] * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extra", action="append", default=[])
    parser.add_argument("--fuzz", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    readers = [r for r in READERS if shutil.which(r)]
    missing = [r for r in READERS if r not in readers]
    if missing:
        print(f"not installed (skipped): {', '.join(missing)}")
    refs = references(args.extra)
    measure(refs, readers)
    if args.fuzz:
        fuzz(refs, readers, args.fuzz, args.seed)


if __name__ == "__main__":
    main()
