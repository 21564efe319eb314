"""Demo: a finished fictional inspection, filed (立卷归档). A round of 2025, a team, a target, two reports (one
signed, its reporter sealed), an approved finding, the feedback, a ledger item with evidence signed off, then
the office files it: the inspection is read-only in the demo, its package can be downloaded and verified.
Everything goes through the real services (the same checks and audit events as the pages)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.accounts.services import role_assign
from xuncha.archive.models import Filing
from xuncha.archive.services import archive_file
from xuncha.inspections import services as planning
from xuncha.inspections.models import Inspection, RoundKind, TeamMember
from xuncha.intake.services import ReporterData, ReportInput, SubjectData, report_register
from xuncha.rectification.models import ItemStatus
from xuncha.rectification.services import (
    FindingData,
    ItemData,
    feedback_record,
    finding_create,
    finding_decide,
    finding_submit,
    item_create,
    item_sign_off,
    progress_report,
)

ARCHIVED_TEAM = "市委第七巡察组"
ARCHIVED_TARGET = "示范市文化广电旅游局党组"
START, END = dt.date(2025, 3, 3), dt.date(2025, 4, 30)


def _when(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def load_demo_archive(inspections: Iterable[Inspection], today: dt.date | None = None) -> Filing:
    """The archived inspection (the demo's others are left as they are)."""
    del inspections, today  # the archived inspection is its own, finished in 2025
    users = {u.username: u for u in User.objects.filter(username__in=["office", "leader", "member", "liaison", "sysadmin"])}
    office, leader, member, liaison = users["office"], users["leader"], users["member"], users["liaison"]
    rnd = planning.round_create(actor=office, name="示范市委2025年第一轮巡察", kind=RoundKind.REGULAR, year=2025)
    team = planning.team_create(actor=office, round=rnd, name=ARCHIVED_TEAM)
    target = planning.target_create(actor=office, name=ARCHIVED_TARGET)
    planning.team_member_add(actor=office, team=team, name="演示组长", position=TeamMember.Position.LEADER)
    inspection = planning.inspection_create(actor=office, round=rnd, team=team, target=target, start_date=START, end_date=END)
    channel = planning.channel_save(actor=office, inspection=inspection, kind="phone", value="0770-7654321",
                                    hours=[("workdays", dt.time(9), dt.time(17))])
    for user, role, scope in [(leader, Role.TEAM_LEADER, {"team": team}), (member, Role.TEAM_MEMBER, {"team": team}),
                              (liaison, Role.LIAISON, {"org": target})]:
        role_assign(actor=users["sysadmin"], user=user, role=role, system=True, **scope)  # type: ignore[arg-type]

    signed = report_register(actor=member, data=ReportInput(
        inspection=inspection, kind="phone", channel=channel, received_at=_when(dt.date(2025, 3, 12), 10),
        content="反映局属文化馆2024年举办的群众文化活动中，活动经费报销存在虚列支出的问题，部分票据与实际活动不符。",
        reporter=ReporterData(name="柳文清", phone="13907701234", unit="示范市文化馆"),
        subjects=[SubjectData(name="覃某", post="文化馆馆长", category="key_post")])).report
    report_register(actor=member, data=ReportInput(
        inspection=inspection, kind="phone", channel=channel, received_at=_when(dt.date(2025, 3, 20), 15),
        content="反映局机关公务接待超标准，存在以会议名义安排宴请的情况。"))

    finding = finding_create(actor=member, inspection=inspection, data=FindingData(
        title="群众文化活动经费管理不规范，存在虚列支出问题",
        facts="抽查2024年文化馆群众文化活动经费报销凭证42份，其中6份票据所列活动与活动台账不符，涉及金额3.2万元。",
        rule_broken="《行政事业单位内部控制规范》关于支出业务控制的规定；市财政资金管理有关规定。",
        focus="corruption", disciplines=["integrity"], reports=[signed],
        interview_notes="调阅文化馆2024年活动台账和报销凭证；与财务人员谈话。"))
    finding = finding_decide(actor=leader, finding=finding_submit(actor=member, finding=finding), approve=True)
    feedback_record(actor=leader, inspection=inspection, feedback_on=dt.date(2025, 6, 10))
    item = item_create(actor=member, finding=finding, data=ItemData(
        "对2024年以来群众文化活动经费逐笔清查，虚列支出款项全部追回，修订活动经费管理办法。",
        "副局长韦某", "文化馆、计划财务科", deadline=dt.date(2025, 8, 29)))
    progress_report(actor=liaison, item=item, status=ItemStatus.DONE, text="已完成清查，追回款项3.2万元，印发《群众文化活动经费管理办法》。",
                    files=[SimpleUploadedFile("经费清查报告.pdf", _pdf_bytes(), content_type="application/pdf")])
    item_sign_off(actor=office, item=item)
    return archive_file(actor=office, inspection=inspection)


def _pdf_bytes() -> bytes:
    """A one-page PDF (the evidence file), drawn with the documents' CJK font."""
    import io

    from reportlab.pdfgen import canvas

    from xuncha.documents import pdf_font

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont(pdf_font(), 12)
    page.drawString(72, 760, "群众文化活动经费清查报告（摘要）：清查凭证 42 份，追回款项 3.2 万元。")
    page.save()
    return out.getvalue()
