"""Splitting an enumeration of organisations ("A党委、B党组和C局等3个单位") into names.

One splitter for every place that reads a list of targets (after a team's name, after a label
"被巡察单位：", or in prose "对A、B、C开展巡察"), so that they agree on what one name is.
"""

from __future__ import annotations

import re

__all__ = ["split_names"]

_NUM = r"[\d一二三四五六七八九十两卅百]+"
_ALIAS_NOTE = re.compile(r"\((?:以下简称|以下称|简称)[^)]*\)")
_NOTICE_TAIL = re.compile(r"(?:情况)?的?(?:公告|通告|公示|通知)$")
# "…等3个单位", "…共15家" at the end of the last item.
_COUNT_TAIL = re.compile(
    rf"(?:(?:共|等)(?:{_NUM}(?:个|家|户|所|项))?|(?<![属辖]){_NUM}(?:个|家|户|所|项))(?:[^、(]|\([^)]*\)){{0,20}}$"
)
# "A镇、B乡共2个乡镇及所辖69个村党组织": the count names what every place comes with.
_COUNTED_SUBORDINATES = re.compile(
    rf"(?:共|等)?{_NUM}个(?:乡镇|镇|乡|街道|镇街)及(?:所辖|下辖)(?:{_NUM}个)?(?P<unit>村\(社区\)|村|社区)[^、]{{0,6}}$"
)
# "江埔街、温泉镇及下辖村(社区)": each place with its villages.
_SUBORDINATES = re.compile(r"(?<=[镇乡街道区])及?(?:所辖|下辖)[^、]{1,12}$")
# 和/及 between two names: only after a complete organisation name ("住房和城乡建设局" stays whole),
# never "及所辖", "及下辖", "及其所属…" ("及其他单位" is split, then dropped as vague).
_CONJ = re.compile(r"(?:以及|和|及)(?=[\u4e00-\u9fff])(?!所辖|下辖|其(?!他|它|余))")
_ORG_END = re.compile(
    r"(?:党委|党组|党总支|党支部|党工委|委员会|委|领导班子|局|镇|乡|村|街道|社区|公司|集团|医院|学院|大学|学校|中学|小学|中心"
    r"|办公室|办|校|司|所|站|厅|部|室|联|会|院|区|县|市|场|社|馆|行|台|机关|署|队|团|处)(?:\([^)]*\))?$"
)
# "及其他涉及到的相关单位或部门", "其他有关单位": no organisation of its own.
_VAGUE = re.compile(r"^(?:其他|其它|其余|相关|有关)[^、]{0,12}(?:单位|部门|党组织|机构)$|^其他|^其它")
# "(含区发展改革局、区商务局)": what the target includes, not further targets.
_INCLUDES = re.compile(r"\((?:含|包括|包含)[^()]*\)")
_PARENS = re.compile(r"\([^()]*\)")
_INNER_COUNT = re.compile(rf"^(.{{2,}}?)(?:共|等)?{_NUM}(?:个|家|户|所)(?=[\u4e00-\u9fff]*(?:已|曾|的))")
_CITY_AND_DISTRICT = re.compile(r"^([\u4e00-\u9fff]{2,8}[市州盟])及(?:所辖|下辖)((?![\d一二三四五六七八九十两]+个)[\u4e00-\u9fff]{2,10}[区县市旗])$")


def _outside_parens(raw: str, sep: str) -> list[str]:
    """`raw` split on `sep` where it is not inside parentheses."""
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in raw:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch == sep and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def _on_conjunctions(part: str) -> list[str]:
    out: list[str] = []
    while True:
        bare = _PARENS.sub("", part)
        m = _CONJ.search(bare)
        if not m or not _ORG_END.search(bare[: m.start()]) or bare.endswith("之间"):
            break
        cut = _position_in(part, m.start())
        out.append(part[:cut])
        part = part[cut + len(m.group(0)) :]
    out.append(part)
    return out


def _position_in(part: str, bare_pos: int) -> int:
    """The offset in `part` of offset `bare_pos` in `part` without its parentheses."""
    depth = 0
    seen = 0
    for i, ch in enumerate(part):
        if depth == 0 and ch != "(":
            if seen == bare_pos:
                return i
            seen += 1
        depth += ch == "("
        depth -= ch == ")" and depth > 0
    return len(part)


def _city_and_district(part: str) -> tuple[str, ...]:
    m = _CITY_AND_DISTRICT.match(part)
    return m.groups() if m else (part,)


def split_names(raw: str) -> list[str]:
    """The organisations of an enumeration, in order (see the module docstring)."""
    raw = _ALIAS_NOTE.sub("", raw).strip()
    raw = _NOTICE_TAIL.sub("", raw)
    raw = re.sub(r"工作$", "", raw)
    raw = _INCLUDES.sub("", raw)
    parts = [p.strip() for p in _outside_parens(raw, "、")]
    for k, part in enumerate(parts[:-1]):  # "…、A办事处6家已参与第一轮、第二轮巡察的单位": the list ends at its count
        inner = _INNER_COUNT.match(part)
        if inner:
            parts = [*parts[:k], inner.group(1)]
            break
    counted = _COUNTED_SUBORDINATES.search(parts[-1]) if len(parts) > 1 else None
    if counted:  # "A镇、B乡共2个乡镇及所辖69个村": each place with its villages
        parts[-1] = parts[-1][: counted.start()]
        parts = [p + "及所辖" + counted.group("unit") if re.search(r"[镇乡]$|街道$", p) else p for p in parts]
    if len(parts) > 1:
        last = _COUNT_TAIL.sub("", parts[-1])
        if len(last) >= 2:  # "…、20个行业扶贫部门": the count is the item itself
            parts[-1] = last
    subordinates = _SUBORDINATES.search(parts[-1])
    if subordinates:
        parts = [p + subordinates.group(0) if re.search(r"[镇乡街道区]$", p) else p for p in parts[:-1]] + [parts[-1]]
    # "白银市及所辖白银区": a city and a named district of it, two targets (not "及所辖村", a whole).
    parts = [q for p in parts for q in _city_and_district(p)]
    names: list[str] = []
    for part in parts:
        for name in _on_conjunctions(part) if not subordinates else [part]:
            name = re.sub(r"^(?:等|和|及|以及)", "", name).strip(" ，,")
            if len(name) >= 2 and not _VAGUE.search(name):
                names.append(name)
    return names
