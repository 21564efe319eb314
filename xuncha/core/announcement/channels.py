"""Reporting channels: phone, SMS, email, post, letterboxes, visit rooms and online channels."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import cn_number
from .hours import HoursGroup
from .segments import Span, clause_start, sentence_at

__all__ = [
    "Channel",
    "attach_hours",
    "find_channels",
    "normalize_phone",
]


@dataclass
class Channel:
    kind: str
    value: str | None
    start: int  # offset of the value (or location) in the clean text
    end: int
    source: str
    postcode: str | None = None
    location: str | None = None
    hours: list[dict[str, str]] = field(default_factory=list)

    def key(self) -> tuple[str, str | None, str | None]:
        return (self.kind, self.value, self.location)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "value": self.value,
            "postcode": self.postcode,
            "location": self.location,
            "hours": [dict(h) for h in self.hours],
            "source": self.source,
        }


@dataclass
class ChannelScan:
    channels: list[Channel] = field(default_factory=list)
    supervision: list[tuple[int, str, str]] = field(default_factory=list)  # (offset, phone, sentence)
    warnings: list[str] = field(default_factory=list)


# --- phones -----------------------------------------------------------------------------------

_MOBILE = r"1[3-9]\d(?:[- ]?\d{4}){2}"
_LANDLINE = r"(?:\(0\d{2,3}\)\s?|0\d{2,3}(?:\s?-\s?|\s)?)[1-9]\d{2,3}-?\d{4}|[2-9]\d{2,3}-?\d{4}"
# A letter may follow a number only when it starts an email glued to it ("0553-1234567xcz1@163.com", a
# table row flattened without separators).
_PHONE = re.compile(
    rf"(?<![0-9A-Za-z@._-])(?:{_MOBILE}|{_LANDLINE})"
    r"(?![0-9@-]|[A-Za-z](?![A-Za-z0-9._%+-]*@)|\.[0-9A-Za-z])"
)
_GLUED_PHONE = re.compile(r"^(?:0\d{2,3}-\d{7,8}|1[3-9]\d{9})(?=[A-Za-z])")
_PHONE_WORDS = re.compile(r"电话|热线|手机|座机|来电|值班|拨打|(?<!短信)(?<!短信举报)(?<!短信专用)号码|联系方式")
_SMS_WORDS = re.compile(r"短信")
_FAX_WORDS = re.compile(r"传真")
# "手机(18615176771，只收短信)", "17720354275(用于接收举报短信)"
# "(仅限短信)", "(只发短信)", "(短信专用)"
_SMS_ONLY = re.compile(
    r"^\s*[(，,]\s*(?:(?:只|仅|专门)?(?:用于|用来)?(?:接受|接收|收)(?:举报)?短信"
    r"|(?:只|仅)(?:限|能|可)?(?:发送?|收)?(?:举报)?短信|短信(?:举报)?专用)"
)
_SUPERVISION_CLAUSE = re.compile(r"监督电话|监督举报电话|监督方式")
_SUPERVISION_SENTENCE = re.compile(
    r"(?:对|反映|举报)巡[察视](?:组|干部|工作人员|组成员)[^。]{0,24}(?:监督|违反|违规|违纪|问题)"
    r"|巡[察视](?:组|干部)(?:成员|工作人员)?[^。]{0,16}(?:违反|违规|违纪|不廉洁|作风)"
    r"|监督巡[察视](?:组|干部)"
)


def normalize_phone(raw: str) -> str | None:
    """``(0771)1234567`` / ``0771 1234567`` -> ``0771-1234567``; mobiles -> 11 digits."""
    digits = re.sub(r"\D", "", raw)
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        return digits
    if digits.startswith("0"):
        parts = [p for p in re.split(r"[()\s-]+", raw) if p]
        if len(parts) >= 2 and parts[0].startswith("0") and 3 <= len(parts[0]) <= 4:
            area, number = parts[0], "".join(parts[1:])
        else:
            area_len = 3 if digits.startswith(("010", "02")) else 4
            area, number = digits[:area_len], digits[area_len:]
        if len(number) in (7, 8):
            return f"{area}-{number}"
        return None
    if len(digits) in (7, 8):
        return digits
    return None


def _phone_kinds(text: str, sentence: Span, pos: int) -> list[str]:
    """Which channel kinds a number at `pos` is, judged by the nearest keyword before it."""
    before = text[sentence.start : pos]
    best: tuple[int, list[str]] | None = None
    for pattern, kinds in ((_PHONE_WORDS, ["phone"]), (_SMS_WORDS, ["sms"]), (_FAX_WORDS, [])):
        for m in pattern.finditer(before):
            if best is None or m.start() > best[0]:
                best = (m.start(), kinds)
    if best is None:
        return []
    kinds = best[1]
    between = before[max(0, best[0] - 6) :]
    phone_and_sms = (kinds == ["phone"] and _SMS_WORDS.search(between)) or (
        kinds == ["sms"] and re.search(r"电话|来电|热线", between)
    )
    if phone_and_sms:
        kinds = ["phone", "sms"]
    return kinds


def _column_kinds(text: str, pos: int) -> list[str]:
    """A number in a table row under a header row naming "联系电话" (no blank line between)."""
    line_start = text.rfind("\n", 0, pos) + 1
    if "，" not in text[line_start:pos]:
        return []
    block_start = text.rfind("\n\n", 0, line_start)
    for header in reversed(text[block_start + 1 if block_start >= 0 else 0 : line_start].split("\n")[-8:]):
        if "，" in header and re.search(r"电话|手机", header) and not re.search(r"\d{5,}", header):
            return ["phone"]
    return []


_TEAM_ROW = re.compile(r"[\u4e00-\u9fff]{0,12}第?[一二三四五六七八九十\d]+巡[察视][一二三四五六七八九十\d]*组")


def _team_row_kinds(text: str, pos: int) -> list[str]:
    """A number on a line that starts with a team's name ("县委第一巡察组组长张三县农业局党组0553-1111111…"):
    a table row glued together, its number the team's phone."""
    line_start = text.rfind("\n", 0, pos) + 1
    if not text[line_start:pos].strip() and line_start > 0:
        # "县委第一巡察组县财政局党组\n0553-1111111": a row broken before its number.
        line_start = text.rfind("\n", 0, line_start - 1) + 1
    return ["phone"] if _TEAM_ROW.match(text, line_start) and not _FAX_WORDS.search(text, line_start, pos) else []


