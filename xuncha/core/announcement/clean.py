"""Clean-up of announcement text as it arrives from scrapers and web pages.

Policy (applied in this order by :func:`clean_text`):

1. Line endings become ``\\n``; ideographic and no-break spaces become ordinary spaces.
2. Pinyin scraping annotations are dropped: a parenthesised run of pinyin directly after a CJK
   character, e.g. ``根據(jù)`` -> ``根據``, ``黨（dǎng）`` -> ``黨``, ``共產黨(gòng chǎn dǎng)`` -> ``共產黨`` (also in
   ``[]``, ``【】``, ``〔〕``; the first syllable may be capitalised). A run counts as pinyin when it
   has a tone mark (or ü), or is a single plausible toneless syllable (``們(men)``). Real
   parentheses such as ``(以下簡稱港職院)``, ``(郵編310014)`` or ``(下沙校區)`` are kept, even
   when pinyin annotations sit inside them.
3. Traditional characters become simplified (OpenCC ``t2s``, plus a few phrase fixes for 著/着
   that ``t2s`` leaves alone, e.g. ``有著落`` -> ``有着落``).
4. Full-width ASCII digits, letters and symbols become half-width (``２０２４`` -> ``2024``,
   ``０７７１－１２３４５６７`` -> ``0771-1234567``); full-width parentheses become ASCII ``()``.
   Chinese punctuation stays Chinese: ``，。；：！？、“”`` are kept, and an ASCII ``, ; : ! ?`` that
   touches CJK text becomes its Chinese form (``電話:0571`` -> ``电话：0571``). A colon between
   digits is a time separator and is always ASCII (``8：30`` -> ``8:30``); a comma between digits
   stays ASCII.
5. Dash variants (—, –, －, ～, ~ ...) between the parts of a time range or inside a phone number
   become ``-`` (``8:30—12:00`` -> ``8:30-12:00``). Dashes in date ranges (``3月6日—6月21日``)
   and in prose are kept.
6. Spaces are removed where they touch CJK characters or Chinese punctuation, and between a
   number and its unit (``6月14 日`` -> ``6月14日``). Spaces between two Latin/digit tokens are
   meaningful and kept (``0571 86837284``). Runs of spaces collapse to one; lines are
   right-stripped; three or more line breaks collapse to one blank line. Before all that, the
   cells of a table row (tab-separated, or ``| a | b |``) are joined with ``，`` as the .docx
   reader joins the cells of a row, so that they do not run together.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

__all__ = ["clean_text", "strip_pinyin", "to_simplified", "normalize_width"]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2018-\u201f\u2014\u2026\u00b7"

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN_RUN = re.compile(
    rf"(?<=[{_CJK}])\s?[(（\[【〔]\s*(?P<py>[A-Za-z{_TONED}]{{1,7}}(?:\s[a-z{_TONED}]{{1,7}}){{0,11}})\s*[)）\]】〕]"
)
_TONE_MARK = re.compile(f"[{_TONED}]")
# A toneless syllable (neutral tone: 們(men), 的(de)); only these exact syllable shapes count.
_TONELESS_SYLLABLE = re.compile(
    r"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|in|un|er|ia|ie|iu|ua|uo|ui|ue|a|o|e|i|u|v)$"
)

# 著 that t2s keeps but mainland usage writes 着 (phrase-level, so 著名/显著/著作 are untouched).
_ZHE_FIXES = {
    "著落": "着落",
    "著力": "着力",
    "著眼": "着眼",
    "著手": "着手",
    "著重": "着重",
    "接著": "接着",
    "随著": "随着",
    "意味著": "意味着",
    "沉著": "沉着",
    "有著": "有着",
    "本著": "本着",
}

_DASHES = "—–―‒−－~～"
_DIGIT_DASH = re.compile(rf"(?<=\d)[ \t]*[{_DASHES}]{{1,2}}[ \t]*(?=\d)")
_TIME_DASH = re.compile(
    rf"(?<=[\d分点时])[ \t]*[{_DASHES}]{{1,2}}[ \t]*(?=(?:上午|下午|中午|晚上|早上|傍晚|早|晚)?\d{{1,2}}(?::\d{{2}}|[时点]))"
)
_FULLWIDTH_COLON_TIME = re.compile(r"(?<=\d)\s*[：∶]\s*(?=\d)")  # also the ratio sign: "8∶00"
_ASCII_PUNCT = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002-\u200b\ufeff]+")
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}])[ \t]+|[ \t]+(?=[{_CJK}{_CJK_PUNCT}])")
_SPACE_BEFORE_UNIT = re.compile(r"(?<=\d)[ \t]+(?=[年月日号时分点])")


def _is_pinyin(run: str) -> bool:
    if _TONE_MARK.search(run):
        return True
    return all(_TONELESS_SYLLABLE.match(part.lower()) for part in run.split())


def strip_pinyin(text: str) -> str:
    """Drop ``(pīn)`` annotations that follow a CJK character; keep every other parenthesis."""
    return _PINYIN_RUN.sub(lambda m: "" if _is_pinyin(m.group("py")) else m.group(0), text)


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> simplified with OpenCC t2s and the 着 phrase fixes."""
    out: str = _converter().convert(text)
    for wrong, right in _ZHE_FIXES.items():
        out = out.replace(wrong, right)
    return out


