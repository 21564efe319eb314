"""Inspection teams, rounds, kinds and targets named in an announcement."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import cn_number
from .names import split_names

__all__ = ["Team", "TeamMention", "drop_generic", "find_round", "find_targets", "find_teams", "kind_of",
           "labelled_targets", "named"]

_ORD = r"[一二三四五六七八九十\d]+"
_TEAM_CORE = re.compile(
    rf"(?:第(?P<ord1>{_ORD}))?(?P<special>提级|专项|机动)?(?:交叉)?巡(?P<sv>[察视])(?:工作)?(?:第?(?P<ord2>{_ORD}))?组(?!织)"
)
_COMMITTEE = (
    r"(?:省委|市委|州委|盟委|县委|区委|旗委|校党委|学校党委|医院党委|学院党委|大学党委|院党委|集团党委|公司党委"
    r"|镇党委|乡党委|街道党工委|自治区党委|党委|党组)"
)
_TEAM_PREFIX = re.compile(
    rf"(?:中共[\u4e00-\u9fff]{{2,12}}?{_COMMITTEE}(?:教育工委)?|{_COMMITTEE}(?:教育工委)?|教育工委|中央|地委)$"
)
# "…第六轮常规巡察", or the round said before a team of it ("七届市委第十二轮第三巡察组").
_ROUND_CORE = re.compile(rf"第{_ORD}轮(?:(?=第{_ORD}巡[察视]组)|(?P<kw>[\u4e00-\u9fff]{{0,4}}?)巡[察视](?:第{_ORD}批)?)")
_ROUND_COMMITTEE = rf"(?:{_COMMITTEE}|中央|地委)"
_TERM = r"(?:[一二三四五六七八九十]+|\d{1,2})届"  # "十三届", "26届" -- not "2017-08-26九届"
_ROUND_YEAR = r"\d{4}年度?"
# The place or organisation a committee belongs to ("十三届江苏省委", "2015年福建省委", "根据市城市管理局党组"),
# after the term, the year or a break.
_ROUND_PLACE = (r"(?:(?<=届)|(?<=年)|(?<=[，,。；：:\s“”、(])|(?<=根据|按照|依据))"
                r"(?:(?![届轮年召启完成开动据照经对在将于了的和及各全本该共为从自由])[\u4e00-\u9fff]){2,10}?")
_ROUND_PREFIX = re.compile(
    rf"(?:{_ROUND_YEAR})?(?:{_TERM})?(?:{_ROUND_YEAR})?"
    rf"(?:中共[\u4e00-\u9fff]{{2,12}}?{_ROUND_COMMITTEE}|(?P<place>{_ROUND_PLACE})?{_ROUND_COMMITTEE})?"
    rf"(?:巡[察视]组)?(?:{_TERM})?(?:{_ROUND_YEAR})?$"
)

_KINDS = (
    ("followup", re.compile(r"回头看")),
    ("elevated", re.compile(r"提级(?:交叉)?巡[察视](?!组)")),
    ("special", re.compile(r"专项巡[察视]")),
    ("flexible", re.compile(r"机动(?:式)?[”\"]?巡[察视](?!组)")),  # "机动巡察", "“机动式”巡视"
    ("regular", re.compile(r"常规巡[察视]")),
)


@dataclass(frozen=True)
class TeamMention:
    start: int
    end: int
    text: str
    key: tuple[int | None, str]
    prefix: str = ""
    combined: bool = False  # one of the teams of "第三、四巡察组"


@dataclass
class Team:
    key: tuple[int | None, str]
    name: str
    mentions: list[TeamMention] = field(default_factory=list)


def find_teams(text: str) -> list[Team]:
    """Distinct teams in order of first mention; "第五巡察组" and "市委第五巡察组" are one team."""
    mentions = _combined_mentions(text)
    taken = [(m.start, m.end) for m in mentions]
    for m in _TEAM_CORE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        ordinal_text = m.group("ord1") or m.group("ord2")
        prefix = _TEAM_PREFIX.search(text[max(0, m.start() - 20) : m.start()])
        prefix_text = prefix.group(0) if prefix else ""
        if not ordinal_text and prefix_text in ("", "中央", "地委"):
            continue  # "巡察组", "各巡察组", "中央巡视组": not a team name
        if text.startswith("收", m.end()):
            continue  # "常州邮政184号专用信箱第三巡察组收": the addressee of a post box
        if not ordinal_text and re.match(rf"第{_ORD}轮", text[m.end() : m.end() + 6]):
            continue  # "2014年河南省委巡视组第一轮巡视": the round's name, not a team
        ordinal = cn_number(ordinal_text) if ordinal_text else None
        start = m.start() - len(prefix_text)
        place = _place_before(text, start, prefix_text)
        if place:  # "9月20日，荆州市委第五巡察组…"
            prefix_text = place + prefix_text
            start -= len(place)
        mentions.append(TeamMention(start, m.end(), text[start : m.end()], (ordinal, m.group("sv")), prefix_text))
    mentions += _category_mentions(text, mentions)
    mentions.sort(key=lambda m: m.start)
    teams: dict[tuple[int | None, str], Team] = {}
    for mention in mentions:
        team = teams.setdefault(mention.key, Team(mention.key, mention.text))
        team.mentions.append(mention)
    for team in teams.values():
        # The name as the body uses it: the longest mention, a signature line ("中共某市委第四巡察组"
        # alone on its line, under the text) only when the body never names the team.
        body = [m for m in team.mentions if not _signature(text, m)] or team.mentions
        team.name = max(body, key=lambda m: len(m.text)).text
    if any(key[0] is not None for key in teams):
        teams = {k: t for k, t in teams.items() if k[0] is not None}
    _share_prefix(list(teams.values()))
    return list(teams.values())


# A team named by the kind of units it inspects, not by a number: "省委县(市、区)巡视组", "省委省直部门巡视组",
# "省委企业巡视组" (several teams of one category, the text naming each category once).
_CATEGORY_TEAM = re.compile(
    rf"(?P<prefix>{_COMMITTEE})(?P<cat>县\(市、?区?\)|县市区|[\u4e00-\u9fff]{{0,4}}(?:部门|单位|企业|高校|院校|金融))"
    r"巡(?P<sv>[察视])组(?!织)"
)


def named(team: Team) -> bool:
    """A team named by the category of units it inspects (see `_CATEGORY_TEAM`)."""
    return len(team.key[1]) > 1


def _category_mentions(text: str, taken: list[TeamMention]) -> list[TeamMention]:
    out = []
    for m in _CATEGORY_TEAM.finditer(text):
        if any(t.start <= m.start() < t.end or m.start() <= t.start < m.end() for t in taken):
            continue
        if re.search(r"[\d个各等该本]", m.group("cat")):
            continue
        key = (None, m.group("sv") + m.group("cat"))
        out.append(TeamMention(m.start(), m.end(), m.group(0), key, m.group("prefix")))
    return out


_COMBINED = re.compile(rf"第(?P<first>{_ORD})(?P<more>(?:[、和及至到]第?{_ORD})+)(?P<tail>巡(?P<sv>[察视])组)(?!织)")


def _combined_mentions(text: str) -> list[TeamMention]:
    """"市委第三、四巡察组", "第二、第三、第四巡察组": one mention per team, each at its ordinal,
    all ending where the name ends (what follows concerns all of them)."""
    out: list[TeamMention] = []
    for m in _COMBINED.finditer(text):
        prefix = _TEAM_PREFIX.search(text[max(0, m.start() - 20) : m.start()])
        prefix_text = prefix.group(0) if prefix else ""
        prefix_text = _place_before(text, m.start() - len(prefix_text), prefix_text) + prefix_text
        spots = [(m.start("first"), m.group("first"))]
        for joint in re.finditer(rf"([、和及至到])第?({_ORD})", m.group("more")):
            pos = m.start("more") + joint.start(2)
            if joint.group(1) in "至到":  # "第一至第五巡察组": every team of the range
                low, high = cn_number(spots[-1][1]), cn_number(joint.group(2))
                if low is None or high is None or not 0 < high - low <= 20:
                    break
                spots += [(pos, str(n) if joint.group(2).isdigit() else _cn(n)) for n in range(low + 1, high)]
            spots.append((pos, joint.group(2)))
        for k, (pos, ordinal_text) in enumerate(spots):
            ordinal = cn_number(ordinal_text)
            start = m.start() - len(prefix_text) if k == 0 else pos
            name = f"{prefix_text}第{ordinal_text}{m.group('tail')}"
            out.append(TeamMention(start, m.end(), name, (ordinal, m.group("sv")), prefix_text, combined=True))
    return out


def _cn(n: int) -> str:
    """3 -> "三" (a team filled in from a range "第一至第五" is named as the text names the others)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    return ("" if n < 20 else digits[n // 10]) + "十" + (digits[n % 10] if n % 10 else "")


# A place named before a bare committee ("沙县区委巡察二组", "荆州市委第五巡察组", "广西壮族自治区党委…"), after a
# break or after the words before it ("随着临沧市委…": "临沧"); an organisation before its 党组/党委
# ("市城市管理局党组第一巡察组").
_BARE_COMMITTEE = re.compile(r"^(?:市委|区委|县委|州委|旗委|盟委|地委|自治区党委|党组|党委)$")
_PLACE_BEFORE = re.compile(r"(?:(?<=[，,。；：:\s、“(])|^)([\u4e00-\u9fff]{2,8})\Z")
_NOT_PLACE = re.compile(r"[日前据照中时外后天近今经将由对在于和及各本该全共均为从自期间届轮组会上了着行随的是]")


def _place_before(text: str, start: int, prefix: str) -> str:
    """The place (or organisation) named right before a bare committee `prefix` at `start`, or ""."""
    if not _BARE_COMMITTEE.match(prefix):
        return ""
    organisation = prefix in ("党组", "党委")
    m = _PLACE_BEFORE.search(text, max(0, start - (9 if organisation else 5)), start)
    if not m:
        return ""
    words = m.group(1)
    cut = max((k.end() for k in _NOT_PLACE.finditer(words)), default=0)
    place = words[cut:]
    if organisation and not re.search(r"[局厅委办院校司]$", place):
        return ""  # "集团党委", "学校党委" are committees of their own; only "某局党组" takes its organisation
    return place if len(place) >= 2 else ""


def _signature(text: str, mention: TeamMention) -> bool:
    line_start = text.rfind("\n", 0, mention.start) + 1
    line_end = text.find("\n", mention.end)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip()
    return line == mention.text and line_start > 0


def _share_prefix(teams: list[Team]) -> None:
    """"镇党委第一巡察组…；第二巡察组…": a later team named without its committee gets the
    committee of the others when they all share one (and the same 察/视)."""
    prefixes = {m.prefix for t in teams for m in t.mentions if m.prefix}
    kinds = {t.key[1] for t in teams}
    if len(prefixes) != 1 or len(kinds) != 1:
        return
    (prefix,) = prefixes
    for team in teams:
        if not any(m.prefix for m in team.mentions) and team.key[0] is not None:
            team.name = prefix + team.name


def find_round(text: str) -> tuple[str, int] | None:
    """``七届市委第六轮常规巡察`` and its offset (the most complete mention)."""
    best: tuple[str, int] | None = None
    best_size = 0
    for m in _ROUND_CORE.finditer(text):
        before = text[max(0, m.start() - 24) : m.start()]
        if re.search(r"(?:已|曾)(?:参与|参加|接受)(?:过)?[^，。；]{0,8}$", before):
            continue  # "6家已参与市委第一轮、第二轮巡察的单位": earlier rounds
        prefix = _ROUND_PREFIX.search(before)
        prefix_text = prefix.group(0) if prefix else ""
        # A place name after 届 ("十三届某县委") does not make a mention more complete than the first.
        size = len(prefix_text + m.group(0)) - (len(prefix.group("place") or "") if prefix else 0)
        if best is None or size > best_size:
            best = (prefix_text + m.group(0), m.start() - len(prefix_text))
            best_size = size
    return best


def kind_of(texts: list[str]) -> tuple[str, str] | None:
    """The first kind named in the first text that names one; (kind, text)."""
    for text in texts:
        for kind, pattern in _KINDS:
            if pattern.search(text):
                return kind, text
    return None


_TARGET_AFTER_TEAM = re.compile(
    r"^(?:\([^)]{0,30}\))?(?:[：:]\s*)?(?:副?组长[：:]?[\u4e00-\u9fff]{2,4}[，,])?(?:将|拟|已|正式|先后|分别|同期|同日|同时|随后|也|亦|日前|近日|近期|定)*(?:(?:于|自|从)[^。；]{0,24}?(?:起)?[，,]?|[\d〇零○一二三四五六七八九十年月日号至到—~～-]{4,30}[，,]?)?"
    r"(?:对(?!外(?:公布|发布|公开|宣传)|此|其)|进驻|入驻|(?:常规|专项|机动|提级)?巡察(?!干部|人员|工作|组|办)|(?:常规|专项|机动)?巡视(?!干部|人员|工作|组|办)"
    r"|赴|到|(?<!分别)在(?=[^，。；：“”\n]{2,40}?召开[^，。；]{0,12}?动员))(?P<t>[^，。；：“”\n]{2,90}?)"
    r"(?=(?:的?(?:集中)?(?:工作)?动员(?:部署)?会|开展|进行|实施|展开|(?:并|随即)?(?:召开|启动|举行)|的?(?:常规|专项|机动|提级)?巡[察视]|期间"
    r"|的?进驻(?:时间|和|及|工作)|[，。；\n]|$))"
)
_COLON_TARGETS = re.compile(r"[：:]\s*(?P<t>[^。；\n：:]{2,200})(?=[。；\n]|$)")
_THEN_TARGET = re.compile(
    r"^[，,](?:并|开始|随即|随后|正)?对(?P<t>[^，。；：“”\n]{2,90}?)(?=(?:开展|进行|实施|展开|的?(?:常规|专项|机动|提级)?巡[察视]|[，。；\n]|$))"
)
_TARGET_LABEL = re.compile(
    r"(?:被巡[察视](?:单位|党组织|对象|单位党组织|党组)|巡[察视]对象|巡[察视]单位)(?:名称)?"
    r"(?:(?P<sep>[：:为])|[，,\t]|\s+)\s*(?P<t>[^，。；\n\t]{2,60})"
)
# A table row "省委第三巡视组，省自然资源厅党组": a team, a separator, then an organisation.
_ROW_TARGET = re.compile(r"^(?:[，,\t]|\s+|—{1,2}|-{1,2}|→)\s*(?P<t>[^，。；：\n\t\s]{2,40})(?=[，,\t\n]|\s|$)")
_NEXT_LABEL = re.compile(r"\s|(?:巡[察视]组|巡[察视]时间|进驻时间|组长|时间|地点|电话|联系)[\u4e00-\u9fff]{0,4}[：:]")
_GENERIC_TARGET = re.compile(r"(?:\d+|[一二三四五六七八九十两]+)个|^(?:部分|有关|相关|若干)")
_ORG_END = re.compile(
    r"(?:党委|党组|党总支|党支部|党工委|委员会|领导班子|局|镇|乡|村|街道|社区|公司|集团|医院|学院|大学|学校|中学|小学|中心|办公室)$"
)
_BAD_TARGET = re.compile(r"^(?:期间|工作|组长|开展|进行|巡察|巡视|各|本|全|该|时间|为期|动员|被巡[察视](?:单位|党组织|对象)$)")


# A clause, not a name: "(对)外公布了联系方式", "(巡察)干部参加会议".
_CLAUSE = re.compile(r"了|参加|公布|发布|覆盖|及其成员|领导干部|做好|提出")


def _split_targets(raw: str) -> list[str]:
    return [p for p in split_names(raw) if not _BAD_TARGET.match(p) and not _CLAUSE.search(p)]


# A table row glued together: "县委第一巡察组组长张三县财政局党组0553-1234567…" (team, leader, targets, then
# the number or email the row goes on with).
_GLUED_ROW = re.compile(
    r"(?P<lead>(?:副?组长)[：:]?)?(?P<rest>[\u4e00-\u9fff、()]{2,90}?)"
    r"(?=\n?(?:0\d{2,3}-?\d{7,8}|1[3-9]\d{9})|[A-Za-z][\w.-]*@)"
)
_PLACE_START = re.compile(r"^(?:中共|[省市县区镇乡旗州])")


def _glued_row_targets(text: str, pos: int) -> list[str]:
    """The targets of a glued table row (see `_GLUED_ROW`); nothing when the leader's name cannot be cut
    off with confidence (the targets start with a place: "县…", "市…")."""
    m = _GLUED_ROW.match(text, pos)
    if not m:
        return []
    rest = m.group("rest")
    if m.group("lead"):
        cuts = [n for n in (2, 3) if _PLACE_START.match(rest[n:])]
        if len(cuts) != 1:
            return []
        rest = rest[cuts[0] :]
    parts = [p for p in rest.split("、") if p]
    return parts if parts and all(_ORG_END.search(p) for p in parts) else []


_CHUNK_END = re.compile(r"[，。；：\n]|开展|进行|实施|展开")


_NOT_LISTED = re.compile(r"巡[察视]|^对|[，,]")


def _list_goes_on(text: str, pos: int) -> str:
    """"对A、B、C，D、E开展巡视": the enumeration after a comma when it goes on with organisations ("、D、E")."""
    more = ""
    while text.startswith("，", pos):
        stop = _CHUNK_END.search(text, pos + 1)
        end = stop.start() if stop else len(text)
        parts = text[pos + 1 : end].split("、")
        if len(parts) < 2 or not all(_ORG_END.search(p) and not _NOT_LISTED.search(p) for p in parts):
            break
        more += "、" + text[pos + 1 : end]
        pos = end
    return more


def find_targets(text: str, team: Team) -> list[tuple[str, int]]:
    """(target, offset) pairs named right after a mention of `team`."""
    found: list[tuple[str, int]] = []
    for mention in team.mentions:
        m = _TARGET_AFTER_TEAM.match(text[mention.end : mention.end + 200])
        if not m:
            row = _ROW_TARGET.match(text[mention.end : mention.end + 60])
            line_start = mention.start == 0 or text[mention.start - 1] == "\n"
            if row and line_start and _ORG_END.search(row.group("t")):
                parts = row.group("t").split("、")  # "县委第一巡察组，甲局党组、乙局党委，…"
                if not all(_ORG_END.search(p) for p in parts):
                    parts = [row.group("t")]
                found.extend((p, mention.start) for p in parts)
                continue
            # "县委第一巡察组：甲局党组、乙局党委。" (a line per team)
            colon = _COLON_TARGETS.match(text, mention.end)
            # "县委第一巡察组：甲局党组、乙局党委。" on its own line, or "其中，第一巡察组：甲局党组；第二巡察组：…"
            after_break = line_start or text[mention.start - 1] in "，。；"
            if colon and after_break:
                parts = [p.strip() for p in re.split(r"[、，]", colon.group("t")) if p.strip()]
                if parts and all(_ORG_END.search(p) for p in parts):
                    found.extend((p, mention.start) for p in parts)
            elif line_start:
                found.extend((p, mention.start) for p in _glued_row_targets(text, mention.end))
            continue
        raw = m.group("t") + _list_goes_on(text, mention.end + m.end())
        # "进驻大坪镇，对红星村党支部…开展巡察": the organisation after 对 is the target.
        then = _THEN_TARGET.match(text[mention.end + m.end() : mention.end + m.end() + 120])
        if then:
            raw = then.group("t")
        entry = m.group(0).rstrip().endswith(("进驻" + m.group("t"), "入驻" + m.group("t"))) and not then
        meeting_place = text[mention.end + m.start("t") - 1] == "在" and not then  # "在市教育局召开…动员会"
        for target in _split_targets(raw):
            if meeting_place and not _ORG_END.search(target):
                continue  # "在三楼会议室召开…": a room, not an organisation
            found.append((target, -mention.start - 1 if entry else mention.start))
    # "进驻大坪镇" names the place; when the team's targets are also named ("对…开展"), keep those.
    if any(p >= 0 for _, p in found):
        found = [(t, p) for t, p in found if p >= 0]
    found = [(t, p if p >= 0 else -p - 1) for t, p in found]
    # A target that only prefixes a more precise one ("梅林镇" / "梅林镇党委") is dropped.
    names = [t for t, _ in found]
    # ("县档案馆等6个单位" is a count, not a more precise name: "县档案馆" stays.)
    return [(t, p) for t, p in found if not any(o != t and o.startswith(t) and not _GENERIC_TARGET.search(o)
                                                for o in names)]


def drop_generic(targets: list[str]) -> list[str]:
    """"3个社区党组织" (a headline's count) gives way to the organisations the body names."""
    concrete = [t for t in targets if not _GENERIC_TARGET.search(t)]
    return concrete or targets


def labelled_targets(text: str) -> list[tuple[str, int]]:
    """Targets given as "被巡察单位：…"."""
    out: list[tuple[str, int]] = []
    for m in _TARGET_LABEL.finditer(text):
        raw = m.group("t")
        line_end = text.find("\n", m.start())
        line = text[m.start("t") : len(text) if line_end < 0 else line_end]
        if m.group("sep") in ("：", ":") and (m.start() == 0 or text[m.start() - 1] == "\n") and "、" in line \
                and not re.search(r"[。；]", line):  # a record line "被巡察单位：甲村、乙村，丙镇丁村"
            names = [n.strip() for n in re.split(r"[、，](?![^()]*\))", line) if len(n.strip()) >= 2]
            out.extend((t, m.start()) for t in names)
            continue
        following = _NEXT_LABEL.search(raw)  # "省林业局党组巡视时间：…" (a cell run into the next)
        if following and _ORG_END.search(raw[: following.start()]):
            raw = raw[: following.start()]
        targets = _split_targets(raw)
        if not m.group("sep"):  # "被巡察单位，…": only a table cell holding an organisation
            targets = [t for t in targets if _ORG_END.search(t)][:1] if len(targets) == 1 else []
        out.extend((t, m.start()) for t in targets)
    return out
