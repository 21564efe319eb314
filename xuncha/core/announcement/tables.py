"""Tables of several teams flattened into text, rewritten as one record per team.

Two shapes seen on real pages (before :func:`clean_text`):

- a pipe table whose header row names one team per column::

      组 别 | 区委专项巡察一组 | 区委专项巡察二组 |
      被巡察单位 | 甲村、乙村 | 丙村 |
      专门值班电话 | 180… (工作日8:00-20:00) | 177… |

- a column of lines, one record per team, labels on their own line::

      市委巡察一组
      组长：…
      被巡察单位
      西园街道、文旅集团党委
      专门值班电话
      195…

Both become records the piece splitter already reads ("组别：<team>" then "label：value" lines, a
blank line between records), so every fact in a record belongs to its team.
"""

from __future__ import annotations

import re

__all__ = ["team_records"]

_TEAM_CELL = re.compile(
    r"^[\u4e00-\u9fff]{0,12}巡[察視视](?:[一二三四五六七八九十\d]+)?[组組]$"
    r"|^[\u4e00-\u9fff]{0,12}第[一二三四五六七八九十\d]+巡[察視视][组組]$"
)
_PIPE_ROW = re.compile(r"^\s*[^|\n]*\|.*\|\s*$")
_LABEL = re.compile(
    r"^(?:被巡[察視视](?:单位|單位|党组织|黨組織|对象|對象)|巡[察視视]对象|专门值班电话|專門值班電話|值班电话|值班電話|联系电话|聯繫電話|"
    r"举报电话|舉報電話|通信地址|通讯地址|通訊地址|邮政信箱|郵政信箱|电子邮箱|電子郵箱|电子信箱|電子信箱|来访地址|來訪地址|"
    r"接待地点|接待地點|意见箱|意見箱|举报箱|舉報箱|受理时间|受理時間|接听时间|接聽時間)$"
)


def _cells(line: str) -> list[str]:
    parts = [c.strip() for c in line.strip().split("|")]
    if parts and parts[-1] == "":
        parts.pop()
    if parts and parts[0] == "" and line.strip().startswith("|"):
        parts.pop(0)
    return parts


def _columns(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        cells = _cells(lines[i]) if _PIPE_ROW.match(lines[i]) else []
        teams = [re.sub(r"\s+", "", c) for c in cells[1:]]
        if len(teams) >= 2 and all(_TEAM_CELL.match(t) for t in teams):
            rows = []
            j = i + 1
            while j < len(lines) and _PIPE_ROW.match(lines[j]) and len(_cells(lines[j])) == len(cells):
                rows.append(_cells(lines[j]))
                j += 1
            for k, team in enumerate(teams, start=1):
                out.append("")
                out.append(f"组别：{team}")
                out.extend(re.sub(r"\s+", "", row[0]) + "：" + row[k] for row in rows if row[k])
            out.append("")
            i = j
            continue
        out.append(lines[i])
        i += 1
    return out


def _stacked(lines: list[str]) -> list[str]:
    heads = [k for k, line in enumerate(lines) if _TEAM_CELL.match(line.strip())]
    if len(heads) < 2 or not any(_LABEL.match(line.strip()) for line in lines[heads[0] :]):
        return lines
    out: list[str] = []
    k = 0
    inside = False
    while k < len(lines):
        line = lines[k].strip()
        if _TEAM_CELL.match(line):
            out += ["", f"组别：{line}"]
            inside = True
        elif inside and _LABEL.match(line) and k + 1 < len(lines) and lines[k + 1].strip() \
                and not _LABEL.match(lines[k + 1].strip()) and not _TEAM_CELL.match(lines[k + 1].strip()):
            out.append(f"{line}：{lines[k + 1].strip()}")
            k += 1
        elif inside and re.match(r"^[\u4e00-\u9fff]{1,6}[:：]", line):
            out.append(line)
        else:
            if inside:
                out.append("")
            inside = False
            out.append(lines[k])
        k += 1
    return out


def team_records(raw: str) -> str:
    """The text with team tables rewritten as records (see the module docstring); unchanged otherwise."""
    if "组" not in raw and "組" not in raw:
        return raw
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_stacked(_columns(lines)))
