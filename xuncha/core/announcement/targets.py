"""Targets enumerated in prose: "对A、B、C等3个单位党组织开展常规巡察".

Real announcements often list the inspected organisations without saying which team goes where
("市委8个巡察组…对A、B、C…开展常规巡察"); then every named organisation is one inspection item
(the team stays unknown). Only lists of at least two names count, each name short and looking
like an organisation, in a sentence that speaks of 巡察/巡视 or 进驻.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .names import split_names

__all__ = ["ListedTarget", "generic_teams_only", "kind_after", "listed_targets", "one_more_targets", "single_target",
           "with_place"]

_NUM = r"[\d一二三四五六七八九十两卅百]+"
# Words that introduce the list.
_TRIGGER = re.compile(
    r"(?:(?<![反针])对|(?:分别|陆续|已|先后|全部)?进驻(?:了)?(?!动员|工作|时间|期间)|包括|分别是|分别为|巡[察视]对象(?:为|是|：)|被巡[察视]单位(?:为|是|：)"
    r"|(?:先后|分别)(?:来到|深入|在)|(?<=巡[察视]的)[\u4e00-\u9fff]{2,6}有[：:])"
)
# Where the list stops (searched from the trigger).
_LIST_END = re.compile(
    r"[。；\n：，]|开展|进行|展开|实施|召开|的(?:常规|专项|机动|提级)?巡[察视]|的(?:进驻|动员)|(?<=[局委办会院])(?:的|各)"
)
_PART_LABEL = re.compile(r"[\u4e00-\u9fff]{2,6}(?:单位|部门|企业|高校|院校|厅局|市|县|区)[：:]")
_PART_LABEL_IN = re.compile(r"[，,][\u4e00-\u9fff]{2,6}(?:单位|部门|企业|高校|院校|厅局|市|县|区)[：:]")
_NOT_ORG = re.compile(
    r"纪律|意识|问题|情况|方面|(?<!有限)责任|渠道|电话|信箱|邮箱|来信|来电|来访|意见|建议|领导干部|班子|成员|主要负责|决策|部署|"
    r"落实|建设$|精神|思想|要求|工作$|时间|期间|[，,]|巡[察视]组|\\d+[年月日]|覆盖$|了"
)
_PLACE = re.compile(r"^(.{2,12}?(?:镇|乡|街道))(?=.{0,12}(?:村|社区|居委会?)(?:党支部|党委|党总支)?$)")
_ORGISH = re.compile(
    r"(?:党委|党组|党总支|党支部|党工委|委员会|委|局|镇|乡|村|街道|街|社区|公司|集团|医院|院|大学|学校|中学|小学|中心|办公室|办|部|厅|会|社|"
    r"联|站|所|馆|区|县|市|州|旗|盟|处|队|行|校|机关|团|署|室|场|台|[一二三四五六七八九十\d]中)(?:\([^)]*\))?$"
)
# Provinces, regions and municipalities named bare in the centre's lists ("分别进驻甘肃、海南、科技部…").
_PROVINCES = frozenset((
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东",
    "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "内蒙古", "广西", "西藏", "宁夏",
    "新疆",
))
_NOT_NAME = re.compile(r"^(?:巡[察视]|审计|纪检|监察|干部|群众)$")
_KINDS = (
    ("followup", re.compile(r"回头看")),
    ("special", re.compile(r"专项巡[察视]")),
    ("flexible", re.compile(r"机动(?:式)?[”\"]?巡[察视](?!组)")),  # "机动巡察", "“机动式”巡视"
    ("elevated", re.compile(r"提级(?:交叉)?巡[察视](?!组)")),
    ("regular", re.compile(r"常规巡[察视]")),
)


@dataclass(frozen=True)
class ListedTarget:
    name: str
    start: int
    kind: str | None  # the kind said right after the list ("…开展常规巡察")


# A county named with a town or zone ("太康县板桥镇", "淮阳县产业集聚区"): the towns and departments after
# it without a place of their own are in that county ("…、逊母口镇", "…、教体局").
_COUNTY = re.compile(r"^([\u4e00-\u9fff]{2,6}?(?:县|区|市|旗))(?=[\u4e00-\u9fff]{2,12}$)")
_IN_COUNTY = re.compile(r"^(?![县区市省州镇乡])[\u4e00-\u9fff]{2,10}(?:镇|乡|街道|办事处|局)$")


def with_place(names: list[str]) -> list[str]:
    """"西天尾镇洞湖村、澄渚村" -> both villages carry the town; "太康县板桥镇、逊母口镇" -> both towns the county.
    (Districts after a city, "某市甲区、乙区", stay as written.)"""
    place = None
    county = None
    out = []
    for name in names:
        m = _PLACE.match(name)
        if m:
            place = m.group(1)
        elif place and re.search(r"(?:村|社区)(?:党支部|党委|党总支)?$", name) and not re.search(r"镇|乡|街道", name):
            name = place + name
        c = _COUNTY.match(name)
        if c and re.search(r"(?:镇|乡|街道|办事处|集聚区|开发区|园区)$", name[c.end() :]):
            county = c.group(1)
        elif county and _IN_COUNTY.match(name) and not _COUNTY.match(name):
            name = county + name
        else:
            county = None
        out.append(name)
    return out


def kind_after(text: str, pos: int) -> str | None:
    """The kind said after the list, up to the next list ("，对…") or the end of the clause."""
    clause_end = re.compile(r"[。；\n]|[，,](?:并|同时|另)?对").search(text, pos)
    clause = text[pos : clause_end.start() if clause_end else len(text)]
    for kind, pattern in _KINDS:
        if pattern.search(clause):
            return kind
    return None


def listed_targets(text: str) -> list[ListedTarget]:
    """Organisations enumerated after 对/进驻/包括 (see the module docstring), in text order."""
    out: list[ListedTarget] = []
    headlines: list[bool] = []  # the target comes from a headline (a short line without a full stop)
    seen: set[tuple[str, str | None]] = set()
    consumed = 0
    for trigger in _TRIGGER.finditer(text):
        begin = trigger.end()
        if trigger.start() < consumed:
            continue
        stop = _LIST_END.search(text, begin)
        end = stop.start() if stop else len(text)
        # "…党校(行政学院)，自治区信访局、社会主义学院…": a list may go on after a comma.
        while stop and stop.group(0) == "，":
            # "…的省辖市有：A、B，省直委厅局：C、D": a labelled part of the same list
            label = _PART_LABEL.match(text, stop.end())
            chunk = label.end() if label else stop.end()
            more = _LIST_END.search(text, chunk)
            more_end = more.start() if more else len(text)
            tail = split_names(text[chunk:more_end])
            last = more is not None and more.group(0) == "。" and len(tail) == 1  # "…、省国土资源厅，省信用再担保有限公司。"
            if ("、" not in text[chunk:more_end] and not last) \
                    or any(_NOT_ORG.search(n) or not _ORGISH.search(n) for n in tail) \
                    or re.match(r"(?:正|并|同时)?对", text[chunk:more_end]):  # "，正对A、B开展": a list of its own
                break
            stop, end = more, more_end
        raw = _PART_LABEL_IN.sub("、", text[begin:end]).replace("，", "、")
        if ("、" not in raw and not (re.search(r"在$", trigger.group(0)) and "和" in raw)) or len(raw) > 900:
            continue  # (two places joined by 和 only after "分别在": "分别在区国土资源局和洪山乡召开动员会")
        sentence_start = max(text.rfind("。", 0, begin), text.rfind("\n", 0, begin)) + 1
        sentence_end_m = re.compile(r"[。\n]").search(text, end)
        sentence_end = sentence_end_m.end() if sentence_end_m else len(text)
        sentence = text[sentence_start:sentence_end]
        if not re.search(r"巡[察视]|进驻", sentence) or re.match(r"\s*除(?:上述|以上|此之外)", sentence):
            continue  # "除上述部门，包括…亦将开展巡视": not the units of this announcement
        if re.search(r"来到|深入|在$", trigger.group(0)) and re.search(r"对[^。]+?(?:开展|进行)[^。，]{0,8}?巡[察视]", text[end:sentence_end]):
            continue  # "分别在A、B召开动员会，对A、B所辖村开展巡察": the places of the meetings, the targets follow
        names = split_names(raw)
        bare = [re.sub(r"\([^)]*\)", "", n) for n in names]  # "中央宣传部(中央精神文明建设办公室)"
        if len(names) < 2 or any(not 2 <= len(n) <= 60 or _NOT_ORG.search(n) or _NOT_NAME.match(n) for n in bare):
            continue
        if sum(1 for n in names if _ORGISH.search(n) or n in _PROVINCES) * 2 < len(names):
            continue
        consumed = end
        kind = kind_after(text, end)
        offset = begin
        line_start = text.rfind("\n", 0, begin) + 1
        line_end = text.find("\n", begin)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        headline = "。" not in line and len(line) < 80
        for name in with_place(names):
            if (name, kind) not in seen:
                seen.add((name, kind))
                out.append(ListedTarget(name, offset, kind))
                headlines.append(headline)
            offset += 1
    # "泉州：3个巡察组已进驻教育局、科技局、食药监" over a body that names them in full: the body's list.
    if not all(headlines):
        out = [t for t, h in zip(out, headlines, strict=True) if not h]
    return out


# "…开展常规巡察，对县统计局党组开展巡察“回头看”": one more organisation in the team's sentence.
_ONE_MORE = re.compile(
    r"[，,；]\s*(?:同时|并|同步|另)?对(?P<t>[^，。；、“”\n]{2,40}?)(?=(?:开展|进行|实施)[^，。；]{0,12}?(?:巡[察视]|回头看))"
)


def one_more_targets(text: str, start: int, end: int) -> list[ListedTarget]:
    """Single organisations named in clauses "，对X开展…巡察" between `start` and `end` (a sentence)."""
    out = []
    for m in _ONE_MORE.finditer(text, start, end):
        name = m.group("t")
        if _ORGISH.search(name) and not _NOT_ORG.search(re.sub(r"\([^)]*\)", "", name)):
            out.append(ListedTarget(name, m.start("t"), kind_after(text, m.end("t"))))
    return out


_COUNTED_TEAMS = re.compile(rf"(?:{_NUM}个|各|两个|多个)[^，。；、]{{0,12}}?巡[察视]组")


def generic_teams_only(text: str, numbered: bool) -> bool:
    """Several unnamed teams ("市委8个巡察组", "各巡察组") and none with a number: the text does not
    say which team goes where, so no team is named."""
    return not numbered and bool(_COUNTED_TEAMS.search(text))


# "学校党委巡察组对外国语学院党委开展巡察", "第七轮巡察对区卫生健康局党委(…)开展常规巡察": one organisation,
# said with an unnumbered team or with the round only.
_SINGLE = re.compile(
    r"巡[察视](?:组|工作)?(?:将|拟|已|正式)?(?:于[^，。；]{0,24}?|自[^，。；]{0,24}?起?)?[，,]?对"
    r"(?P<t>[^，。；、“”\n]{2,40}?(?:党委|党组|党总支|党支部|党工委)(?:\([^)]{1,30}\))?)(?:开展|进行|实施)"
)


def single_target(text: str) -> ListedTarget | None:
    """The one organisation an announcement inspects when no team names it (see `_SINGLE`)."""
    m = _SINGLE.search(text)
    if not m or _NOT_ORG.search(re.sub(r"\([^)]*\)", "", m.group("t"))):
        return None
    return ListedTarget(m.group("t"), m.start("t"), kind_after(text, m.end("t")))
