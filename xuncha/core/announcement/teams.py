"""Inspection teams, rounds, kinds and targets named in an announcement."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import cn_number
from .names import split_names

__all__ = ["Team", "TeamMention", "drop_generic", "find_round", "find_targets", "find_teams", "kind_of",
           "labelled_targets"]

_ORD = r"[一二三四五六七八九十\d]+"
_TEAM_CORE = re.compile(
    rf"(?:第(?P<ord1>{_ORD}))?(?P<special>提级|专项|机动)?(?:交叉)?巡(?P<sv>[察视])(?:工作)?(?P<ord2>{_ORD})?组(?!织)"
)
_COMMITTEE = (
    r"(?:省委|市委|州委|盟委|县委|区委|旗委|校党委|学校党委|医院党委|学院党委|大学党委|院党委|集团党委|公司党委"
    r"|镇党委|乡党委|街道党工委|自治区党委|党委|党组)"
)
_TEAM_PREFIX = re.compile(
    rf"(?:中共[\u4e00-\u9fff]{{2,12}}?{_COMMITTEE}(?:教育工委)?|{_COMMITTEE}(?:教育工委)?|教育工委)$"
)
_ROUND_CORE = re.compile(rf"第{_ORD}轮(?P<kw>[\u4e00-\u9fff]{{0,4}}?)巡[察视](?:第{_ORD}批)?")
_ROUND_COMMITTEE = rf"(?:{_COMMITTEE}|中央)"
_ROUND_PREFIX = re.compile(
    rf"(?:{_ORD}届)?(?:中共[\u4e00-\u9fff]{{2,12}}?{_ROUND_COMMITTEE}|(?P<place>(?<=届)[\u4e00-\u9fff]{{2,3}}?)?{_ROUND_COMMITTEE})?"
    rf"(?:{_ORD}届)?(?:\d{{4}}年度?)?$"
)

_KINDS = (
    ("followup", re.compile(r"回头看")),
    ("elevated", re.compile(r"提级(?:交叉)?巡[察视](?!组)")),
    ("special", re.compile(r"专项巡[察视]")),
    ("flexible", re.compile(r"机动巡[察视]")),
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
        if not ordinal_text and not prefix_text:
            continue  # "巡察组", "各巡察组": not a team name
        if text.startswith("收", m.end()):
            continue  # "常州邮政184号专用信箱第三巡察组收": the addressee of a post box
        ordinal = cn_number(ordinal_text) if ordinal_text else None
        start = m.start() - len(prefix_text)
        place = _PLACE_BEFORE.search(text, max(0, start - 5), start) if _BARE_COMMITTEE.match(prefix_text) else None
        if place and not _NOT_PLACE.search(place.group(1)):  # "9月20日，荆州市委第五巡察组…"
            prefix_text = place.group(1) + prefix_text
            start = place.start(1)
        mentions.append(TeamMention(start, m.end(), text[start : m.end()], (ordinal, m.group("sv")), prefix_text))
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


_COMBINED = re.compile(rf"第(?P<first>{_ORD})(?P<more>(?:[、和及]第?{_ORD})+)(?P<tail>巡(?P<sv>[察视])组)(?!织)")


def _combined_mentions(text: str) -> list[TeamMention]:
    """"市委第三、四巡察组", "第二、第三、第四巡察组": one mention per team, each at its ordinal,
    all ending where the name ends (what follows concerns all of them)."""
    out: list[TeamMention] = []
    for m in _COMBINED.finditer(text):
        prefix = _TEAM_PREFIX.search(text[max(0, m.start() - 20) : m.start()])
        prefix_text = prefix.group(0) if prefix else ""
        spots = [(m.start("first"), m.group("first"))]
        spots += [(m.start("more") + k.start(1), k.group(1)) for k in re.finditer(rf"第?({_ORD})", m.group("more"))]
        for k, (pos, ordinal_text) in enumerate(spots):
            ordinal = cn_number(ordinal_text)
            start = m.start() - len(prefix_text) if k == 0 else pos
            name = f"{prefix_text}第{ordinal_text}{m.group('tail')}"
            out.append(TeamMention(start, m.end(), name, (ordinal, m.group("sv")), prefix_text, combined=True))
    return out


# A place named before a bare committee ("沙县区委巡察二组", "荆州市委第五巡察组"), after a break.
_BARE_COMMITTEE = re.compile(r"^(?:市委|区委|县委|州委|旗委|盟委)$")
_PLACE_BEFORE = re.compile(r"(?:(?<=[，,。；：:\s、“(])|^)([\u4e00-\u9fff]{2,4})\Z")
_NOT_PLACE = re.compile(r"[日前据照中时外后天近今经将由对在于和及各本该全共均为从自期间届轮组会上]")


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
    r"^(?:\([^)]{0,30}\))?(?:[：:]\s*)?(?:将|拟|已|正式|先后|分别|同期|同日|同时|随后|也|亦|日前|近日|近期|定)*(?:(?:于|自|从)[^。；]{0,24}?(?:起)?[，,]?|[\d〇零○一二三四五六七八九十年月日号至到—~～-]{4,30}[，,]?)?"
    r"(?:对|进驻|入驻|(?:常规|专项|机动|提级)?巡察|(?:常规|专项|机动)?巡视|赴|到)(?P<t>[^，。；：“”\n]{2,90}?)"
    r"(?=(?:的?(?:集中)?(?:工作)?动员(?:部署)?会|开展|进行|实施|展开|的?(?:常规|专项|机动|提级)?巡[察视]|期间"
    r"|的?进驻(?:时间|和|及|工作)|[，。；\n]|$))"
)
_COLON_TARGETS = re.compile(r"[：:]\s*(?P<t>[^。；\n：:]{2,200})(?=[。；\n]|$)")
_THEN_TARGET = re.compile(
    r"^[，,](?:并|开始|随即|随后)?对(?P<t>[^，。；：“”\n]{2,90}?)(?=(?:开展|进行|实施|展开|的?(?:常规|专项|机动|提级)?巡[察视]|[，。；\n]|$))"
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
_BAD_TARGET = re.compile(r"^(?:期间|工作|组长|开展|进行|巡察|巡视|各|本|全|该|时间|为期|动员)")


def _split_targets(raw: str) -> list[str]:
    return [p for p in split_names(raw) if not _BAD_TARGET.match(p)]


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
            if colon and line_start:
                parts = [p.strip() for p in re.split(r"[、，]", colon.group("t")) if p.strip()]
                if parts and all(_ORG_END.search(p) for p in parts):
                    found.extend((p, mention.start) for p in parts)
            continue
        raw = m.group("t")
        # "进驻大坪镇，对红星村党支部…开展巡察": the organisation after 对 is the target.
        then = _THEN_TARGET.match(text[mention.end + m.end() : mention.end + m.end() + 120])
        if then:
            raw = then.group("t")
        entry = m.group(0).rstrip().endswith(("进驻" + m.group("t"), "入驻" + m.group("t"))) and not then
        for target in _split_targets(raw):
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