def _halfwidth_char(ch: str) -> str:
    code = ord(ch)
    if ch in "（）":
        return "(" if ch == "（" else ")"
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return chr(code - 0xFEE0)
    if ch in "＠．／＿－＋＃＊＝＆％｛｝［］＜＞＇＂＾｀｜＼＄":
        return chr(code - 0xFEE0)
    return ch


def normalize_width(text: str) -> str:
    """Full-width ASCII -> half-width, keeping Chinese punctuation (see module policy)."""
    text = "".join(_halfwidth_char(ch) for ch in text)
    text = _FULLWIDTH_COLON_TIME.sub(":", text)
    return text


def _is_cjkish(ch: str) -> bool:
    return bool(re.match(rf"[{_CJK}{_CJK_PUNCT}()]", ch))


def _neighbour(text: str, index: int, step: int) -> str:
    index += step
    while 0 <= index < len(text) and text[index] in " \t":
        index += step
    return text[index] if 0 <= index < len(text) else ""


def _chinese_punctuation(text: str) -> str:
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch not in _ASCII_PUNCT:
            continue
        before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
        if ch in ",:" and before.isdigit() and after.isdigit():
            continue
        if ch == ":" and before.isascii() and before.isalpha() and after == "/":
            continue  # URL scheme
        if (before and _is_cjkish(before)) or (after and _is_cjkish(after)) or (
            ch in ",;" and before.isdigit() and after == ""
        ):
            chars[i] = _ASCII_PUNCT[ch]
    return "".join(chars)


def _normalize_spaces(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line)
        line = _SPACE_NEAR_CJK.sub("", line)
        line = _SPACE_BEFORE_UNIT.sub("", line)
        lines.append(line.strip())
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


_PIPE_ROW = re.compile(r"(?m)^[ \t]*\|(.*)\|[ \t]*$")
_RULE_ROW = re.compile(r"(?m)^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$\n?")
_TAB_CELL = re.compile(r"(?<=[^\s，,：:])[ \t]*\t[ \t]*(?=[^\s，,])")


# Cells set apart by wide runs of spaces ("县委第一巡察组　　县财政局党组　　0771-1111111"): two or
# more such gaps inside one line make it a table row.
_SPACE_GAP = re.compile(r"(?<=\S)(?:[ \t]*\u3000[ \t\u3000]*\u3000|[ \t]*\u3000[ \t]{2,}|[ ]{3,})[ \t\u3000]*(?=\S)")


def _gap_row(line: str) -> str:
    return _SPACE_GAP.sub("，", line) if len(_SPACE_GAP.findall(line.strip())) >= 2 else line


def _table_cells(text: str) -> str:
    """Table cells ("…\t…", "| … | … |", wide runs of spaces) are separated by "，" as rows of a .docx
    table are."""
    text = "\n".join(_gap_row(line) for line in text.split("\n"))
    text = _RULE_ROW.sub("", text)
    text = _PIPE_ROW.sub(lambda m: "，".join(c.strip() for c in m.group(1).split("|")), text)
    return _TAB_CELL.sub("，", text)


def clean_text(raw: str) -> str:
    """Return the cleaned, simplified, width-normalised text (see the module docstring)."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = _table_cells(text)
    text = _SPACES.sub(lambda m: m.group(0) if m.group(0).isascii() else " ", text)
    text = strip_pinyin(text)
    text = to_simplified(text)
    text = normalize_width(text)
    text = _DIGIT_DASH.sub("-", text)
    text = _TIME_DASH.sub("-", text)
    text = _normalize_spaces(text)
    text = _chinese_punctuation(text)
    return _normalize_spaces(text)
