"""The round's other targets when a text names one team among several ("随着中央第十二巡视组进驻甲，
15个中央巡视组已全部进驻…对乙、丙等27个单位开展专项巡视"): the named team keeps its own target, the
others listed get an inspection of their own without a team (one per kind)."""

from __future__ import annotations

import re
from typing import Any

from .targets import listed_targets

__all__ = ["SEVERAL_TEAMS", "other_targets"]

# "6个巡察组", "15个中央巡视组" (not "1个巡察组").
SEVERAL_TEAMS = re.compile(r"(?<![\d一二三四五六七八九十])(?:[2-9]|\d{2,}|[两二三四五六七八九十]+)个[^，。；、]{0,12}?巡[察视]组")


def other_targets(text: str, inspections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Team-less inspections for the listed targets the one named team does not take (see the module docstring)."""
    teams = {i["team"] for i in inspections}
    if len(teams) != 1 or None in teams or not SEVERAL_TEAMS.search(text):
        return []
    own = {t for i in inspections for t in i["targets"]}
    if not own:
        return []
    groups: dict[str | None, list[str]] = {}
    sources: dict[str | None, str] = {}
    for listed in listed_targets(text):
        if listed.name not in own and not any(listed.name in t or t in listed.name for t in own):
            groups.setdefault(listed.kind, []).append(listed.name)
            line_start = max(text.rfind("。", 0, listed.start), text.rfind("\n", 0, listed.start)) + 1
            sources.setdefault(listed.kind, text[line_start : text.find("。", listed.start) + 1 or len(text)])
    first = inspections[0]
    out = []
    for kind, names in groups.items():
        extra = {**first, "team": None, "targets": names, "kind": kind, "channels": [], "supervision_phones": []}
        extra["sources"] = {k: v for k, v in first["sources"].items() if k not in ("team", "targets", "kind")}
        extra["sources"]["targets"] = sources[kind]
        out.append(extra)
    return out
