"""The lexicon classifier: phrases of the regulation plus everyday phrasings, matched in the report's text.

Sources, merged into one phrase table at first use:

1. ``disciplines.md`` (a verbatim copy of ``shared/domain/disciplines.md``), parsed at runtime: each discipline
   section's items (separated by ``;``) are split into matchable units by :func:`split_units`.
   Units of three characters or more weigh 0.7, two-character ones 0.45.
2. ``phrases.py``: hand-curated phrasings per discipline and per focus, in strong/weak/context tiers.
3. the knowledge base (``regulations_2023.json``): every phrase of three characters or more of an article of the
   regulation, for the article's discipline, at :data:`ARTICLE_WEIGHT` (0.6; chosen by dev CV, which rose from
   0.805 to 0.819 over 10 site-fold shuffles), unless 1. or 2. give the phrase more weight.

Matching runs on a normalised copy of the text of the *same length* (traditional → simplified, full-width →
half-width, lower case), so spans found there index the original text. At each position the longest phrase
wins and matches do not overlap.

Score of a code = 1 − Π(1 − wᵢ) over the distinct phrases found for it (noisy-or), where context words count only
for a code that already has a strong or weak phrase. Focuses get their own phrases plus what discipline phrases
pass on (:data:`FOCUS_FROM_DISCIPLINE`): an integrity or mass phrase is evidence of 群众身边不正之风和腐败问题, an
organizational phrase (less surely) of 基层党组织建设. A code is *proposed* when its score reaches
:data:`THRESHOLD` (one strong phrase, or a weak one with support).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import phrases
from .codes import DISCIPLINES, FOCUSES, HEADING_TO_CODE

DISCIPLINES_MD = Path(__file__).with_name("disciplines.md")
THRESHOLD = 0.5
REGULATION_WEIGHT = 0.7
REGULATION_SHORT_WEIGHT = 0.45  # two-character units
ARTICLE_WEIGHT = 0.6  # phrases of the knowledge base's articles (three characters or more)
# Units of the regulation's lists that are too general to mean the discipline on their own.
_GENERIC = (
    "利用职权 教养关系 英雄模范 家庭美德 政府采购 房地产开发 土地使用权出让 执纪执法活动 纪律审查 以讲课费 课题费 "
    "弄虚作假 推卸责任 效率低下 对配偶 调动 交流决定 职务 职称 学历 学位 荣誉 住房 车辆 旅游 健身 娱乐 报销 补贴 "
    "奖金 股权 政务 厂务 村务 扩散 承发包"
)
GENERIC_UNITS = frozenset(_GENERIC.split())

# discipline → (focus, factor): a discipline phrase of weight w counts w × factor for the focus.
FOCUS_FROM_DISCIPLINE: dict[str, tuple[str, float]] = {
    "integrity": ("corruption", 1.0),
    "mass": ("corruption", 1.0),
    "organizational": ("party_building", 0.8),
    "life": ("party_building", 0.6),
}

Span = tuple[int, int, str]


# --- normalisation -------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _t2s() -> Any:
    try:
        import opencc
    except ImportError:  # pragma: no cover - OpenCC is a runtime requirement
        return None
    return opencc.OpenCC("t2s")


def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch).lower()
    return folded if len(folded) == 1 else ch


@functools.lru_cache(maxsize=64)
def normalize(text: str) -> str:
    """Same-length normalised copy: full-width → half-width, lower case, traditional → simplified.

    Cached for the last few texts: one report is normalised by the lexicon, the model and the article finder.
    """
    folded = "".join(_fold_char(ch) for ch in text)
    converter = _t2s()
    if converter is None:
        return folded
    converted: str = converter.convert(folded)
    if len(converted) == len(folded):
        return converted
    # A phrase conversion changed the length (rare): convert character by character to keep spans aligned.
    out = []
    for ch in folded:
        c = converter.convert(ch)
        out.append(c if len(c) == 1 else ch)
    return "".join(out)


# --- the regulation's phrases ----------------------------------------------------------------------------------

_PAREN = re.compile(r"[(（][^)）]*[)）]")
_QUOTES = re.compile(r"[\"“”‘’'「」]")


def split_units(item: str) -> list[str]:
    """Matchable units of one regulation phrase.

    The phrase is split at 、，, . A run of bare verbs before a longer part shares that part's object:
    "伪造、销毁、转移、隐匿证据" → 伪造证据 / 销毁证据 / 转移证据 / 隐匿证据; "诋毁、诬蔑党和国家领导人" →
    诋毁党和国家领导人 / 诬蔑党和国家领导人. Other parts stand alone: "收受礼品、礼金、消费卡" → 收受礼品 / 礼金 /
    消费卡. Parenthesised text and quotes are dropped, and so are single characters and the units of
    :data:`GENERIC_UNITS` (职称, 报销, 旅游...), which alone say little.
    """
    item = _QUOTES.sub("", _PAREN.sub("", item)).strip(" .。")
    parts = [p.strip() for p in re.split(r"[、，,]", item) if p.strip()]
    run = 0  # leading bare verbs that share the object of the part after them
    while run < len(parts) - 1 and len(parts[run]) <= 3:
        run += 1
    units: list[str] = []
    if run:
        obj = parts[run]
        for verb in parts[:run]:
            if verb[0] == obj[0] and len(obj) >= len(verb) + 2:
                units.append(verb + obj[len(verb):])  # 超标准、超范围向群众筹资筹劳
            elif len(verb) == 2 and len(obj) >= 4:
                units.append(verb + obj[2:])  # 伪造、隐匿证据
            else:
                units.append(verb)
    units.extend(parts[run:])
    seen: dict[str, None] = {}
    for unit in units:
        if len(unit) >= 2 and unit not in GENERIC_UNITS:
            seen.setdefault(unit, None)
    return list(seen)


def parse_disciplines_md(path: Path = DISCIPLINES_MD) -> dict[str, list[str]]:
    """discipline code → matchable units, from the sections ``## 政治纪律 (political)`` etc."""
    result: dict[str, list[str]] = {code: [] for code in DISCIPLINES}
    current: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line[3:].split("(")[0].strip()
            current = HEADING_TO_CODE.get(heading)
            continue
        if current is None or not line.strip():
            continue
        for item in re.split(r"[;；]", line):
            for unit in split_units(item):
                if unit not in result[current]:
                    result[current].append(unit)
    return result


