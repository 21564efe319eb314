"""CJK bigram tokens for full-text search (the approach of Lucene's CJK analyzer).

Runs of Han characters become overlapping bigrams (a lone character stays a unigram); runs of
latin letters and digits stay whole words. Text is normalised first (traditional to simplified,
full width to half width, lower case). Tokens are written as ASCII (hex code points), so that every
full-text engine indexes them the same way whatever its locale: SQLite FTS5 and PostgreSQL's
`simple` text search configuration alike. Two-character words (食堂, 招生, 职称, 采购) are single
tokens and are found exactly.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_HAN}]+|[0-9a-z]+")


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    return str(_t2s().convert(unicodedata.normalize("NFKC", text))).lower()


def _encode(token: str) -> str:
    return "x" + "".join(f"{ord(c):x}" for c in token) if not token.isascii() else token


def tokens(text: str) -> list[str]:
    """Index tokens of a text, in order (duplicates kept)."""
    out: list[str] = []
    for run in _RUN.findall(normalise(text)):
        if run.isascii():
            out.append(run)
        elif len(run) == 1:
            out.append(_encode(run))
        else:
            out.extend(_encode(run[i : i + 2]) for i in range(len(run) - 1))
    return out


def index_text(text: str) -> str:
    return " ".join(tokens(text))


def query_tokens(query: str) -> list[str]:
    """The tokens a document must contain to match `query` (all of them), deduplicated in order."""
    seen: dict[str, None] = {}
    for t in tokens(query):
        seen.setdefault(t, None)
    return list(seen)


def is_single_han(query: str) -> bool:
    """A one-character Han query cannot use the bigram index (needs a substring scan)."""
    runs = _RUN.findall(normalise(query))
    return len(runs) == 1 and len(runs[0]) == 1 and not runs[0].isascii()
