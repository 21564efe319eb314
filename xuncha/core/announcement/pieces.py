"""Which team each part of an announcement speaks of.

The text is cut into units (up to 。！？；or a line break) and the units into pieces owned by one
team or common to all of them (``owner is None``); see :func:`split_pieces`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .segments import clause_start
from .teams import Team

__all__ = ["Piece", "split_pieces"]

_PIECE_BREAK = re.compile(r"[。！？；\n]")


@dataclass
class Piece:
    start: int
    end: int
    owner: int | None  # index of the team, None: common to all


def _units(text: str) -> list[tuple[int, int]]:
    units = []
    pos = 0
    for m in _PIECE_BREAK.finditer(text):
        units.append((pos, m.end()))
        pos = m.end()
    if pos < len(text):
        units.append((pos, len(text)))
    return units


def split_pieces(text: str, teams: list[Team]) -> list[Piece]:
    """Split the text into pieces owned by a team (or common); see the module docstring.

    A unit (up to 。！？；or a line break) without a team mention continues the team of the unit
    before it in the same paragraph, except when it speaks of several teams ("两个巡察组…均…",
    "各村…均设置") or follows a sentence that listed several teams: then it is common. A table
    line "被巡察单位：…" belongs to the team named on the line just before (or after) it.
    """
    if len(teams) <= 1:
        return [Piece(0, len(text), 0 if teams else None)]
    mentions = sorted((m.start, i) for i, t in enumerate(teams) for m in t.mentions)
    combined = {m.start for t in teams for m in t.mentions if m.combined}
    pieces: list[Piece] = []
    current: int | None = None
    paragraph_of_current = -1
    sentence_owners: set[int] = set()  # teams named in the sentence so far
    listed = False  # the last sentence naming a team named several
    last_owned = 0  # where the last unit naming a team ends
    heading = False  # that unit is a heading (no number of its own)
    for start, end in _units(text):
        paragraph = text.count("\n", 0, start)
        inside = [(p, i) for p, i in mentions if start <= p < end]
        owners = {i for _, i in inside}
        if not inside:
            unit = text[start:end]
            owner = current if current is not None and paragraph == paragraph_of_current else None
            if _SHARED.search(unit) or listed or len(sentence_owners) > 1:
                owner = None
            item = _ITEM_LINE.match(unit)
            if current is not None and item and "\n\n" not in text[last_owned:start] and (item.group("n") or heading):
                owner = current  # "(一)县委第五巡察组…\n1.巡察信箱：…\n2.举报电话：…": the team's numbered items
            if current is not None and last_owned == start and _BARE_VALUES.match(unit):
                owner = current  # "县委第一巡察组县财政局党组\n0553-1111111": a row broken before its number
            if paragraph != paragraph_of_current and _table_line(text, start, end, mentions):
                owner = _table_owner(text, start, end, mentions)
            pieces.append(Piece(start, end, owner))
        else:
            first = inside[0][0]
            if first > start:
                pieces.append(Piece(start, first, inside[0][1] if len(owners) == 1 else None))
            for k, (p, i) in enumerate(inside):
                stop = inside[k + 1][0] if k + 1 < len(inside) else end
                shared = _SHARED.search(text, p, stop) if k + 1 == len(inside) and len(owners) > 1 else None
                if k + 1 == len(inside) and p in combined:  # "第三、四巡察组分别…": about all of them
                    pieces.append(Piece(p, stop, None))
                elif shared:  # "…第二巡察组值班电话：…，受理时间均为…": the clause with 均 is common
                    cut = clause_start(text, shared.start(), p, "，,\n")
                    if cut > p:
                        pieces.append(Piece(p, cut, i))
                    pieces.append(Piece(cut, stop, None))
                else:
                    # "甲组对A开展巡视；乙组对B开展巡视，巡视时间一个月左右。": the period closing a sentence that
                    # named several teams is theirs together.
                    tail = _PERIOD_TAIL.search(text, p, stop) if k + 1 == len(inside) and sentence_owners - {i} else None
                    if tail:
                        pieces.append(Piece(p, tail.end(), i))
                        pieces.append(Piece(tail.end(), stop, None))
                    else:
                        pieces.append(Piece(p, stop, i))
            current = inside[0][1] if len(owners) == 1 else None
            paragraph_of_current = paragraph
            last_owned = end
            heading = not re.search(r"\d", text[start:end])  # "县委第一巡察组：" (its lines follow)
            sentence_owners |= owners
            listed = False
        if text[end - 1 : end] in ("。", "！", "？", "\n") or end == len(text):
            if sentence_owners:
                listed = len(sentence_owners) > 1
            sentence_owners = set()
    return pieces


_PERIOD_TAIL = re.compile(r"[，,](?=(?:巡[察视])?(?:时间|工作时间)?(?:为期|为|约)?[^，。；]{0,12}(?:天|周|个月|月)(?:左右)?[。；]?$)")
# "两个巡察组", "各巡察组", "上述巡察组", "…均…": a statement about several teams at once.
_SHARED = re.compile(
    r"(?:[两二三四五六七八九十\d]+个|各|上述|以上|全部|所有)巡[察视]组|(?<!平)均(?!衡|等|匀)|共用|共同使用"
)
# A numbered item on its own line: "1.巡察信箱：…", "(2)举报电话：…", "③…".
# A channel's "label：value" line ("联系电话：…", "邮政信箱：…") also continues the team of the lines before
# when that team's line was a heading ("县委第一巡察组：").
_ITEM_LINE = re.compile(
    r"^\s*(?:(?P<n>\d{1,2}[.、．)]|\(\d{1,2}\)|[①-⑩])"
    r"|[^\s：:，。]{0,8}(?:电话|手机|邮箱|信箱|地址|来信请寄|意见箱|举报箱|接待(?:室|地点)|被巡[察视]单位)[：:])"
)
# A line of numbers or addresses only ("0553-1111111 13900000001", "xcz1@163.com").
_BARE_VALUES = re.compile(r"^[\s\d()/、，,.@_A-Za-z-]*\d[\s\d()/、，,.@_A-Za-z-]*$")
_LABEL_LINE = re.compile(r"^(?:被巡[察视](?:单位|党组织|对象)|巡[察视]对象|巡[察视]单位)")


_KEY_VALUE = re.compile(r"^[\u4e00-\u9fff]{2,10}[：:]")
_TEAM_KEY = re.compile(r"^(?:巡[察视]组(?:名称)?|组别)[：:]")


def _block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The lines (offsets) of the block, delimited by blank lines, holding `start`."""
    lo = text.rfind("\n\n", 0, start)
    lo = 0 if lo < 0 else lo + 2
    hi = text.find("\n\n", end)
    hi = len(text) if hi < 0 else hi
    lines = []
    pos = lo
    for line in text[lo:hi].split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    return lines