def _phones(text: str, sents: list[Span], scan: ChannelScan) -> None:
    previous_end = -1  # where the last number taken ends
    for m in _PHONE.finditer(text):
        sentence = sentence_at(sents, m.start())
        clause = text[clause_start(text, m.start(), sentence.start, "，。；\n") : m.start()]
        phone = normalize_phone(m.group(0))
        if phone is None:
            continue
        supervising = bool(_SUPERVISION_CLAUSE.search(clause) or _SUPERVISION_SENTENCE.search(sentence.text))
        kinds = _phone_kinds(text, sentence, m.start()) or _column_kinds(text, m.start()) or _team_row_kinds(text, m.start())
        if not kinds:
            continue
        if "-" not in phone and len(phone) < 11:
            # Without an area code only right after a phone keyword ("联系电话：6123456") or after
            # another number of the same list ("0771-1234567、7654321").
            keyword = re.search(r"(?:电话|热线|手机|号码|座机)[：:为是]?$", text[max(0, m.start() - 6) : m.start()])
            listed = previous_end >= 0 and re.fullmatch(r"\s*(?:[、，,/]|或|和)?\s*", text[previous_end : m.start()])
            if not keyword and not listed:
                continue
            scan.warnings.append(f"电话号码{phone}未注明区号")
        if supervising:
            scan.supervision.append((m.start(), phone, sentence.text))
            continue
        if "sms" in kinds and not re.fullmatch(r"1\d{10}", phone):
            kinds = [k for k in kinds if k != "sms"] or ["phone"]
        after = text[m.end() : m.end() + 24]
        # "17724880722(接听时间为工作日工作时间)，可接收短信": the note on hours does not hide the SMS that follows.
        past_note = re.sub(r"^\s*\([^()]{1,30}\)(?=\s*[，,])", "", text[m.end() : m.end() + 48])
        if kinds == ["phone"] and any(
            re.match(r"^\s*[(，,]\s*(?:可|也可|亦可)?(?:接听和|接听及|接听、)?(?:接收|发送?|收)短信", a) for a in (after, past_note)
        ):
            kinds = ["phone", "sms"]
        near = text[max(sentence.start, m.start() - 16) : m.start()]
        sms_number = re.search(r"(?:接收|收|发送?)短信(?:的|用)?(?:手机)?(?:号码|号)[：:为是]?\s*$", near)
        if re.fullmatch(r"1\d{10}", phone) and (sms_number or _SMS_ONLY.match(after)):
            kinds = ["sms"]  # "手机(18615176771，只收短信)"
        for kind in kinds:
            scan.channels.append(Channel(kind, phone, m.start(), m.end(), sentence.text))
        previous_end = m.end()