# --- the phrase table and the matcher --------------------------------------------------------------------------

@dataclass
class Entry:
    disciplines: dict[str, float] = field(default_factory=dict)
    focuses: dict[str, float] = field(default_factory=dict)
    context: set[str] = field(default_factory=set)  # codes for which this phrase is only a context word


@dataclass
class Lexicon:
    entries: dict[str, Entry]
    trie: dict[str, Any]
    max_len: int

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping longest matches in the normalised text: (start, end, phrase)."""
        norm = normalize(text)
        found: list[tuple[int, int, str]] = []
        i, n = 0, len(norm)
        while i < n:
            node = self.trie.get(norm[i])
            best = 0
            j = i + 1
            while node is not None:
                if "" in node:
                    best = j
                if j >= n:
                    break
                node = node.get(norm[j])
                j += 1
            if best:
                found.append((i, best, norm[i:best]))
                i = best
            else:
                i += 1
        return found


def _add(table: dict[str, Entry], phrase: str, kind: str, code: str, weight: float, *, context: bool = False) -> None:
    phrase = normalize(phrase)
    entry = table.setdefault(phrase, Entry())
    target = entry.disciplines if kind == "d" else entry.focuses
    if weight > target.get(code, 0.0):
        target[code] = weight
        if context:
            entry.context.add(code)
        else:
            entry.context.discard(code)


@functools.lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    table: dict[str, Entry] = {}
    for code, units in parse_disciplines_md().items():
        for unit in units:
            _add(table, unit, "d", code, REGULATION_WEIGHT if len(unit) >= 3 else REGULATION_SHORT_WEIGHT)
    tiers = (
        ("d", phrases.STRONG, phrases.STRONG_WEIGHT, False),
        ("d", phrases.WEAK, phrases.WEAK_WEIGHT, False),
        ("d", phrases.CONTEXT, phrases.CONTEXT_WEIGHT, True),
        ("f", phrases.FOCUS_STRONG, phrases.STRONG_WEIGHT, False),
        ("f", phrases.FOCUS_WEAK, phrases.WEAK_WEIGHT, False),
    )
    for kind, blocks, weight, context in tiers:
        for code, block in blocks.items():
            for phrase in phrases.parse_words(block):
                _add(table, phrase, kind, code, weight, context=context)
    from .regulations import knowledge_base

    for article in knowledge_base().articles:
        for phrase in article.phrases:
            if len(phrase) >= 3:
                _add(table, phrase, "d", article.discipline, ARTICLE_WEIGHT)
    for variant, standard in phrases.VARIANTS.items():
        entry = table.get(normalize(standard))
        if entry is not None:
            table[normalize(variant)] = entry
    trie: dict[str, Any] = {}
    for phrase in table:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = True
    return Lexicon(table, trie, max(len(p) for p in table))


# --- classification ----------------------------------------------------------------------------------------------

def _score(text: str) -> tuple[dict[str, dict[str, Any]], list[Span]]:
    """code → {"weights": {phrase: w}, "context": {phrase: w}, "evidence": [...]} and the spans."""
    lex = get_lexicon()
    acc: dict[str, dict[str, Any]] = {}
    hits: list[tuple[int, int, str, float, bool]] = []  # start, end, code, weight, is_context
    for start, end, phrase in lex.find(text):
        entry = lex.entries[phrase]
        for code, w in entry.disciplines.items():
            hits.append((start, end, code, w, code in entry.context))
            if code in FOCUS_FROM_DISCIPLINE and code not in entry.context:
                focus, factor = FOCUS_FROM_DISCIPLINE[code]
                hits.append((start, end, focus, w * factor, False))
        for code, w in entry.focuses.items():
            hits.append((start, end, code, w, False))
    for start, end, code, w, is_context in hits:
        slot = acc.setdefault(code, {"weights": {}, "context": {}, "spans": []})
        key = text[start:end]
        bucket = slot["context"] if is_context else slot["weights"]
        bucket[key] = max(bucket.get(key, 0.0), w)
        slot["spans"].append((start, end, is_context))
    spans: list[Span] = []
    for code, slot in list(acc.items()):
        if not slot["weights"]:  # context words alone say nothing
            del acc[code]
            continue
        weights = {**slot["context"], **slot["weights"]}
        remaining = 1.0
        for w in weights.values():
            remaining *= 1.0 - w
        slot["score"] = round(1.0 - remaining, 4)
        evidence: dict[str, None] = {}
        for start, end, _ in sorted(slot["spans"]):
            evidence.setdefault(text[start:end], None)
            spans.append((start, end, code))
        slot["evidence"] = list(evidence)
    spans.sort()
    return acc, sorted(set(spans))


def _entries(acc: dict[str, dict[str, Any]], codes: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = [{"code": c, "score": acc[c]["score"], "evidence": acc[c]["evidence"]} for c in codes if c in acc]
    rows.sort(key=lambda r: (-r["score"], codes.index(r["code"])))
    return rows


def lexicon_classify(text: str) -> dict[str, list[dict[str, Any]]]:
    """{"disciplines": [{"code", "score", "evidence"}], "focuses": [...]}, best first; only codes with evidence.

    ``evidence`` holds the matched phrases as they appear in the text (traditional characters stay traditional).
    A code is proposed when ``score >= THRESHOLD``; see :func:`proposed`.
    """
    acc, _ = _score(text or "")
    return {"disciplines": _entries(acc, DISCIPLINES), "focuses": _entries(acc, FOCUSES)}


def lexicon_spans(text: str) -> list[Span]:
    """(start, end, code) of every phrase behind :func:`lexicon_classify`'s evidence, for highlighting.

    ``code`` is a discipline or a focus code (the two sets do not overlap); one phrase can give several spans
    with the same offsets and different codes. Offsets index ``text`` itself.
    """
    _, spans = _score(text or "")
    return spans


def proposed(entries: list[dict[str, Any]], threshold: float = THRESHOLD) -> list[str]:
    """The codes of ``entries`` whose score reaches the threshold."""
    return [e["code"] for e in entries if e["score"] >= threshold]
