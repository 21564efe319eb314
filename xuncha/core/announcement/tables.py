"""Tables of several teams flattened into text, rewritten as one record per team.

Shapes seen on real pages (before :func:`clean_text`):

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

- a table flattened to one cell per line (a header block "组别 / 巡察单位 / 值班电话 / …", then the cells
  of each row, a row starting with its team), and rows whose cells are set apart by plain spaces.

All become records the piece splitter already reads ("组别：<team>" then "label：value" lines, a
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


_HEADER = re.compile(r"^(?:组\s*别|組\s*別|巡[察視视][组組](?:名称|名稱)?|组名)$")
_PHONE_CELL = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}[-—－]?\d{7,8})(?:[、/ ]+(?:1[3-9]\d{9}|0\d{2,3}[-—－]?\d{7,8}))*$")
_EMAIL_CELL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
# Cells set apart by plain spaces, none with a label of its own (wide spaces are read by clean_text).
_SPACED_ROW = re.compile(r"^[^\s：:]+(?: +[^\s：:]+){2,}$")
_BOX_CELL = re.compile(r"(?:信箱|邮箱|郵箱)(?:转|轉)?.{0,12}$")


def _labelled(header: list[str], cells: list[str]) -> list[str]:
    """"label：value" lines for a row of cells under `header` (labels of the other columns)."""
    typed = {"phone": "联系电话", "email": "电子邮箱", "box": "邮政信箱"}
    out: list[str] = []
    rest: list[str] = []
    for cell in cells:
        kind = ("phone" if _PHONE_CELL.match(cell) else "email" if _EMAIL_CELL.match(cell)
                else "box" if _BOX_CELL.search(cell) and re.search(r"\d", cell) else None)
        if kind:
            label = next((h for h in header if typed[kind][-2:] in h or (kind == "box" and "信箱" in h)), typed[kind])
            out.append(f"{label}：{cell}")
        else:
            rest.append(cell)
    text_labels = [h for h in header if not re.search(r"电话|電話|手机|邮箱|郵箱|信箱(?!位置|地点|设置)|邮件", h)]
    if rest and text_labels and len(rest) >= len(text_labels):
        # One cell per text column; a place broken over two lines ("第二行政中心八楼" / "电梯口") joins the last.
        rest = rest[: len(text_labels) - 1] + ["".join(rest[len(text_labels) - 1 :])]
        out[:0] = [f"{label}：{cell}" for label, cell in zip(text_labels, rest, strict=True)]
    return out


def _cell_lines(lines: list[str]) -> list[str]:
    """A table flattened to one cell per line: a header block ("组别", "巡察单位", "值班电话", …), then
    rows that each start with a team's cell."""
    start = next((k for k, line in enumerate(lines) if _HEADER.match(line.strip())), None)
    if start is None:
        return lines
    heads = [k for k in range(start + 1, len(lines)) if _TEAM_CELL.match(lines[k].strip())]
    header = [line.strip() for line in lines[start + 1 : heads[0]]] if heads else []
    if len(heads) < 2 or not 1 <= len(header) <= 8 or any(not h or len(h) > 10 for h in header):
        return lines
    out = lines[:start]
    for n, k in enumerate(heads):
        stop = heads[n + 1] if n + 1 < len(heads) else len(lines)
        cells = []
        for line in lines[k + 1 : stop]:
            if not line.strip():
                break  # the table ends at a blank line
            cells.append(line.strip())
        out += ["", f"组别：{lines[k].strip()}", *_labelled(header, cells), ""]
        if n + 1 == len(heads):
            out += lines[k + 1 + len(cells) :]
    return out


def _spaced_rows(lines: list[str]) -> list[str]:
    """Rows "县委第一巡察组 县农业局 18908160001 xcz1@163.com" (cells separated by spaces)."""
    rows = [k for k, line in enumerate(lines)
            if _SPACED_ROW.match(line.strip()) and _TEAM_CELL.match(line.split()[0])
            and re.search(r"[一二三四五六七八九十\d]", line.split()[0])]
    if len(rows) < 2:
        return lines
    header = _spaced_header(lines, rows[0])
    out: list[str] = []
    for k, line in enumerate(lines):
        if k in rows:
            team, *cells = line.split()
            out += ["", f"组别：{team}", *_labelled(header, cells), ""]
        else:
            out.append(line)
    return out


def _spaced_header(lines: list[str], first_row: int) -> list[str]:
    """The labels of the columns after the team's ("组别 组长 被巡察单位 联系电话" above the rows), or
    a single "被巡察单位" when the rows have no header line."""
    above = next((line.split() for line in reversed(lines[:first_row]) if line.strip()), [])
    if len(above) >= 3 and _HEADER.match(above[0]) and all(len(h) <= 10 and not re.search(r"\d", h) for h in above):
        return above[1:]
    return ["被巡察单位"]


def team_records(raw: str) -> str:
    """The text with team tables rewritten as records (see the module docstring); unchanged otherwise."""
    if "组" not in raw and "組" not in raw:
        return raw
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_spaced_rows(_cell_lines(_stacked(_columns(lines)))))