# --- email, post -------------------------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_POST_KEY = re.compile(
    r"(?:邮政信箱|邮政专用信箱|通信地址|通讯地址|来信地址|邮寄地址|信件地址|来信请寄(?:至|到)?|信件请寄(?:至|到)?"
    r"|来信邮寄(?:至|到)|邮寄(?:至|到)|信件寄(?:至|到)|(?:信访件)?函寄地址|(?:专用|专门)邮箱(?=\())(?:为|是)?[：:(]?"
    # "若来信，请寄…", "来信可寄至…", "信件可寄到…"
    r"|(?:请|可|可以)寄(?:至|到|往)?[：:]?"
    # "邮箱：某县8号邮政信箱", "信箱：某市邮政1号信箱": a box named by a bare 邮箱/信箱 key (never an email)
    r"|(?<![电子])(?:邮箱|信箱)[：:](?=[^@，。；\n]{2,40}?信箱)"
    # "地址：某县某路1号…，邮编530000": an address given with its postcode is a mailing address
    r"|(?<![办公接待访驻])(?:联系|收信)?地址[：:](?=[^@。；\n]{4,60}?(?:邮编|邮政编码))"
)
# "…101室，区委第一巡察组收": the addressee after a comma belongs to the address.
_ADDRESSEE = re.compile(r"^[，,]\s*[^，。；,\n@]{2,24}?收(?=[，。；,\n(]|$)")
_POST_END = re.compile(r"\((?=邮|\d{6}\))|邮编|邮政编码|[，。；\n,]|$")
_POSTCODE_BEFORE = re.compile(r"\s*\(?(?:邮编|邮政编码)?[：:]?\s*(\d{6})\)?[，,]?\s*(?=[\u4e00-\u9fff])")
_POSTCODE_AFTER = re.compile(r"^\s*(?:\((?:邮编|邮政编码)?[：:]?\s*(\d{6})\)|[，,]?\s*(?:邮编|邮政编码)[：:为]?\s*(\d{6}))")


def _emails(text: str, sents: list[Span], scan: ChannelScan) -> None:
    for m in _EMAIL.finditer(text):
        value = m.group(0).rstrip(".")
        glued = _GLUED_PHONE.match(value)  # "0553-1234567xcz1@163.com": the number is not the address's
        start = m.start() + (glued.end() if glued else 0)
        value = value[glued.end() :] if glued else value
        scan.channels.append(Channel("email", value, start, m.end(), sentence_at(sents, m.start()).text))