def _table_line(text: str, start: int, end: int, mentions: list[tuple[int, int]]) -> bool:
    """A table line: "被巡察单位：…", or a "key：value" line in a block of records that start with
    "巡视组：省委第三巡视组"."""
    unit = text[start:end].strip()
    if _LABEL_LINE.match(unit):
        return True
    if not _KEY_VALUE.match(unit) or (start > 0 and text[start - 1] != "\n"):
        return False
    return any(_TEAM_KEY.match(text[a:b]) and any(a <= p < b for p, _ in mentions) for a, b in _block(text, start, end))


def _table_owner(text: str, start: int, end: int, mentions: list[tuple[int, int]]) -> int | None:
    """The team of a table record holding the label line at `start`.

    Records are blocks of consecutive lines; the team line comes first in each record when a
    team line precedes the block's first label line, otherwise it comes last.
    """
    block = _block(text, start, end)

    def team_of(line: tuple[int, int]) -> int | None:
        owners = {i for p, i in mentions if line[0] <= p < line[1]}
        label = _LABEL_LINE.match(text[line[0] : line[1]].strip())
        return owners.pop() if len(owners) == 1 and not label else None

    here = next(k for k, (a, b) in enumerate(block) if a <= start <= b)
    first_label = next(k for k, (a, b) in enumerate(block)
                       if team_of((a, b)) is None and _KEY_VALUE.match(text[a:b].strip()) or a <= start <= b)
    team_first = any(team_of(line) is not None for line in block[:first_label])
    order = range(here - 1, -1, -1) if team_first else range(here + 1, len(block))
    for k in order:
        owner = team_of(block[k])
        if owner is not None:
            return owner
    return None
