"""parse_announcement: the facts of one published inspection announcement.

The text is cleaned (see :mod:`.clean`), then split into pieces owned by one team or common to
all of them (see :mod:`.pieces`); every fact found in a piece applies to its owner (or to every inspection when the
piece is common). Nothing is invented: a fact that is missing or ambiguous stays ``None`` and a
Chinese warning says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from .areas import split_by_area
from .channels import Channel, ChannelScan, attach_hours, default_days, find_channels
from .clean import clean_text
from .dates import AddWorkingDays, DateMention, Duration, default_add_working_days, find_dates, find_durations
from .hours import find_hours
from .kinds import kind_by_category
from .others import SEVERAL_TEAMS, other_targets
from .pieces import Piece, split_pieces
from .segments import Span, clause_start, sentence_at, sentences
from .tables import team_records
from .targets import generic_teams_only, kind_after, listed_targets, one_more_targets, single_target, with_place
from .teams import Team, drop_generic, find_round, find_targets, find_teams, kind_of, labelled_targets, named

__all__ = ["parse_announcement"]

_RANGE_JOIN = re.compile(r"^\s*(?:起)?\s*(?:至|到|—|-|~|～)\s*$")
_INTAKE_WORDS = re.compile(r"受理|信访|来信|来访|举报|反映问题|接收")
_PERIOD_WORDS = re.compile(r"巡[察视]|进驻|集中|开展|工作时间")
_START_AFTER = re.compile(r"^\s*(?:开始|起|(?:正式|分别|同时)?(?:进驻|入驻)|启动)")
_START_BEFORE = re.compile(r"(?:从|自|于)$")
_END_AFTER = re.compile(r"^\s*(?:止|结束|截止)")
_ENTRY_AFTER = re.compile(r"^(?:上午|下午)?[，,]?[^，。；]{0,24}?(?:正式)?进驻")
# "…动员会召开，(标志着巡察组)正式进驻", "…动员会召开。会后，巡察组正式进驻": the meeting's day is the entry's.
_ENTERED = re.compile(r"[，,]\s*(?:并|随即|当天|当日|标志着)?[^，。；]{0,8}?正式进驻")
_ENTERED_NEXT = re.compile(r"[。\s]*(?:会后|随后|当天|当日|会议结束后)[，,]?[^。；]{0,16}?进驻")
# "8月2日-3日，省纪委网站陆续公布…进驻情况": the days a website reported on the inspection, not its period
# (a period "对外公布" or "向社会公布" with its channels stays one).
_REPORTED_AFTER = re.compile(r"[，,]?(?![^，。；\n]{0,16}?(?:对外|向社会|起))[^，。；\n]{0,16}?(?:公布|发布|刊发|刊登|报道)")
# What follows a date that is the day of the opening meeting: the team (or its entry) and the meeting, in
# the date's sentence ("上午，市委第三巡察组巡察市交通局党组工作动员会召开", "分别进驻…通过召开巡察动员会").
_OWN_PERIOD = re.compile(r"将(?:于|在|从|自|对)|拟(?:于|对)")
_MEETING_OPENS = re.compile(r"^(?:上午|下午|晚上)?[，,][^。；]{0,60}?巡[察视]组[^。；]{0,80}?(?:动员(?:部署)?会|动员大会|进驻|入驻)")
_IMMEDIATE = re.compile(r"(?:自|从)?即日起?(?:至|到)?")
_SCOPE = re.compile(
    r"(?:巡[察视]组)?(?:主要|重点)?受理(?:反映)?[^。\n]{0,60}?(?:领导班子|班子成员|党组织|领导干部)[^。]*。?"
)
_DATE_GLITCH = re.compile(
    r"(?<!\d)(?:19|20)\d{2}年(?:\d{3,}日|\d{3,}月|\d{1,2}月\d{3,}日)|(?<![\d年])(?:1[3-9]|[2-9]\d)月\d{1,2}日"
    r"|(?<!\d)\d{1,2}月(?:3[2-9]|[4-9]\d)日|(?<![\d年])(?:1[0-2]|[1-9])月\d{1,2}(?=进驻|起|开始|至|到)"
)
_SCOPE_ANY = re.compile(r"主要受理(?:反映)?[^。]{4,}?(?:来信|来电|来访|举报|反映|问题)[^。]*。?")
_POSTMARK = re.compile(r"以(?:当地)?(?:寄出)?邮戳(?:时间|日期)?为准")
_HOLIDAY = re.compile(
    r"节假日[^。，；]{0,8}(?:不|暂停|停止)(?:受理|接听|接待|值班)|(?:法定)?节(?:假日)?(?:假日)?除外|节假日(?:期间)?休息"
)
_OFFICE_HOURS = re.compile(r"(?:正常)?(?:上班|工作|办公)时间(?:内)?")
_MEETING = re.compile(r"动员(?:部署)?会|动员大会")
_SIGNATURE_DATE = re.compile(r"^(?:\d{4}|[二〇零○一三四五六七八九]{4})年[\d一二三四五六七八九十]{1,2}月[\d一二三四五六七八九十]{1,3}日$")


@dataclass
class _Ctx:
    text: str
    sents: list[Span]
    pieces: list[Piece]
    published: dt.date | None
    year: int | None
    add_working_days: AddWorkingDays


def _owner_at(ctx: _Ctx, pos: int) -> int | None:
    for piece in ctx.pieces:
        if piece.start <= pos < piece.end:
            return piece.owner
    return None


def _applies(ctx: _Ctx, pos: int, index: int) -> bool:
    owner = _owner_at(ctx, pos)
    return owner is None or owner == index


def _own_text(ctx: _Ctx, index: int) -> str:
    return "".join(ctx.text[p.start : p.end] for p in ctx.pieces if p.owner in (None, index))


# --- publication date ---------------------------------------------------------------------------


def _publication(text: str, sents: list[Span], dates: list[DateMention]) -> tuple[dt.date | None, int | None]:
    year = next((d.year for d in dates if d.year is not None), None)
    if year is None:  # "集团党委2025年巡察工作计划"
        any_year = re.search(r"(?<!\d)(20\d{2})年", text)
        year = int(any_year.group(1)) if any_year else None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines[-3:]):
        if _SIGNATURE_DATE.match(line):
            found = find_dates(line)
            if found:
                signed = found[0].resolve(year)
                if signed:
                    return signed, signed.year
    for sentence in sents:
        if _MEETING.search(sentence.text):
            in_sentence = [d for d in dates if sentence.start <= d.start < sentence.end and d.month is not None]
            if in_sentence:
                return in_sentence[0].resolve(year), year
    return None, year


# --- period and intake ---------------------------------------------------------------------------


@dataclass
class _Dates:
    start: tuple[dt.date, str] | None = None
    end: tuple[dt.date, str] | None = None
    intake_start: tuple[dt.date, str] | None = None
    intake_end: tuple[dt.date, str] | None = None


def _context_before(ctx: _Ctx, pos: int) -> str:
    sentence = sentence_at(ctx.sents, pos)
    cut = clause_start(ctx.text, pos, sentence.start, "，。；\n")
    text = ctx.text[cut:pos]
    if cut > sentence.start and ctx.text[cut - 1] == "(":
        text = ctx.text[clause_start(ctx.text, cut - 1, sentence.start, "，。；\n") : pos]
    return text


def _is_intake(context: str) -> bool:
    return bool(_INTAKE_WORDS.search(context))


def _find_period(ctx: _Ctx, index: int, warnings: list[str]) -> _Dates:
    out = _Dates()
    dates = [d for d in find_dates(ctx.text) if _applies(ctx, d.start, index)]
    used: set[int] = set()

    def resolve(d: DateMention, month: int | None = None) -> dt.date | None:
        return d.resolve(ctx.year, month)

    def record(field: str, value: dt.date | None, pos: int) -> None:
        if value is not None and getattr(out, field) is None:
            setattr(out, field, (value, sentence_at(ctx.sents, pos).text))

    # Ranges: "2024年3月6日至2024年6月14日", "3月6日—6月21日", "即日起至5月31日".
    for a, b in zip(dates, dates[1:], strict=False):
        if not _RANGE_JOIN.match(ctx.text[a.end : b.start]):
            continue
        if _REPORTED_AFTER.match(ctx.text, b.end):
            used.update((a.start, b.start))
            continue
        first = resolve(a)
        second = b.resolve(a.year or ctx.year, a.month)  # "2021年4月1日至6月30日": the second in the first's year
        if first and second and second < first and b.year is None:
            second = second.replace(year=second.year + 1)
        intake = _is_intake(_context_before(ctx, a.start))
        if not intake and re.match(r"^(?:陆续|分别|先后)进驻", ctx.text[b.end : b.end + 6]):
            warnings.append(f"进驻日期为区间（{a.text}至{b.text}），未能确定开始日期")
            used.update((a.start, b.start))
            continue
        record("intake_start" if intake else "start", first, a.start)
        record("intake_end" if intake else "end", second, a.start)
        used.update((a.start, b.start))
    for d in dates:
        if d.start in used or d.month is None or _REPORTED_AFTER.match(ctx.text, d.end):
            continue
        before, after = ctx.text[max(0, d.start - 6) : d.start], ctx.text[d.end : d.end + 24]
        context = _context_before(ctx, d.start)
        intake = _is_intake(context)
        value = resolve(d)
        if re.search(r"即日起?(?:至|到)$", before):
            record("intake_start" if intake else "start", ctx.published, d.start)
            record("intake_end" if intake else "end", value, d.start)
        elif (intake and (re.search(r"截至|截止|止$", context) or _END_AFTER.match(after))) or (
            after.startswith("前") and _INTAKE_WORDS.search(after[:24] + context)  # "可在5月31日前来信反映"
        ):
            record("intake_end", value, d.start)
        elif _END_AFTER.match(after) or re.search(r"(?:工作|巡[察视])(?:至|到)$", before):
            record("end", value, d.start)
        elif re.search(r"(?:截至|截止|截止到|截至到)$", before):
            pass  # "截至9月22日，…已完成进驻": entry was over by then, it did not start that day
        elif re.match(r"^\s*(?:起)?[，,]?[^。；]{0,20}?(?:陆续|先后)进驻", after) and not intake:  # each team its day
            warnings.append(f"各巡察组自{d.text}起陆续进驻，未能确定开始日期")
        elif _START_AFTER.match(after) or (_START_BEFORE.search(before) and _PERIOD_WORDS.search(context + after)):
            if not _MEETING.search(sentence_at(ctx.sents, d.start).text) or _START_AFTER.match(after):
                record("intake_start" if intake else "start", value, d.start)
        elif (_ENTRY_AFTER.match(after) and not _MEETING.search(sentence_at(ctx.sents, d.start).text)) or (
            re.match(r"^(?:上午|下午)?[，,]", after) and (_ENTERED.search(sentence_at(ctx.sents, d.start).text)
                                                       or _ENTERED_NEXT.match(ctx.text, sentence_at(ctx.sents, d.start).end))
        ):  # "9月15日，…动员会召开，正式进驻该院": the day of the meeting is the day of entry
            record("start", value, d.start)  # "2025年4月7日，市委第四巡察组进驻…"
    # "9月30日上午，市委第一巡察组巡察市人民医院党委工作动员会召开": a report of the meeting that opens
    # the inspection and says nothing else of its period -- the meeting's day is the start (flagged). When
    # the text gives the inspection's own period ("将对…开展为期4周的巡察"), the meeting's day is not taken.
    if out.start is None and not find_durations(ctx.text) and not _OWN_PERIOD.search(ctx.text):
        for d in dates:
            if d.start in used or d.month is None or _is_intake(_context_before(ctx, d.start)):
                continue
            sentence = sentence_at(ctx.sents, d.start)
            lead = ctx.text[clause_start(ctx.text, d.start, sentence.start, "，。；\n") : d.start]
            rest = ctx.text[d.end : sentence.end]
            if re.fullmatch(r"\s*(?:于|在)?", lead) and _MEETING_OPENS.match(rest):
                record("start", resolve(d), d.start)
                if out.start:
                    warnings.append(f"开始日期取自动员会日期（{d.text}），请核对")
                break
    # "自即日起开展为期一个月的巡察"
    if out.start is None:
        for m in re.finditer(r"(?:(?:自|从)即日起|(?:将于|于)即日起?)", ctx.text):
            if _applies(ctx, m.start(), index) and not _is_intake(_context_before(ctx, m.start())):
                if ctx.published is None:
                    warnings.append("“即日起”无法确定具体日期（未提供发布日期）")
                record("start", ctx.published, m.start())
                break
    return out


def _duration(ctx: _Ctx, index: int) -> Duration | None:
    for d in find_durations(ctx.text):
        if not _applies(ctx, d.start, index):
            continue
        sentence = sentence_at(ctx.sents, d.start).text
        clause = ctx.text[clause_start(ctx.text, d.start, 0, "，。；\n") : d.start]
        if _INTAKE_WORDS.search(clause) and not _PERIOD_WORDS.search(clause):
            continue
        if re.search(r"巡[察视]|进驻|工作|为期", sentence):
            return d
    return None


# --- assembly -------------------------------------------------------------------------------


def _sentence_of(ctx: _Ctx, pos: int) -> str:
    return sentence_at(ctx.sents, pos).text


def _channels_for(ctx: _Ctx, scan: ChannelScan, index: int) -> list[Channel]:
    chosen: list[Channel] = []
    seen: dict[tuple[str, str | None, str | None], Channel] = {}
    for channel in scan.channels:
        if not _applies(ctx, channel.start, index):
            continue
        key = channel.key()
        if key in seen:
            if seen[key].postcode is None and channel.postcode:
                seen[key].postcode = channel.postcode
            continue
        copy = Channel(channel.kind, channel.value, channel.start, channel.end, channel.source,
                       channel.postcode, channel.location, [])
        seen[key] = copy
        chosen.append(copy)
    return chosen


def _inspection(ctx: _Ctx, teams: list[Team], index: int, scan: ChannelScan,
                round_info: tuple[str, int] | None) -> tuple[dict[str, Any], list[str]]:
    text = ctx.text
    warnings: list[str] = []
    sources: dict[str, str] = {}
    team = teams[index] if teams else None
    own = _own_text(ctx, index)

    if team:
        sources["team"] = _sentence_of(ctx, team.mentions[0].start)
    round_name = round_info[0] if round_info else None
    if round_info:
        sources["round"] = _sentence_of(ctx, round_info[1])

    targets: list[str] = []
    target_sentences: list[str] = []
    target_clauses: list[str] = []  # the target's sentence, within the piece of this team
    candidates = find_targets(text, team) if team else []
    candidates += [(t, p) for t, p in labelled_targets(text) if _applies(ctx, p, index)]
    concrete = drop_generic([t for t, _ in candidates])
    for target, pos in candidates:
        if target not in targets and target in concrete:
            targets.append(target)
            target_sentences.append(_sentence_of(ctx, pos))
            target_clauses.append(_own_part_of_sentence(ctx, pos))
    listed_kinds: list[str | None] = []
    if targets and team:  # "…组对A开展常规巡察，对B、C等开展专项巡察": more targets in the team's sentence, another kind
        _more_in_sentence(ctx, index, targets, listed_kinds, target_sentences, target_clauses)
    if not targets:  # "对A、B、C等3个单位开展常规巡察": an enumeration the team is not named with
        found = [t for t in listed_targets(text) if _applies(ctx, t.start, index)]
        one = single_target(text) if not found and len(teams) <= 1 else None  # "学校党委巡察组对X党委开展巡察"
        for listed in found or ([one] if one else []):
            if (listed.name, listed.kind) not in zip(targets, listed_kinds, strict=True):
                targets.append(listed.name)
                listed_kinds.append(listed.kind)
                target_sentences.append(_sentence_of(ctx, listed.start))
                target_clauses.append(_own_part_of_sentence(ctx, listed.start))
        if found and team and len(teams) == 1 and SEVERAL_TEAMS.search(text):
            # "随着市委第四巡察组进驻…，6个巡察组全部完成进驻…对A、B、C开展巡察": the list is the round's, not
            # the one team's the text happens to name.
            team = None
            sources.pop("team", None)
    targets = with_place(targets)  # "西天尾镇洞湖村、澄渚村": the second village is in the same town
    if target_sentences:
        sources["targets"] = target_sentences[0]

    # The kind said with the targets first: "提级巡察组…开展专项巡察" is special (the team's name does
    # not change what it does; real corpus rule 2).
    clauses = [_without_team(c, team) for c in target_clauses]
    kind_texts = clauses + ([team.name] if team else []) + ([round_name] if round_name else []) + [own]
    kind = kind_of(kind_texts)
    if kind and kind[1] in clauses:
        kind = (kind[0], target_clauses[clauses.index(kind[1])])
    if listed_kinds and listed_kinds[0] is not None:
        kind = (listed_kinds[0], target_clauses[0])
    elif kind and kind[1] is own and targets:
        by_category = kind_by_category(own, targets)
        if by_category:
            kind = by_category
    if kind:
        by_clause = dict(zip(target_clauses, target_sentences, strict=True))
        sources["kind"] = by_clause.get(kind[1], kind[1]) if kind[1] is not own else _kind_sentence(ctx, index, kind[0])

    period = _find_period(ctx, index, warnings)
    duration = _duration(ctx, index)
    start = period.start[0] if period.start else None
    end = period.end[0] if period.end else None
    if period.start:
        sources["start_date"] = period.start[1]
    if period.end:
        sources["end_date"] = period.end[1]
    if duration:
        sources["duration_text"] = _sentence_of(ctx, duration.start)
        if duration.unit == "workday":
            sources["working_days"] = sources["duration_text"]
    if start is None:
        warnings.append("未找到巡察开始日期")
    if end is None and start is not None and duration is not None:
        end = duration.end_date(start, ctx.add_working_days)
        sources["end_date"] = _sentence_of(ctx, duration.start)
        warnings.append(f"结束日期系根据“{duration.text}”推算为{end.isoformat()}，请核对")
    if end is None:
        warnings.append("未能确定结束日期")

    channels = _channels_for(ctx, scan, index)
    # Without any channel and without an intake date of its own, an announcement (often a news
    # report) says nothing about accepting reports: the intake period stays empty.
    silent = not channels and not period.intake_start and not period.intake_end
    intake_start = period.intake_start[0] if period.intake_start else (None if silent else start)
    intake_end = period.intake_end[0] if period.intake_end else (None if silent else end)
    if period.intake_start:
        sources["intake_start"] = period.intake_start[1]
    if period.intake_end:
        sources["intake_end"] = period.intake_end[1]
    if intake_end is None:
        warnings.append("未能确定信访受理截止日期")

    timed = [c for c in channels if c.kind in ("phone", "visit", "sms")]
    for group in find_hours(text):
        if not _applies(ctx, group.start, index):
            continue
        if attach_hours(text, ctx.sents, timed, group) and group.days is None:
            treated = "工作日" if default_days(group) == "workdays" else "每天"
            warning = f"受理时间未注明适用于工作日还是每天，按{treated}处理"
            if warning not in warnings:
                warnings.append(warning)
    if not channels:
        warnings.append("未找到受理渠道")
    elif any(c.kind == "phone" for c in channels) and not any(c.hours for c in channels):
        office = _OFFICE_HOURS.search(own)
        if office:  # "受理时间为正常上班时间": no clock times, so none are filled in
            warnings.append(f"受理时间未注明具体钟点（原文只写“{office.group(0)}”），未填写")
        else:
            warnings.append("未找到受理时间")

    supervision = []
    for pos, phone, sentence in scan.supervision:
        if _applies(ctx, pos, index) and phone not in supervision:
            supervision.append(phone)
            sources.setdefault("supervision_phones", sentence)

    scope = None
    for pattern in (_SCOPE, _SCOPE_ANY):  # the second: "主要受理反映巡察对象的来信来电来访"
        for m in pattern.finditer(text):
            if _applies(ctx, m.start(), index):
                scope = m.group(0)
                # The sentence, without a heading run into it ("信访受理范围：根据…").
                sources["scope"] = re.sub(r"^[\u4e00-\u9fff]{0,6}范围[：:]", "", _sentence_of(ctx, m.start()))
                break
        if scope:
            break
    postmark = _flag(ctx, index, _POSTMARK, sources, "postmark_counts")
    holiday = _flag(ctx, index, _HOLIDAY, sources, "holiday_calls_paused", r"电话|来电|接听|热线")

    if team is None:
        warnings.append("未找到巡察组")
    if not targets:
        warnings.append("未找到被巡察党组织")
    if scope is None:
        warnings.append("未找到受理范围")
    return {
        "round": round_name,
        "kind": kind[0] if kind else None,
        "team": team.name if team else None,
        "targets": targets,
        "start_date": _iso(start),
        "end_date": _iso(end),
        "working_days": duration.amount if duration and duration.unit == "workday" else None,
        "duration_text": duration.text if duration else None,
        "intake_start": _iso(intake_start),
        "intake_end": _iso(intake_end),
        "channels": [c.as_dict() for c in channels],
        "scope": scope,
        "postmark_counts": postmark,
        "holiday_calls_paused": holiday,
        "supervision_phones": supervision,
        "sources": sources,
        "_kinds": listed_kinds,
    }, warnings


def _without_team(clause: str, team: Team | None) -> str:
    for mention in team.mentions if team else []:
        clause = clause.replace(mention.text, "")
    return clause


def _more_in_sentence(ctx: _Ctx, index: int, targets: list[str], kinds: list[str | None],
                      sentences_: list[str], clauses: list[str]) -> None:
    listed = listed_targets(ctx.text)
    for span in {sentence_at(ctx.sents, ctx.text.find(s)) for s in sentences_ if s in ctx.text}:
        listed += [t for t in one_more_targets(ctx.text, span.start, span.end)
                   if not any(t.start <= x.start < t.start + len(t.name) for x in listed)]
    extra = [t for t in listed if _applies(ctx, t.start, index) and t.name not in targets
             and _sentence_of(ctx, t.start) in sentences_ and t.kind is not None]
    own: list[str | None] = []
    for target, sentence in zip(targets, sentences_, strict=True):
        at = ctx.text.find(target, ctx.text.find(sentence))
        own.append(kind_after(ctx.text, at + len(target)) if at >= 0 else None)
    if not extra or {t.kind for t in extra} <= set(own):
        return  # nothing more, or only more of the same kind
    kinds.extend(own)
    for t in extra:
        targets.append(t.name)
        kinds.append(t.kind)
        sentences_.append(_sentence_of(ctx, t.start))
        clauses.append(_own_part_of_sentence(ctx, t.start))


def _own_part_of_sentence(ctx: _Ctx, pos: int) -> str:
    """The sentence at `pos`, cut to the piece holding `pos` (another team's part left out)."""
    sentence = sentence_at(ctx.sents, pos)
    for piece in ctx.pieces:
        if piece.start <= pos < piece.end:
            return ctx.text[max(sentence.start, piece.start) : min(sentence.end, piece.end)]
    return sentence.text


def _kind_sentence(ctx: _Ctx, index: int, kind: str) -> str:
    words = {"followup": "回头看", "elevated": "提级", "special": "专项", "flexible": "机动", "regular": "常规"}
    for sentence in ctx.sents:
        if words[kind] in sentence.text and _applies(ctx, sentence.start, index):
            return sentence.text
    return ""


def _flag(ctx: _Ctx, index: int, pattern: re.Pattern[str], sources: dict[str, str], name: str,
          needs: str | None = None) -> bool:
    for m in pattern.finditer(ctx.text):
        sentence = _sentence_of(ctx, m.start())
        if _applies(ctx, m.start(), index) and (needs is None or re.search(needs, sentence)):
            sources[name] = sentence
            return True
    return False


def _same_period(text: str, team: Team) -> bool:
    """"第二巡察组同期对…开展巡察": the team works in the same period as the one before."""
    return any(text.startswith("同期", m.end) for m in team.mentions)


_PERIOD_FIELDS = ("start_date", "end_date", "working_days", "duration_text", "intake_start", "intake_end")


def _inherit_period(inspection: dict[str, Any], previous: dict[str, Any],
                    warnings: list[str]) -> tuple[dict[str, Any], list[str]]:
    inspection = dict(inspection)
    for name in _PERIOD_FIELDS:
        inspection[name] = previous[name]
        if name in previous["sources"]:
            inspection["sources"][name] = previous["sources"][name]
    dropped = ("未找到巡察开始日期", "未能确定结束日期", "未能确定信访受理截止日期")
    warnings = [w for w in warnings if w not in dropped]
    warnings.append(f"巡察时间按“同期”取前一巡察组的时间（{previous['start_date']}起）")
    return inspection, warnings


def _by_kind(inspection: dict[str, Any]) -> list[dict[str, Any]]:
    """Targets of one enumeration with different kinds ("对A开展常规巡察，对B开展巡察“回头看”")
    become one inspection per kind."""
    kinds: list[str | None] = inspection.pop("_kinds")
    if len({k for k in kinds if k}) < 2:
        return [inspection]
    groups: dict[str | None, list[str]] = {}
    for target, kind in zip(inspection["targets"], kinds, strict=True):
        groups.setdefault(kind, []).append(target)
    return [{**inspection, "kind": kind, "targets": names, "sources": dict(inspection["sources"])}
            for kind, names in groups.items()]


_MISSING = {"start_date": "未找到巡察开始日期", "end_date": "未能确定结束日期", "intake_end": "未能确定信访受理截止日期"}


def _pair_respectively(ctx: _Ctx, teams: list[Team], inspections: list[dict[str, Any]]) -> list[tuple[int, set[str]]]:
    """"第一巡察组、第二巡察组分别于3月6日进驻甲局党组、乙局党组": the k-th team takes the k-th target."""
    if len(teams) < 2 or len(inspections) != len(teams):
        return []
    for holder, inspection in enumerate(inspections):
        names = inspection["targets"]
        sentence = sentence_at(ctx.sents, teams[holder].mentions[0].start)
        if len(names) < 2 or "分别" not in sentence.text:
            continue
        order = sorted({i for i, t in enumerate(teams) for m in t.mentions
                        if sentence.start <= m.start < sentence.end})
        # The other teams have no targets, or the same ones ("第一、第二巡察组分别进驻甲局党组、乙局党组").
        if len(order) != len(names) or any(inspections[i]["targets"] not in ([], names) for i in order if i != holder):
            continue
        paired: list[tuple[int, set[str]]] = []
        for k, i in enumerate(order):
            other = inspections[i]
            other["targets"] = [names[k]]
            filled = set()
            for name in ("kind", *_PERIOD_FIELDS):
                if other[name] is None and inspection[name] is not None:
                    other[name] = inspection[name]
                    filled.add(name)
                    if name in inspection["sources"]:
                        other["sources"][name] = inspection["sources"][name]
            paired.append((i, filled))
        return paired
    return []


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def parse_announcement(
    text: str,
    published: dt.date | None = None,
    *,
    add_working_days: AddWorkingDays | None = None,
) -> dict[str, Any]:
    """Extract the inspections an announcement publishes (see the package docstring for the shape)."""
    clean = clean_text(team_records(text))
    sents = sentences(clean) or [Span(0, 0, "")]
    dates = find_dates(clean)
    warnings: list[str] = []
    year = published.year if published else None
    if published is None:
        published, year = _publication(clean, sents, dates)
    if year is None:
        warnings.append("文中未注明年份，无法确定日期")
    for glitch in _DATE_GLITCH.finditer(clean):  # "2025年1021日": flagged, not guessed
        warnings.append(f"日期“{glitch.group(0)}”有误，未采用，请核对原文")
    teams = find_teams(clean)
    if teams and generic_teams_only(clean, any(t.key[0] is not None or named(t) for t in teams)):
        teams = []
    ctx = _Ctx(clean, sents, split_pieces(clean, teams), published, year,
               add_working_days or default_add_working_days)
    scan = find_channels(clean, sents)
    round_info = find_round(clean)
    inspections: list[dict[str, Any]] = []
    per_inspection: list[list[str]] = []
    for index in range(max(1, len(teams))):
        inspection, own_warnings = _inspection(ctx, teams, index, scan, round_info)
        if inspections and inspection["start_date"] is None and _same_period(clean, teams[index]):
            inspection, own_warnings = _inherit_period(inspection, inspections[-1], own_warnings)
        split = _by_kind(inspection)
        inspections.extend(split)
        per_inspection.extend([list(own_warnings) for _ in split])
        prefix = f"{teams[index].name}：" if len(teams) > 1 else ""
        warnings.extend(prefix + w for w in own_warnings)
    for i, filled in _pair_respectively(ctx, teams, inspections):
        stale = {"未找到被巡察党组织"} | {w for f, w in _MISSING.items() if f in filled}
        per_inspection[i] = [w for w in per_inspection[i] if w not in stale]
        warnings = [w for w in warnings if w not in {f"{teams[i].name}：{x}" for x in stale}]
    for extra in other_targets(clean, inspections):  # the round's other targets, said beside the one team
        inspections.append(extra)
        per_inspection.append(["未找到巡察组"])
    by_area = split_by_area(clean, inspections)
    inspections = [part for parts in by_area for part in parts]
    per_inspection = [list(w) for parts, w in zip(by_area, per_inspection, strict=True) for _ in parts]
    for w in scan.warnings:
        if w not in warnings:
            warnings.append(w)
    return {"clean_text": clean, "inspections": inspections, "warnings": warnings,
            "inspection_warnings": per_inspection}