def _posts(text: str, sents: list[Span], scan: ChannelScan) -> None:
    covered = 0
    for m in _POST_KEY.finditer(text):
        if m.start() < covered:
            continue  # "通信地址：…B30071邮政专用信箱区委专项巡察一组收": the key inside an address
        base = m.end()
        lead = _POSTCODE_BEFORE.match(text, base)  # "来信请寄：(邮编530000)某县…", "530000某县…"
        if lead:
            base = lead.end()
        rest = text[base:]
        end = _POST_END.search(rest)
        assert end is not None
        address = rest[: end.start()].strip()
        address = re.sub(r"^(?:寄至|寄到|至|到)", "", address)
        if re.match(r"^[、和及]|^以及", address):
            continue  # "设专门邮政信箱、电子信箱和…": a list of channel names, no address
        if len(address) < 4 or not re.search(r"[省市县区镇乡路街号室楼信箱院]", address):
            continue
        if re.match(r"^在", address) or re.search(_PLACE_VERB, address):
            continue  # "设立专门信箱：在学院二楼门口设置联系信箱": a letterbox, not a post box
        start = base + rest.index(address)
        tail = _ADDRESSEE.match(text[start + len(address) :])
        if tail and not address.endswith("收"):
            address += tail.group(0)
        postcode = lead.group(1) if lead else None
        after = _POSTCODE_AFTER.match(text[start + len(address) :])
        if after and not postcode:
            postcode = after.group(1) or after.group(2)
        elif not postcode:
            around = sentence_at(sents, start).text
            code = re.search(r"(?:邮编|邮政编码)[：:为]?\s*(\d{6})(?!\d)", around)
            postcode = code.group(1) if code else None
        scan.channels.append(
            Channel("post", address, start, start + len(address), sentence_at(sents, start).text, postcode=postcode)
        )
        covered = start + len(address)


# --- letterboxes and visit rooms ---------------------------------------------------------------

_LB_KEY = (
    r"(?:(?:工作)?联系信箱|意见箱|意见信箱|意见收集箱|意见征集箱|举报箱|举报信箱|巡察信箱|巡察意见箱|信访箱|投诉箱)"
)
_PLACE_VERB = r"(?:设置|设立|放置|安放|悬挂|设有|安装|摆放)"
_LB_BEFORE = re.compile(
    rf"(?:在(?P<locs>[^。；：，\n]{{2,160}}?)|(?P<each>各[^。；：，\n在]{{1,20}}?))"
    rf"(?:等(?P<count>\d+|[一二三四五六七八九十]+)(?:处|个(?:地点|位置)?))?"
    rf"(?:分别|各|均|都)?{_PLACE_VERB}了?[^。，；\n]{{0,12}}?{_LB_KEY}"
)
_LB_AFTER = re.compile(
    rf"{_LB_KEY}(?:[^。，；：\n]{{0,6}}?|(?:\d+|[一二三四五六七八九十]+)个[，,]?)(?:分别)?(?:(?:{_PLACE_VERB}|设)(?:在|于)|位于)[：:]?"
    rf"(?P<locs>[^。；，\n]{{2,160}})"
    rf"|{_LB_KEY}(?:位置|地点|地址|设置地点|设置地址|放置地点)?[：:为](?:分别)?(?:(?:{_PLACE_VERB}|设)(?:在|于)|位于)?"
    rf"(?P<locs2>[^。；，\n]{{2,160}})"
)
_VISIT = re.compile(
    r"(?:(?:来访接待室|接待室|来访接待地点|信访接待地点|接待来访地点|来访地点|接访地点|来访接待点|接待地点|来访地址|接待地址)"
    r"(?:[，,]?(?:设在|设于|位于)|地址|在)?[：:为]?"
    r"|(?:来访接待|接待来访|来访)[：:](?:地点|地址)?[：:为]?)(?P<loc>[^，。；\n]{2,80})"
    r"|在(?P<loc2>[^。；：，\n]{2,60}?)(?:设立|设置|设有|开设)了?(?:专门的)?(?:来访)?接待室"
)
# "办公地点设在市委办公室202、213办公室", "来访受理：…", "在区人大设有举报信箱和信访接待室",
# "行政楼409室设置了群众来访接待点".
_VISIT_MORE = re.compile(
    r"(?:巡[察视]组)?(?:办公地点|驻地)(?:设在|设于|位于|在|为)[：:]?(?P<loc>[^，。；\n]{2,60})"
    r"|巡[察视]组办公室(?:设在|设于|位于)[：:]?(?P<loc5>[^，。；\n]{2,60})"
    r"|在(?P<loc6>[^。；：，\n在]{2,40}?)接待(?:群众)?来访"
    r"|来访受理[：:](?P<loc2>[^，。；\n]{2,80})"
    r"|在(?P<loc3>[^。；：，\n]{2,40}?)(?:设立|设置|设有|开设)了?[^。，；\n]{1,8}?(?:信访|来访)接待(?:室|点|窗口)"
    r"|(?<=[，。；\n])(?P<loc4>[^。；：，、\n在]{2,40}?)(?:设立|设置|设有|开设)了?(?:群众)?(?:来访|信访)接待(?:室|点)"
)
_PLACE_END = re.compile(
    r"(?:楼|层|厅|口|室|处|旁|栏|门|道|廊|侧|前|内|外|边|中心|站|点|馆|堂|梯|间|所|院|局|部|会)$"
)
_FLOOR = re.compile(r"^(?:\d+|[一二三四五六七八九十]+)(?:楼|层)")


