"""Acceptance hours: "工作日上午8:30-11:30，下午13:30-16:30", "每天9点-17点", "8时30分至17时30分"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["HoursGroup", "find_hours"]

_PERIOD = r"(?:上午|下午|中午|晚上|早上|早晨|傍晚|早|晚)"
_TIME = (
    r"(?<![\d.])(?P<h{n}>\d{{1,2}})"
    r"(?:(?P<c{n}>:)(?P<m{n}>\d{{2}})|(?P<t{n}>[时点])(?:(?P<mm{n}>\d{{1,2}})分?|(?P<half{n}>半))?)?"
)
_RANGE = re.compile(
    rf"(?P<p1>{_PERIOD})?{_TIME.format(n=1)}\s*(?:-|至|到)\s*(?P<p2>{_PERIOD})?{_TIME.format(n=2)}(?![\d年月日号])"
)
_WORKDAYS = re.compile(r"工作日|周一至周五|星期一至星期五|周一到周五|星期一到星期五|法定工作日")
_EVERYDAY = re.compile(r"每天|每日|全天|节假日(?:照常|正常|不休)|周一至周日|星期一至星期日|周末及节假日照常")
# Text allowed between two ranges of the same group: "，下午", "和", "；".
_JOINER = re.compile(r"^[\s，、；,/和及与]{0,3}$")
# Hours in Chinese numerals ("上午八点至十二点", "下午两点半", "九时三十分"): read as digits first.
_CN_HOUR = re.compile(r"(?:二十[一二三四]?|十[一二]?|[一二三四五六七八九两])(?=[点时])")
_CN_MINUTE = re.compile(r"(?<=[点时])(?:[一二三四五]十[一二三四五六七八九]?|零[一二三四五六七八九])(?=分)")
_CN_VALUES = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_value(token: str) -> int:
    token = token.lstrip("零")
    if "十" not in token:
        return _CN_VALUES[token]
    tens, _, ones = token.partition("十")
    return (_CN_VALUES[tens] if tens else 1) * 10 + (_CN_VALUES[ones] if ones else 0)


def _with_digits(text: str) -> tuple[str, list[int]]:
    """`text` with Chinese-numeral hours and minutes as digits, and for every character of the result the
    offset of the character it came from (the last position maps to len(text))."""
    spans = sorted([(m.start(), m.end(), str(_cn_value(m.group(0)))) for m in _CN_HOUR.finditer(text)]
                   + [(m.start(), m.end(), f"{_cn_value(m.group(0)):02d}") for m in _CN_MINUTE.finditer(text)])
    if not spans:
        return text, list(range(len(text) + 1))
    out: list[str] = []
    back: list[int] = []
    pos = 0
    for start, end, digits in spans:
        out.append(text[pos:start])
        back.extend(range(pos, start))
        out.append(digits)
        back.extend([start] * len(digits))
        pos = end
    out.append(text[pos:])
    back.extend(range(pos, len(text) + 1))
    return "".join(out), back


@dataclass
class HoursGroup:
    start: int
    end: int
    days: str | None  # "workdays" | "everyday" | None when the text does not say
    ranges: list[tuple[str, str]] = field(default_factory=list)


def _to_hhmm(m: re.Match[str], n: int, period: str | None) -> str | None:
    hour = int(m.group(f"h{n}"))
    minute_text = m.group(f"m{n}") or m.group(f"mm{n}")
    minute = int(minute_text) if minute_text else (30 if m.group(f"half{n}") else 0)
    afternoon = period in ("下午", "晚上", "傍晚", "晚") and hour < 12
    after_noon = period == "中午" and hour < 6  # "中午1点"
    if afternoon or after_noon:
        hour += 12
    if not (0 <= hour <= 24 and 0 <= minute < 60):
        return None
    return f"{hour:02d}:{minute:02d}"


def _is_time_range(m: re.Match[str]) -> bool:
    explicit = any(m.group(g) for g in ("c1", "t1", "c2", "t2"))
    return explicit or bool(m.group("p1") or m.group("p2"))


def _days_for(text: str, start: int, end: int, floor: int) -> str | None:
    # Look back to the start of the sentence (at most 80 characters, never past the previous
    # group) and a little ahead.
    back_from = max(0, start - 80, floor)
    boundary = max(text.rfind("。", back_from, start), text.rfind("\n", back_from, start))
    context = text[max(back_from, boundary + 1) : start] + text[end : end + 8]
    if _EVERYDAY.search(context):
        return "everyday"
    if _WORKDAYS.search(context):
        return "workdays"
    return None


def find_hours(text: str) -> list[HoursGroup]:
    """Groups of consecutive time ranges with the days they apply to (offsets in `text`)."""
    digits, back = _with_digits(text)
    groups = _find_hours(digits)
    if digits is not text:
        for group in groups:
            group.start, group.end = back[group.start], back[group.end - 1] + 1
    return groups


def _find_hours(text: str) -> list[HoursGroup]:
    groups: list[HoursGroup] = []
    for m in _RANGE.finditer(text):
        if not _is_time_range(m):
            continue
        p1 = m.group("p1")
        p2 = m.group("p2") or p1
        if p1 is None and p2 in ("下午", "晚上", "傍晚", "晚"):
            p1 = None  # "8:30至下午5:30": only the end is afternoon
        start, end = _to_hhmm(m, 1, p1), _to_hhmm(m, 2, p2)
        if start is None or end is None or start >= end:
            continue
        if groups and _JOINER.match(text[groups[-1].end : m.start()]):
            groups[-1].ranges.append((start, end))
            groups[-1].end = m.end()
        else:
            groups.append(HoursGroup(m.start(), m.end(), None, [(start, end)]))
    floor = 0
    for group in groups:
        group.days = _days_for(text, group.start, group.end, floor)
        floor = group.end
    return groups
