"""Sentences and clauses of cleaned announcement text, addressed by character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Span", "clause_start", "sentence_at", "sentences"]

_SENTENCE_END = re.compile(r"[。！？!?]+|\n+")
_CLAUSE_BREAK = "，。；：\n,;"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Span]:
    """Sentences ending in 。！？ or a line break; the terminator belongs to its sentence."""
    spans: list[Span] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if not m.group(0).startswith("\n") else m.start()
        if text[pos:end].strip():
            spans.append(_trimmed(text, pos, end))
        pos = m.end()
    if text[pos:].strip():
        spans.append(_trimmed(text, pos, len(text)))
    return spans


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end])


def sentence_at(spans: list[Span], pos: int) -> Span:
    """The sentence containing offset `pos` (the nearest one before it otherwise)."""
    best = spans[0]
    for span in spans:
        if span.start <= pos:
            best = span
        else:
            break
    return best


def clause_start(text: str, pos: int, floor: int = 0, breaks: str = _CLAUSE_BREAK) -> int:
    """Offset just after the last clause break before `pos` (not before `floor`)."""
    i = pos - 1
    depth = 0
    while i >= floor:
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                return i + 1  # inside a parenthesis: the clause starts with it
            depth -= 1
        elif depth == 0 and ch in breaks:
            return i + 1
        i -= 1
    return floor
