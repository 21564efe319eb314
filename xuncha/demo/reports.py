"""Demo reports: a living triage workbench for whoever runs `make run` (`manage.py load_demo`).

About forty invented reports (信访件) go into the practice inspection and eight into seed 001, all through
`report_register`, the path every channel takes, so identities are sealed, receipt codes issued,
numbers taken, the search index filled and every step audited. The texts are data
(`seeds/reports.json`). Then the team works on them the way a team would: each report is triaged,
the demo member confirms some labels and proposes dispositions, the demo leader approves one 受理, one
转办 (to the school's 后勤管理处, which reports back) and two 移交 (listed in a transfer batch to
示范市纪委监委) and leaves two proposals awaiting approval, and the member answers one matter reported
several times (a result reply), so that the repeat that arrives afterwards is linked to the answer.

The practice inspection's reports fall on its first working days up to yesterday (its dates follow
`today`), phone calls and visits inside the published hours, and two arrive the working day before the
window opens (期外). Seed 001's reports carry their own 2024 dates.

`load_demo` does not call this (the test suite loads the demo without reports); the command does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.accounts.services import role_assign
from xuncha.core.crypto import seal
from xuncha.inspections.models import Channel, ChannelKind, Inspection, ReceivingBody
from xuncha.inspections.selectors import calendar_get
from xuncha.intake.models import Report
from xuncha.intake.services import ReporterData, ReportInput, SubjectData, report_register
from xuncha.keys import key_ring
from xuncha.replies.models import Reply
from xuncha.replies.services import reply_create
from xuncha.triage.models import Clue, Disposition, DispositionKind, Referral, Scope
from xuncha.triage.services import (
    disposition_decide,
    disposition_propose,
    handover_acknowledge,
    handover_result,
    labels_confirm,
    referral_send,
    report_triage,
    scope_confirm,
    transfer_batch_create,
)

DATA = Path(__file__).resolve().parent / "seeds" / "reports.json"
SEED_001_TEAM = "市委第五巡察组"
REFERRAL_BODY = "示范职业技术学院后勤管理处"
TRANSFER_BODY = "示范市纪委监委"
RECEIVER = "周演练"  # the practice team member who takes calls and receives visitors


def _data() -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def _receiving_days(inspection: Inspection, today: dt.date) -> list[dt.date]:
    """The working days of the acceptance window up to yesterday (never a day that has not come yet)."""
    calendar = calendar_get()
    last = min(today, timezone.localdate()) - dt.timedelta(days=1)
    last = min(last, inspection.intake_end)
    span = [inspection.intake_start + dt.timedelta(days=n) for n in range((last - inspection.intake_start).days + 1)]
    return [d for d in span if calendar.is_working_day(d)] or span or [last]


def _working_day_before(day: dt.date) -> dt.date:
    calendar = calendar_get()
    day -= dt.timedelta(days=1)
    for _ in range(30):
        if calendar.is_working_day(day):
            return day
        day -= dt.timedelta(days=1)
    return day


def _practice_day(entry: dict[str, Any], inspection: Inspection, days: list[dt.date], slots: int) -> dt.date:
    n = int(entry["day"])
    if n < 0:
        return _working_day_before(inspection.intake_start)
    return days[round(n * (len(days) - 1) / max(slots - 1, 1))]


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(hhmm)))


def _channel(inspection: Inspection, kind: str, box: str = "") -> Channel | None:
    channels = [c for c in inspection.channels.all() if c.kind == kind]
    return next((c for c in channels if box and c.location == box), channels[0] if channels else None)


def _register(entry: dict[str, Any], inspection: Inspection, received_at: dt.datetime, postmarked_on: dt.date | None,
              member: User, receiver: str) -> Report:
    kind = entry["kind"]
    channel = _channel(inspection, kind, entry.get("box", ""))
    reporter = ReporterData(**entry["reporter"]) if entry["reporter"] else None
    source: dict[str, Any] = {}
    if kind == ChannelKind.PHONE and reporter is not None and reporter.phone:
        source["caller_number_sealed"] = seal(key_ring(), reporter.phone, context="caller_number")
    if kind == ChannelKind.VISIT:
        source.update({"received_by": receiver, "room": channel.location if channel else ""})
    # Online reports come through the public portal (no account); staff register every other channel.
    actor = None if kind == ChannelKind.ONLINE else member
    registered = report_register(actor=actor, data=ReportInput(
        inspection=inspection, content=entry["content"], kind=kind, channel=channel, received_at=received_at,
        postmarked_on=postmarked_on, reporter=reporter, source=source,
        subjects=[SubjectData(name=name, post=post, category=category) for name, post, category in entry["subjects"]],
    ))
    # Triage at once, in arrival order (the on-commit job does the same later; report_triage is idempotent).
    report_triage(report_id=registered.report.pk)
    return registered.report


def _confirm(entries: Iterable[dict[str, Any]], reports: dict[str, Report], member: User) -> None:
    for entry in entries:
        if entry.get("confirm") and entry["key"] in reports:
            disciplines, focuses = entry["labels"]
            labels_confirm(actor=member, report=reports[entry["key"]], disciplines=disciplines, focuses=focuses)


def _approve(report: Report, kind: str, reason: str, member: User, leader: User, body: ReceivingBody | None = None) -> Disposition:
    disposition = disposition_propose(actor=member, report=report, kind=kind, reason=reason, body=body)
    return disposition_decide(actor=leader, disposition=disposition, approve=True)


def _referral_body(users: dict[str, User]) -> ReceivingBody:
    body, created = ReceivingBody.objects.get_or_create(name=REFERRAL_BODY, defaults={"kind": ReceivingBody.Kind.OTHER})
    if created:
        role_assign(actor=users["sysadmin"], user=users["recipient"], role=Role.RECIPIENT, body=body, system=True)
    return body


def _team_work(inspection: Inspection, reports: dict[str, Report], users: dict[str, User]) -> None:
    """What the team has done by the time the last day's reports arrive."""
    member, leader, recipient = users["member"], users["leader"], users["recipient"]

    # 受理: the canteen matter, reported by many, is in scope.
    _approve(reports["canteen-1"], DispositionKind.ACCEPT, "反映后勤管理处处长孙某亲属承包食堂、涨价未经听证，属重要岗位领导干部"
             "涉嫌违反廉洁纪律、群众纪律问题，且多名师生通过不同渠道反映，群众反映强烈，予以受理并研究立行立改。", member, leader)

    # 转办: the broken water heaters are a repair matter for the school's logistics department.
    hot = reports["hotwater-1"]
    scope_confirm(actor=member, report=hot, scope=Scope.OUT,
                  reason="学生宿舍设施报修属后勤保障事项，未反映具体人员违反六项纪律，不属于巡察受理范围。")
    _approve(hot, DispositionKind.REFER, "宿舍热水器长期报修未修，按规定转学校后勤管理处办理并反馈结果。", member, leader,
             body=_referral_body(users))
    referral = Referral.objects.get(report=hot)
    referral = referral_send(actor=leader, referral=referral)
    acknowledged = handover_acknowledge(actor=recipient, item=referral)
    handover_result(actor=recipient, item=acknowledged, handling="", result="已更换5号学生公寓三楼损坏的热水器加热组件，三楼热水已恢复供应；"
                    "已督促报修平台运维单位核查长期未派单的工单，今后报修48小时内上门。")
    reply_create(actor=member, report=hot, kind=Reply.Kind.RESULT,
                 content="您反映的5号学生公寓三楼热水器损坏问题，巡察组已按规定转学校后勤管理处办理。后勤管理处反馈："
                         "已更换损坏的热水器加热组件，三楼热水已恢复供应，并对报修平台长期未派单的问题进行了整改。感谢您的反映。")

    # 移交: two clues of possible corruption go to the municipal discipline commission in one batch.
    commission = ReceivingBody.objects.get(name=TRANSFER_BODY)
    for key, reason in [
        ("tender", "反映基建处处长王某在实训楼工程招标中指定施工单位、收受好处，涉嫌违反廉洁纪律，属问题线索，按规定移交市纪委监委。"),
        ("slush", "反映财务处处长郑某设立小金库、违规发放津贴补贴，涉嫌违反廉洁纪律，属问题线索，按规定移交市纪委监委。"),
    ]:
        _approve(reports[key], DispositionKind.TRANSFER, reason, member, leader, body=commission)
    clues = list(Clue.objects.filter(report__in=[reports["tender"], reports["slush"]]).values_list("pk", flat=True))
    transfer_batch_create(actor=leader, inspection=inspection, body=commission, clue_ids=clues)

    # Awaiting the leader's approval.
    disposition_propose(actor=member, report=reports["car"], kind=DispositionKind.ACCEPT,
                        reason="反映副校长钱某公车私用，属领导班子成员涉嫌违反廉洁纪律问题，建议受理。")
    disposition_propose(actor=member, report=reports["upgrade"], kind=DispositionKind.CLOSE,
                        reason="属专升本政策咨询，不涉及违纪问题；已电话告知向学校教务处咨询，建议了结。")


