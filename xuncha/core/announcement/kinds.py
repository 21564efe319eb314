"""The kind of an inspection told by its targets' kind of unit, when the text names several kinds at once."""

from __future__ import annotations

import re

from .teams import kind_of

__all__ = ["kind_by_category"]

_KIND_CLAUSES = re.compile(r"[^。；\n]+?(?=[。；\n]|[，,](?:同时|并)?对|$)")
_COUNTED = re.compile(r"(?:\d+|[一二三四五六七八九十两]+)(?:个|所|户|家)(?P<n>[^，。；、和及开对进]{1,10})")
_CATEGORIES = (
    ("school", re.compile(r"高校|大学|学校|院校")),
    ("enterprise", re.compile(r"企业|公司")),
    ("unit", re.compile(r"单位|部门|机关|党组织")),
    ("area", re.compile(r"[市县区州旗]|地区|地方")),
)


def _category(name: str) -> str:
    name = re.sub(r"(?:党委|党组|党总支|党支部|党工委)$", "", name)
    if re.search(r"(?:大学|学院|学校)$", name):
        return "school"
    if re.search(r"(?:公司|集团|企业)$", name):
        return "enterprise"
    if re.search(r"[市县区州旗]$", name):
        return "area"
    return "unit"


def kind_by_category(own: str, targets: list[str]) -> tuple[str, str] | None:
    """"对2个省辖市和14个县(区)开展常规巡视；对1个省直单位开展专项巡视": when the common text names several
    kinds, each for a kind of unit, the targets' kind of unit ("滁州市", "定远县") says which one is theirs."""
    named: dict[str, tuple[str, str]] = {}
    kinds = set()
    for clause in _KIND_CLAUSES.finditer(own):
        kind = kind_of([clause.group(0)])
        if not kind:
            continue
        kinds.add(kind[0])
        for counted in _COUNTED.finditer(clause.group(0)):
            for category, pattern in _CATEGORIES:
                if pattern.search(counted.group("n")):
                    named.setdefault(category, (kind[0], clause.group(0)))
                    break
    if len(kinds) < 2:
        return None
    found = {named[c] for c in {_category(t) for t in targets} if c in named}
    return found.pop() if len(found) == 1 else None
