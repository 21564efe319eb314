"""The knowledge base: the articles of the six discipline chapters of the 中国共产党纪律处分条例 (2023).

``regulations_2023.json`` keeps, per article of chapters 6–11 (第六章 政治纪律 … 第十一章 生活纪律), its number,
its discipline, a short title (the behaviour it punishes, in the regulation's words) and the behaviour phrases a
report may contain (the regulation's own terms first, then the usual wording of case reports for the same
behaviour). Where the article's number was seen in a published copy of the 2023 text, ``source`` names that
copy (see ``REGULATIONS.md``); ``checked`` is false for numbers not yet checked against a published copy.

Every discipline proposal names one article (:func:`best_article`): the article of that discipline whose phrases
the report contains (the longest match wins), or, failing any, the article whose title and phrases share the
most character bigrams with the report (weighted by how rare the bigram is among the discipline's articles).
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .codes import DISCIPLINES

REGULATIONS_JSON = Path(__file__).with_name("regulations_2023.json")
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """49 → 四十九, 110 → 一百一十, 105 → 一百零五 (the way article numbers are written)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = _DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _DIGITS[rest]
    return head + _DIGITS[rest // 10] + "十" + (_DIGITS[rest % 10] if rest % 10 else "")


@dataclass(frozen=True)
class Article:
    number: int
    discipline: str
    title: str
    phrases: tuple[str, ...]
    checked: bool
    source: str

    @property
    def label(self) -> str:
        return f"第{chinese_number(self.number)}条"

    def as_dict(self) -> dict[str, object]:
        return {"number": self.number, "label": self.label, "title": self.title}


@dataclass(frozen=True)
class KnowledgeBase:
    title: str
    chapters: dict[str, str]
    articles: tuple[Article, ...]

    def of(self, code: str) -> list[Article]:
        return [a for a in self.articles if a.discipline == code]


@functools.lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    from .lexicon import normalize

    raw = json.loads(REGULATIONS_JSON.read_text(encoding="utf-8"))
    articles = tuple(
        Article(number=int(a["article"]), discipline=a["discipline"], title=a["title"],
                phrases=tuple(dict.fromkeys(normalize(p) for p in a["phrases"] if len(p) >= 2)),
                checked=bool(a.get("checked")), source=a.get("source", ""))
        for a in raw["articles"])
    unknown = {a.discipline for a in articles} - set(DISCIPLINES)
    if unknown:
        raise ValueError(f"unknown discipline in {REGULATIONS_JSON.name}: {unknown}")
    return KnowledgeBase(title=raw["title"], chapters=raw["chapters"], articles=articles)


def article_by_number(number: int) -> Article | None:
    return next((a for a in knowledge_base().articles if a.number == number), None)


@dataclass(frozen=True)
class ArticleHit:
    article: Article
    phrase: str
    start: int
    end: int


def find_articles(norm_text: str) -> list[ArticleHit]:
    """Every article phrase found in an already normalised text (see :func:`.lexicon.normalize`)."""
    return list(_find_articles(norm_text))


@functools.lru_cache(maxsize=64)
def _find_articles(norm_text: str) -> tuple[ArticleHit, ...]:
    hits: list[ArticleHit] = []
    for article in knowledge_base().articles:
        for phrase in article.phrases:
            start = norm_text.find(phrase)
            if start >= 0:
                hits.append(ArticleHit(article, phrase, start, start + len(phrase)))
    return tuple(hits)


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1) if not any(ch in " ，。、；：,.;:（）()“”\"" for ch in text[i:i + 2])}


@functools.lru_cache(maxsize=1)
def _article_bigrams() -> dict[str, list[tuple[Article, dict[str, float]]]]:
    """Per discipline: each article's bigrams with their idf among that discipline's articles."""
    out: dict[str, list[tuple[Article, dict[str, float]]]] = {}
    for code in DISCIPLINES:
        arts = knowledge_base().of(code)
        grams = [_bigrams(a.title + "，" + "，".join(a.phrases)) for a in arts]
        df = Counter(g for gs in grams for g in gs)
        n = len(arts)
        out[code] = [(a, {g: math.log(1 + n / df[g]) for g in gs}) for a, gs in zip(arts, grams, strict=True)]
    return out


def best_article(norm_text: str, code: str, hits: list[ArticleHit] | None = None) -> tuple[Article, list[str]]:
    """The article a proposal of ``code`` rests on, and the article phrases found in the text (maybe none)."""
    hits = find_articles(norm_text) if hits is None else hits
    own = [h for h in hits if h.article.discipline == code]
    if own:
        per: dict[int, list[ArticleHit]] = {}
        for h in own:
            per.setdefault(h.article.number, []).append(h)
        number = max(per, key=lambda k: (sum(len(h.phrase) for h in per[k]), -k))
        return per[number][0].article, [h.phrase for h in per[number]]
    text_grams = _bigrams(norm_text)
    scored = [(sum(w for g, w in grams.items() if g in text_grams), -a.number, a) for a, grams in _article_bigrams()[code]]
    _, _, article = max(scored, key=lambda t: (t[0], t[1]))
    return article, []