def _load_practice(inspection: Inspection, entries: list[dict[str, Any]], today: dt.date, users: dict[str, User]) -> list[Report]:
    days = _receiving_days(inspection, today)
    slots = max(int(e["day"]) for e in entries) + 1
    timed = []
    for entry in entries:
        day = _practice_day(entry, inspection, days, slots)
        postmark = day - dt.timedelta(days=entry["postmark_days"]) if entry.get("postmark_days") else None
        timed.append((bool(entry.get("later")), _at(day, entry["at"]), postmark, entry))
    timed.sort(key=lambda t: t[1])
    reports: dict[str, Report] = {}
    for phase in (False, True):  # the last day's reports come after the team's first work
        for later, received_at, postmark, entry in timed:
            if later == phase:
                reports[entry["key"]] = _register(entry, inspection, received_at, postmark, users["member"], RECEIVER)
        if not phase:
            _confirm(entries, reports, users["member"])
            _team_work(inspection, reports, users)
    return list(reports.values())


def _load_seed001(inspection: Inspection, entries: list[dict[str, Any]], users: dict[str, User]) -> list[Report]:
    reports: dict[str, Report] = {}
    for entry in sorted(entries, key=lambda e: (e["date"], e["at"])):
        day = dt.date.fromisoformat(entry["date"])
        postmark = dt.date.fromisoformat(entry["postmark"]) if entry.get("postmark") else None
        reports[entry["key"]] = _register(entry, inspection, _at(day, entry["at"]), postmark, users["member"], "")
    _confirm(entries, reports, users["member"])
    disposition_propose(actor=users["leader"], report=reports["bid-rigging"], kind=DispositionKind.ACCEPT, approve=True,
                        reason="反映基建处处长甘某在宿舍改造工程招标中涉嫌围标串标，属重要岗位领导干部问题，予以受理。")
    return list(reports.values())


def load_demo_reports(inspections: Iterable[Inspection], today: dt.date | None = None) -> list[Report]:
    """Register and work the demo reports into the demo inspections (from `load_demo`). Returns the reports."""
    today = today or timezone.localdate()
    inspections = list(inspections)
    practice = next(i for i in inspections if i.is_practice)
    seed001 = next((i for i in inspections if i.team.name == SEED_001_TEAM), None)
    users = {u.username: u for u in User.objects.filter(username__in=["member", "leader", "recipient", "sysadmin"])}
    data = _data()
    reports: list[Report] = []
    with transaction.atomic():
        if seed001 is not None:  # the 2024 reports first, so that report ids follow the dates
            reports += _load_seed001(seed001, data["seed001"], users)
        reports += _load_practice(practice, data["practice"], today, users)
    return reports
