"""Channels given per area or per target.

"在市南区，巡视组移动电话：…；在…设置了举报信箱。" / "在李沧区，巡视组移动电话：…" -- one team
inspects several places and publishes, for each place, its own phone and letterboxes; or a number is
followed (or preceded in its clause) by the target it serves ("0553-1234567(城关镇)、0553-7654321(东关镇)",
"城关镇值班电话：0553-1234567"). Then every place is an
inspection of its own: it keeps the channels common to all places and gets its own channels only.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["split_by_area"]

_AREA_LINE = re.compile(
    r"^(?:在|对)?(?P<name>[\u4e00-\u9fff]{2,12}?(?:区|县|市|旗|镇|乡|街道|村|社区))(?:[，,：:]|(?:巡[察视]组|期间))",
    re.M,
)


def _paragraphs(text: str) -> dict[str, str]:
    """{place: its paragraph} for paragraphs that open with a place ("在市南区，…")."""
    out: dict[str, str] = {}
    for m in _AREA_LINE.finditer(text):
        end = text.find("\n", m.start())
        out.setdefault(m.group("name"), text[m.start() : len(text) if end < 0 else end])
    return out


def _named_together(text: str, names: list[str]) -> bool:
    """The places are also listed together ("市南区、李沧区、崂山区的主要负责人…")."""
    return re.search("、".join(re.escape(n) for n in names), text) is not None


def _tagged(text: str, channel: dict[str, Any], targets: list[str]) -> str | None:
    """The target a number is marked for: "0553-1234567(城关镇)"."""
    if channel["kind"] not in ("phone", "sms") or not channel["value"]:
        return None
    digits = re.sub(r"\D", "", channel["value"])
    number = r"[\s()（）-]{0,3}".join(digits)
    m = re.search(rf"(?<!\d){number}(?!\d)", text)
    if not m:
        return None
    after = re.match(r"\s*\(([^()]{2,20})\)", text[m.end() :])
    if after:
        note = after.group(1)
        hits = [t for t in targets if t.startswith(note) or note in t]
    else:  # "县林业局0771-1234567", "县林业局值班电话：0771-1234567": the target named in the number's clause
        clause = re.split(r"[，。；,;\n]", text[max(0, m.start() - 24) : m.start()])[-1]
        hits = [t for t in targets if len(_short(t)) >= 2 and _short(t) in clause]
    return hits[0] if len(hits) == 1 else None


def _short(target: str) -> str:
    """"县档案馆党支部" -> "档案馆": the name as a number's label may give it (no party body, no place)."""
    return re.sub(r"^[省市县区]|(?:党委|党组|党总支|党支部|党工委)$", "", target)


def _split_by_tag(text: str, inspection: dict[str, Any]) -> list[dict[str, Any]] | None:
    targets = inspection["targets"] or []
    if len(targets) < 2:
        return None
    tags = [_tagged(text, c, targets) for c in inspection["channels"]]
    if len({t for t in tags if t}) < 2:
        return None
    return [{**inspection, "targets": [name], "sources": dict(inspection["sources"]),
             "channels": [c for c, tag in zip(inspection["channels"], tags, strict=True) if tag in (None, name)]}
            for name in targets]


def split_by_area(text: str, inspections: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """For each inspection, the inspections it becomes (itself when nothing is given per area)."""
    paragraphs = _paragraphs(text)
    out: list[list[dict[str, Any]]] = []
    for inspection in inspections:
        targets = inspection["targets"] or []
        areas = [t for t in targets if t in paragraphs]
        if not targets and len(paragraphs) >= 2 and _named_together(text, list(paragraphs)):
            areas = list(paragraphs)  # the places are the targets the text names no other way
        if len(areas) < 2 or (targets and len(areas) != len(targets)):
            out.append(_split_by_tag(text, inspection) or [inspection])
            continue
        own = {name: paragraphs[name] for name in areas}
        common = [c for c in inspection["channels"] if not any(c["source"] in p for p in own.values())]
        split = []
        for name in areas:
            channels = common + [c for c in inspection["channels"] if c not in common and c["source"] in own[name]]
            sources = dict(inspection["sources"])
            sources.setdefault("targets", own[name])
            split.append({**inspection, "targets": [name], "channels": channels, "sources": sources})
        out.append(split)
    return out