def _split_locations(locs: str) -> list[str]:
    parts: list[str] = []
    for piece in locs.split("、"):
        # "A一楼大厅和B二楼": split on 和/及 only after a complete place ("住房和城乡建设局" stays),
        # never in "A和B之间".
        while not piece.endswith("之间"):
            m = re.search(r"以及|和|及", piece)
            if not m or not _PLACE_END.search(piece[: m.start()]):
                break
            parts.append(piece[: m.start()])
            piece = piece[m.end() :]
        parts.append(piece)
    parts = [re.sub(r"(?:等)?(?:\d+|[一二三四五六七八九十]+)个(?:地方|地点|地址|位置)$|^\d{1,2}[.、．]", "", p.strip(" ，,"))
             for p in parts]
    parts = [re.sub(r"^(?:同时在|在|于)", "", p) for p in parts if p]
    return _distribute_suffix(_distribute_prefix([p for p in parts if len(p) >= 2]))


# Where a location is already a spot one can stand at ("大门口", "一楼大厅"), it needs no suffix.
_SPOT_END = re.compile(r"(?:门口|大门|门前|大厅|走廊|楼梯口|通道|广场|旁|侧|处|室|楼|层|栏|内|外|边|前|口)$")


def _distribute_suffix(items: list[str]) -> list[str]:
    """``在东阳社区、西门社区、南桥社区党群服务中心门口各设置`` -> every item gets the shared
    suffix of the last one (``东阳社区党群服务中心门口``, …)."""
    if len(items) < 2:
        return items
    last = items[-1]
    heads = items[:-1]
    if any(_SPOT_END.search(h) or len(h) >= len(last) for h in heads):
        return items
    ends = {h[-1] for h in heads}
    if len(ends) != 1:
        return items
    cut = last.find(ends.pop())
    suffix = last[cut + 1 :] if cut >= 0 else ""
    if cut < 1 or len(suffix) < 2 or not _SPOT_END.search(suffix) and not _PLACE_END.search(suffix):
        return items
    return [h + suffix for h in heads] + [last]


def _distribute_prefix(items: list[str]) -> list[str]:
    """``分别放置在A校区西区南楼一楼和中楼一楼`` -> the second item gets the shared prefix."""
    if not items:
        return items
    out = [items[0]]
    for item in items[1:]:
        prev = out[-1]
        prefix = ""
        for k in range(min(len(item), 6), 1, -1):
            p = prev.find(item[:k])
            if p > 0:
                prefix = prev[:p]
                break
        if not prefix and _FLOOR.match(item):
            floor = re.search(r"(?:\d+|[一二三四五六七八九十]+)(?:楼|层)", prev)
            if floor and floor.start() > 0:
                prefix = prev[: floor.start()]
        out.append(prefix + item if prefix and not item.startswith(prefix) else item)
    return out


_NEXT_NUMBERED = re.compile(r"[；;，,\s]*\d{1,2}[.、．](?P<loc>[^。；;，,\n]{2,60})")


