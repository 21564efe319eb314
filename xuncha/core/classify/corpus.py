"""The real labelled corpus (``tests/corpus/classify_real/*.jsonl``) and its split by source site.

One JSON object per line: ``{"id", "text", "disciplines": [...] or [] for none, "label_basis", "source_url",
"source_site", "published", "level"}``. The texts are published case descriptions (behaviour only: the sentence
naming the discipline is removed) and real non-discipline complaints.

The split is by *source site*, so that no site's wording is both trained on and scored: when ``SPLIT.md`` exists
in the corpus folder, the sites it lists under a heading with "held" (held-out) are the held-out part and those it
lists under "development" the development part; until then, and for a site it does not list, a site is held out
when the first byte of its SHA-256 is below 77 (~30%).
Nothing is tuned on the held-out part; ``bench/classify.py`` only scores it.

The folder is ``tests/corpus/classify_real`` under the repository root, or ``$CLASSIFY_CORPUS`` when set.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .codes import DISCIPLINES

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DIR = ROOT / "tests" / "corpus" / "classify_real"
MADE_UP = ROOT / "tests" / "corpus" / "reports" / "eval.jsonl"  # the older made-up corpus: the only focus labels
HOLDOUT_BYTE = 77  # of 256: ~30% of sites


def corpus_dir() -> Path:
    env = os.environ.get("CLASSIFY_CORPUS", "").strip()
    return Path(env) if env else DEFAULT_DIR


@dataclass(frozen=True)
class Record:
    id: str
    text: str
    disciplines: tuple[str, ...]
    site: str
    url: str

    @property
    def is_none(self) -> bool:
        return not self.disciplines


def load(directory: Path | None = None) -> list[Record]:
    """Every well-formed record of the folder's ``*.jsonl`` files (bad lines and unknown codes are skipped)."""
    directory = directory or corpus_dir()
    records: list[Record] = []
    seen: set[str] = set()
    if not directory.is_dir():
        return records
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            try:
                row: dict[str, Any] = json.loads(line)
            except ValueError:
                continue
            text = str(row.get("text") or "").strip()
            codes = row.get("disciplines")
            if not text or not isinstance(codes, list) or any(c not in DISCIPLINES for c in codes):
                continue
            rid = str(row.get("id") or f"{path.stem}-{len(records)}")
            if rid in seen:
                continue
            seen.add(rid)
            site = str(row.get("source_site") or path.stem)
            records.append(Record(rid, text, tuple(sorted(set(codes))), site, str(row.get("source_url") or "")))
    return records


def split_sites(directory: Path | None = None, sites: Iterable[str] = ()) -> tuple[set[str], str]:
    """(held-out sites, how the split was made). ``sites``: the sites present, for the provisional hash split."""
    directory = directory or corpus_dir()
    split_md = directory / "SPLIT.md"
    present = set(sites)
    hashed = {s for s in present if hashlib.sha256(s.encode()).digest()[0] < HOLDOUT_BYTE}
    if split_md.is_file():
        parts: dict[str, set[str]] = {"held": set(), "dev": set()}
        part = ""
        for line in split_md.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lstrip().startswith("#"):
                lowered = line.lower()
                part = "held" if ("held" in lowered or "留出" in line or "测试" in line) else (
                    "dev" if ("develop" in lowered or "开发" in line or "训练" in line) else "")
                continue
            if not part or not line.lstrip().startswith(("-", "*")):
                continue
            quoted = re.findall(r"`([^`]+)`", line)
            for token in quoted or re.findall(r"[A-Za-z0-9][A-Za-z0-9.\-]*\.[A-Za-z0-9]{2,}", line)[:1]:
                parts[part].add(token.strip(". ").lower())
        if parts["held"]:
            # A site added after SPLIT.md was written (in neither list) is split by its hash, never trained on blindly.
            unlisted = {s for s in hashed if s.lower() not in parts["dev"]}
            return parts["held"] | {s.lower() for s in unlisted}, "SPLIT.md"
    return {s.lower() for s in hashed}, "provisional (hash of site, ~30%)"


def split(records: list[Record], directory: Path | None = None) -> tuple[list[Record], list[Record], str]:
    """(development, held-out, how) for the records of one corpus folder."""
    held, how = split_sites(directory, {r.site for r in records})
    dev = [r for r in records if r.site.lower() not in held]
    out = [r for r in records if r.site.lower() in held]
    return dev, out, how


Labels = dict[str, list[str]]


def made_up(path: Path = MADE_UP) -> list[tuple[str, Labels]]:
    """The made-up college reports of ``tests/corpus/reports`` with their discipline and focus labels."""
    if not path.is_file():
        return []
    out: list[tuple[str, Labels]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append((row["text"], {"disciplines": list(row["disciplines"]), "focuses": list(row["focuses"])}))
    return out


# Weight of each part of the training set (chosen by cross-validation on the development part, bench --dev-cv):
# real texts, and the team's confirmations, count three times a made-up text or an article of the regulation.
PART_WEIGHTS: dict[str, float] = {"real": 3.0, "made_up": 1.0, "articles": 1.0, "confirmed": 3.0}


def training_set(dev: Iterable[Record], *, with_made_up: bool = True,
                 with_articles: bool = True) -> tuple[list[str], list[Labels], dict[str, int]]:
    """Texts, labels and make-up for training, in this order: development real texts, the made-up corpus, and the
    articles of the regulation (each article's title and phrases as one text of its discipline). ``make_up``
    counts each part, in order (see :func:`weights`)."""
    from .regulations import knowledge_base

    texts: list[str] = []
    labels: list[Labels] = []
    for r in dev:
        texts.append(r.text)
        labels.append({"disciplines": list(r.disciplines), "focuses": []})
    make_up = {"real": len(texts)}
    if with_made_up:
        rows = made_up()
        texts += [t for t, _ in rows]
        labels += [lab for _, lab in rows]
        make_up["made_up"] = len(rows)
    if with_articles:
        articles = knowledge_base().articles
        texts += [a.title + "，" + "，".join(a.phrases) for a in articles]
        labels += [{"disciplines": [a.discipline], "focuses": []} for a in articles]
        make_up["articles"] = len(articles)
    return texts, labels, make_up


def weights(make_up: dict[str, int]) -> list[float]:
    """A weight per training text, for a training set whose parts are counted, in order, by ``make_up``."""
    out: list[float] = []
    for part, count in make_up.items():
        out += [PART_WEIGHTS.get(part, 1.0)] * count
    return out
