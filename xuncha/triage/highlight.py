"""Highlight the phrases behind a classification proposal in a report's text (escaped HTML)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from xuncha.core.classify import DISCIPLINE_LABELS, FOCUS_LABELS, lexicon_spans

LABELS = {**DISCIPLINE_LABELS, **{c: f"聚焦{label}" for c, label in FOCUS_LABELS.items()}}


def highlight(text: str) -> SafeString:
    """The text with each evidence phrase in <mark> (its codes as classes, their names as the title)."""
    spans = lexicon_spans(text)
    codes_at: list[set[str]] = [set() for _ in text]
    for start, end, code in spans:
        for i in range(start, min(end, len(text))):
            codes_at[i].add(code)
    out: list[str] = []
    i = 0
    while i < len(text):
        codes = codes_at[i]
        j = i
        while j < len(text) and codes_at[j] == codes:
            j += 1
        chunk = escape(text[i:j])
        if codes:
            ordered = sorted(codes)
            classes = " ".join(f"ev-{c}" for c in ordered)
            title = "、".join(LABELS.get(c, c) for c in ordered)
            out.append(f'<mark class="{classes}" title="{escape(title)}">{chunk}</mark>')
        else:
            out.append(chunk)
        i = j
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped above