def _letterboxes(text: str, sents: list[Span], scan: ChannelScan) -> None:
    for pattern in (_LB_BEFORE, _LB_AFTER):
        for m in pattern.finditer(text):
            group = next(g for g in ("locs", "each", "locs2") if m.groupdict().get(g))
            raw = m.group(group)
            if re.match(r"^(?:以下|下列|如下)(?:地点|位置|地方|场所)?$", raw):
                continue  # "在以下地点设置了意见箱：1.…": the places follow, read by the key's own match
            locations = _split_locations(raw.rstrip("等"))
            if re.search(r"、[^、]+(?:等[^、\d]{1,8}(?:场所|地方|地点|位置|处)|办公场所(?:门口|大门|内)?)$", raw):
                locations = [raw]  # "设在A、B、C等办公场所": the sentence's places as one location
            bare = [re.sub(r"\([^)]*\)$", "", x) for x in locations]  # "西门大街156号(区医院南门)"
            if group == "locs2" and not all(_PLACE_END.search(x) or _SPOT_END.search(x) or re.search(r"\d+号$", x)
                                            for x in bare):
                continue  # "意见箱：…" that is not followed by places
            count_text = m.groupdict().get("count")
            if count_text:
                count = cn_number(count_text)
                if count is not None and count != len(locations):
                    scan.warnings.append(f"联系信箱数量（{count_text}处）与列出的地点数（{len(locations)}）不一致")
            pos = m.start(group)
            source = sentence_at(sents, pos).text
            end = pos + len(raw)
            # "意见箱设置地点：1.甲；2.乙；3.丙": the numbered places that follow
            if re.match(r"\s*\d{1,2}[.、．]", text[pos : pos + 4]):
                while more := _NEXT_NUMBERED.match(text, end):
                    locations.append(more.group("loc").strip())
                    end = more.end()
            for location in locations:
                scan.channels.append(Channel("letterbox", None, pos, end, source, location=location))


def _visits(text: str, sents: list[Span], scan: ChannelScan) -> None:
    _more_visits(text, sents, scan)
    for m in _VISIT.finditer(text):
        group = "loc" if m.group("loc") else "loc2"
        location = re.sub(r"^(?:设在|设于|位于|在)", "", m.group(group)).strip()
        location = re.split(r"\((?=[^)]*(?:时间|工作日|每天))", location)[0]
        if len(location) < 2 or re.match(r"^(?:时间|受理|工作日|每天|\(|[、和及与])", location):
            continue  # "…信访接待室(荆州区政府大门西侧)": the parenthesis belongs to the place before;
            # "明确了来访地点、通信地址和举报电话": a list of channels, no place
        pos = m.start(group)
        scan.channels.append(Channel("visit", None, pos, pos + len(location), sentence_at(sents, pos).text,
                                     location=location))


def _more_visits(text: str, sents: list[Span], scan: ChannelScan) -> None:
    taken = {(c.start, c.location) for c in scan.channels if c.kind == "visit"}
    for m in _VISIT_MORE.finditer(text):
        group = next(g for g in ("loc", "loc2", "loc3", "loc4", "loc5", "loc6") if m.group(g))
        location = m.group(group).strip()
        if len(location) < 2 or re.match(r"^(?:时间|受理|工作日|每天|各|巡察组|巡视组)", location):
            continue
        pos = m.start(group)
        if (pos, location) not in taken and not any(c.kind == "visit" and c.start == pos for c in scan.channels):
            scan.channels.append(Channel("visit", None, pos, pos + len(location), sentence_at(sents, pos).text,
                                         location=location))


# --- online -------------------------------------------------------------------------------------

_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9./_%?=&#:~+-]+")
_ONLINE = re.compile(
    r"网上巡察|码上巡察|网上举报|网络举报|在线举报|二维码|扫码|微信公众号|小程序|举报网站|网址"
    r"|“[^”]{2,20}”(?:平台|APP|App|客户端|系统)"
)
_QUOTED = re.compile(r"“([^”]{2,20})”")


def _online(text: str, sents: list[Span], scan: ChannelScan) -> None:
    for sentence in sents:
        hit = _ONLINE.search(sentence.text)
        if not hit or re.search(r"监督电话", sentence.text):
            continue
        url = _URL.search(sentence.text)
        value: str | None
        if url:
            value = url.group(0).rstrip(".")
        else:
            quoted = [q for q in _QUOTED.findall(sentence.text) if re.search(r"巡察|巡视|举报|公众号|平台|监督|码上", q)]
            value = quoted[0] if quoted else None
        pos = sentence.start + hit.start()
        scan.channels.append(Channel("online", value, pos, pos + len(hit.group(0)), sentence.text))


# A news site's own tip-off lines ("爆料热线：…  电邮：news@…") are not the inspection's channels.
_SITE_CHROME = re.compile(r"爆料|投稿邮箱|新闻热线|版权所有|联系我们")


def find_channels(text: str, sents: list[Span]) -> ChannelScan:
    scan = ChannelScan()
    _phones(text, sents, scan)
    _emails(text, sents, scan)
    _posts(text, sents, scan)
    _letterboxes(text, sents, scan)
    _visits(text, sents, scan)
    _online(text, sents, scan)
    scan.channels = [c for c in scan.channels if not _SITE_CHROME.search(_line_at(text, c.start))]
    # "在区人民来访接待室大门北侧、…设置举报信箱": a place named inside a letterbox location is no visit point.
    boxes = [c for c in scan.channels if c.kind == "letterbox"]
    scan.channels = [c for c in scan.channels
                     if c.kind != "visit" or not any(b.start < c.start < b.end for b in boxes)]
    scan.channels.sort(key=lambda c: c.start)
    return scan


def _line_at(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : len(text) if end < 0 else end]


# --- hours ------------------------------------------------------------------------------------

_HOURS_PHONE = re.compile(r"来电|电话|热线|接听")
_HOURS_VISIT = re.compile(r"来访|接待|接访|走访|面谈")


def default_days(group: HoursGroup) -> str:
    """Days of hours that do not say: office hours around a lunch break ("上午8:30-12:00，下午2:30-5:30")
    are taken as workdays, one span ("8:00-18:00") as every day. The import warns either way."""
    return "workdays" if len(group.ranges) > 1 else "everyday"


def attach_hours(text: str, sents: list[Span], channels: list[Channel], group: HoursGroup) -> list[Channel]:
    """Attach an hours group to the channels it belongs to; return them."""
    ranges = [{"days": group.days or default_days(group), "start": s, "end": e} for s, e in group.ranges]
    targets = _hours_targets(text, sents, channels, group)
    for channel in targets:
        for r in ranges:
            if r not in channel.hours:
                channel.hours.append(dict(r))
    return targets


_RUN_JOIN = re.compile(r"^\s*(?:或者|或|、|和|及|/)?\s*$")


def _joined_run(text: str, timed: list[Channel], last: int) -> list[Channel]:
    """"0746-6221880或13907461234(工作日…)": the hours apply to every number of the run."""
    run = [c for c in timed if c.start == timed[last].start]
    while run[0].kind != "visit":
        before = [c for c in timed if c.end <= run[0].start]
        if not before or before[-1].kind == "visit" or not _RUN_JOIN.match(text[before[-1].end : run[0].start]):
            break
        run[:0] = [c for c in timed if c.start == before[-1].start]
    return run


def _hours_targets(text: str, sents: list[Span], channels: list[Channel], group: HoursGroup) -> list[Channel]:
    timed = [c for c in channels if c.kind in ("phone", "visit", "sms")]
    # 1. A parenthesis right after a channel's value: "0571-86837284(受理时间为工作日…)".
    paren = text.rfind("(", 0, group.start)
    if paren >= 0 and ")" not in text[paren : group.start]:
        for k, channel in enumerate(timed):
            if channel.end <= paren and not text[channel.end : paren].strip():
                run = _joined_run(text, timed, k)
                said = text[clause_start(text, group.start, paren, "，,；") : group.start]
                if _HOURS_PHONE.search(said) and "短信" not in said:  # "(可接收短信，接听时间为…)"
                    run = [c for c in run if c.kind != "sms"] or run
                return run
    sentence = sentence_at(sents, group.start)
    clause = text[clause_start(text, group.start, sentence.start, "，。；\n") : group.start]
    kinds = set()
    if _HOURS_PHONE.search(clause):
        kinds.add("phone")
    if "短信" in clause:  # "接听和收短信时间为…"
        kinds.add("sms")
    if _HOURS_VISIT.search(clause):
        kinds.add("visit")
    if kinds:
        return [c for c in timed if c.kind in kinds]
    # 2. The channels of the same sentence before the hours.
    same = [c for c in timed if sentence.start <= c.start < group.start and c.kind != "sms"]
    if same:
        last_kind = same[-1].kind
        return [c for c in same if c.kind == last_kind]
    return [c for c in timed if c.kind == "phone"]
