"""Demo rectification: the other half of the work (docs/architecture.md §5 rules 6–7), alive for whoever runs `make run`.

Runs after `load_demo_reports` (the `load_demo` command calls both), all through the real services, as the
demo users would: the member drafts, the leader approves and issues, the target's liaison answers and
reports progress with evidence files (tiny PDFs made here), the office signs off or returns.

- The practice inspection (under way): three findings linked to demo reports (the canteen prices, the
  助学金 favouritism, the engineering and equipment procurement), two approved and one awaiting the
  leader; an immediate-rectification notice from the canteen duplicate group, issued, answered with
  evidence and accepted; a second one (the 助学金 group) issued and awaiting the answer.
- Seed 001 (2024, finished): two approved findings fed back on 2024-08-20, and the result reply to the accepted
  report. Its plan, the ledger the plan became and the rectification report: xuncha/demo/plan.py.
- Then the daily reminder job runs once (in-app; the demo accounts have no email address).

Services stamp what they do with the present moment; for seed 001, whose work happened in 2024, those
timestamps (approval, feedback, progress, evidence, sign-off, reply) are moved back to their 2024 dates
with `.update()`. The audit log keeps the moment of loading: its chain is never rewritten.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.documents import pdf_font
from xuncha.inspections.models import Inspection
from xuncha.intake.models import Report
from xuncha.rectification.models import (
    Feedback,
    Finding,
    ImmediateNotice,
    ItemStatus,
    RectificationItem,
)
from xuncha.rectification.selectors import overdue_q
from xuncha.rectification.services import (
    FindingData,
    NoticeData,
    feedback_record,
    finding_create,
    finding_decide,
    finding_submit,
    notice_answer,
    notice_create,
    notice_decide,
    notice_issue,
    reminders_send,
)
from xuncha.replies.models import Reply
from xuncha.replies.services import reply_create
from xuncha.triage.models import Triage

from .reports import DATA, SEED_001_TEAM

SEED_001_FEEDBACK_ON = dt.date(2024, 8, 20)


@dataclass
class DemoRectification:
    findings: int
    approved: int
    notices: int
    items: int
    signed_off: int
    overdue: int
    reminders: int

    def summary(self) -> str:
        return (f"共加载演示整改数据：问题底稿 {self.findings} 个（已审定 {self.approved} 个），立行立改通知 {self.notices} 件，"
                f"整改事项 {self.items} 项（已销号 {self.signed_off} 项、逾期 {self.overdue} 项），整改提醒 {self.reminders} 条。")


def _when(day: dt.date, hhmm: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(hhmm)))


def _reports(inspection: Inspection, section: str) -> dict[str, Report]:
    """The demo reports of an inspection by their data key (matched by content, as registered)."""
    entries = json.loads(DATA.read_text(encoding="utf-8"))[section]
    by_content = {r.content: r for r in Report.objects.filter(inspection=inspection)}
    return {e["key"]: by_content[e["content"]] for e in entries if e["content"] in by_content}


def _pdf(name: str, title: str, lines: list[str]) -> SimpleUploadedFile:
    """A one-page evidence PDF, made in memory (what a liaison would scan and upload)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = pdf_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor("演示数据")
    width, height = A4
    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, height - 80, title)
    pdf.setFont(font, 11)
    y = height - 120
    for line in lines:
        pdf.drawString(72, y, line)
        y -= 20
    pdf.setFont(font, 9)
    pdf.drawCentredString(width / 2, 40, "（演示材料，内容均为虚构）")
    pdf.showPage()
    pdf.save()
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def _approved(member: User, leader: User, inspection: Inspection, data: FindingData) -> Finding:
    finding = finding_create(actor=member, inspection=inspection, data=data)
    finding = finding_submit(actor=member, finding=finding)
    return finding_decide(actor=leader, finding=finding, approve=True)


def _group_key(report: Report) -> int:
    key = Triage.objects.get(pk=report.pk).group_key
    assert key is not None, f"{report.reference} is in no duplicate group"
    return key


def _practice(inspection: Inspection, users: dict[str, User]) -> None:
    member, leader, liaison = users["member"], users["leader"], users["liaison"]
    reports = _reports(inspection, "practice")
    canteen = [reports[f"canteen-{n}"] for n in range(1, 6)]
    grant = [reports[f"grant-{n}"] for n in range(1, 4)]

    canteen_finding = _approved(member, leader, inspection, FindingData(
        title="后勤管理处处长孙某亲属承包二食堂，伙食价格未经听证大幅上涨",
        facts="经调阅二食堂承包经营合同、本学期伙食价格调整文件并与有关人员谈话：二食堂经营者系后勤管理处处长孙某的亲属，"
              "去年续签承包合同时未公开招标；本学期开学以来二食堂主要菜品价格普遍上涨（素菜由2元涨至3.5元，荤菜12元），"
              "分量减少，调价未经学校伙食管理委员会听证，也未向师生公示。师生通过网上、信箱、电话、电子邮件、来访等渠道"
              "反映此事，群众反映强烈。",
        rule_broken="《中国共产党纪律处分条例》关于利用职权或者职务上的影响为亲属经营活动谋取利益的规定（廉洁纪律）；"
                    "《学校食品安全与营养健康管理规定》关于学校食堂坚持公益便利、以招投标等方式公开选择承包经营者的规定；"
                    "学校伙食价格调整须经伙食管理委员会听证并公示的规定。",
        focus="corruption", disciplines=["integrity", "mass"], reports=canteen,
        interview_notes="与后勤管理处处长孙某、二食堂经营者、伙食管理委员会学生代表分别谈话；调阅二食堂承包经营合同和价格调整文件。",
    ))
    grant_finding = _approved(member, leader, inspection, FindingData(
        title="机电工程学院国家助学金评定优亲厚友，评定结果未公示",
        facts="经调阅机电工程学院本年度国家助学金评定材料并与评议小组成员、部分学生谈话：学院一等助学金获得者中有1名为"
              "学院党总支书记李某亲属的子女，另有3名学生干部家庭经济困难认定材料不全；学院民主评议小组未召开评议会议，"
              "评定结果未在学院公示即报送学校，多名家庭经济困难学生未获资助。",
        rule_broken="《中国共产党纪律处分条例》关于在社会保障、政策扶持等事项中优亲厚友、明显有失公平的规定（群众纪律）；"
                    "《学生资助资金管理办法》关于国家助学金按学生家庭经济困难程度评定、评定结果公示的规定。",
        focus="corruption", disciplines=["mass"], reports=grant,
        interview_notes="与机电工程学院民主评议小组成员、学生资助管理中心负责人和4名学生谈话；调阅助学金申请、认定和评议材料。",
    ))
    procurement = finding_create(actor=member, inspection=inspection, data=FindingData(
        title="基建工程招标和设备采购监督缺位，廉洁风险突出",
        facts="新实训楼工程招标文件设置的资质条件具有明显指向性，中标后追加变更签证三百余万元，未经集体研究；采购中心采购的"
              "智慧教室交互式显示屏单价明显高于同期市场价，仅向三家供应商询价，其中两家报价单格式雷同。学校对基建、采购环节"
              "缺乏有效监督，招标文件和采购需求未经集体审核。涉及个人的问题线索已按规定移交市纪委监委。",
        rule_broken="《中华人民共和国招标投标法》关于招标人不得以不合理的条件限制或者排斥潜在投标人的规定；"
                    "《中华人民共和国政府采购法》关于采购人员回避和采购价格管理的规定；学校“三重一大”集体决策制度。",
        focus="corruption", disciplines=["integrity", "work"], reports=[reports["tender"], reports["procurement"]],
        interview_notes="调阅新实训楼工程招标文件、评标报告、变更签证及智慧教室设备采购合同；与基建处、采购中心有关人员谈话。",
    ))
    finding_submit(actor=member, finding=procurement)  # awaiting the leader

    # 立行立改 (rule 6): the canteen matter, reported by many, clearly breaks a rule and can be fixed now.
    data = NoticeData(
        title="二食堂伙食价格未经听证大幅上涨问题",
        problem="多名师生通过不同渠道反映：本学期开学以来二食堂饭菜价格普遍上涨、分量减少，调价未经伙食管理委员会听证；"
                "二食堂由后勤管理处处长孙某的亲属承包，续签合同未公开招标。",
        suggestion="立即纠正二食堂未经听证擅自调价问题，恢复合理价格并向师生公示；清理二食堂承包经营合同，按规定公开选择"
                   "经营者；健全伙食价格调整听证和公示制度。",
        clear_violation=True, fixable=True, deadline_days=5)
    notice = notice_create(actor=member, inspection=inspection, data=data, group_key=_group_key(canteen[0]), finding=canteen_finding)
    notice = notice_issue(actor=leader, notice=notice)
    notice_answer(actor=liaison, notice=notice, measures=(
        "一、二食堂主要菜品价格自即日起恢复至调价前水平，价格表已在各售卖窗口和学校官网公示；"
        "二、终止与原经营者的续签合同，由国有资产管理处按规定公开招标选择经营者，招标期间由后勤管理处直接经营；"
        "三、修订《学校伙食价格管理办法》，伙食价格调整须经伙食管理委员会听证并公示；"
        "四、孙某已向学校党委作出书面说明，学校纪委对其亲属承包食堂问题进行核查。"),
        files=[_pdf("二食堂伙食价格整改情况说明.pdf", "二食堂伙食价格整改情况说明", [
            "一、二食堂主要菜品价格已恢复至调价前水平，并在各窗口公示。",
            "二、终止与原经营者的续签合同，按规定公开招标选择经营者。",
            "三、修订伙食价格管理办法，调价须经伙食管理委员会听证。",
            "四、后勤管理处处长孙某已向学校党委作出书面说明。",
            "",
            "示范职业技术学院党委（章）",
        ])])
    notice_decide(actor=leader, notice=notice, accept=True, note="经实地查看二食堂价格公示并抽访学生，整改措施已落实，同意通过。")

    # The 助学金 matter: issued, the target has not answered yet.
    data = NoticeData(
        title="机电工程学院国家助学金评定优亲厚友问题",
        problem="多名学生反映机电工程学院本年度国家助学金评定中优亲厚友：一等助学金给予学院党总支书记亲属的子女和家庭条件"
                "较好的学生干部，家庭经济困难学生未获资助，评定结果未公示。",
        suggestion="暂停发放机电工程学院本年度一等助学金，由学生资助管理中心牵头重新审核家庭经济困难认定材料，按规定组织"
                   "民主评议并公示评定结果，对优亲厚友问题依规依纪处理。",
        clear_violation=True, fixable=True, deadline_days=10)
    notice = notice_create(actor=member, inspection=inspection, data=data, group_key=_group_key(grant[0]), finding=grant_finding)
    notice_issue(actor=leader, notice=notice)


def _seed001(inspection: Inspection, users: dict[str, User], today: dt.date) -> None:
    member, leader = users["member"], users["leader"]
    reports = _reports(inspection, "seed001")
    findings = [
        _approved(member, leader, inspection, FindingData(
            title="基建工程招投标监管缺位，学生宿舍改造工程存在围标串标迹象",
            facts="经调阅学生宿舍改造工程招标档案：三家投标单位报价相差不足千元，投标文件存在相同的错误；学校招标前未审查"
                  "投标单位之间的关联关系，基建处既组织招标又负责合同履约和验收，缺乏制衡，纪检监督未全程参与。",
            rule_broken="《中华人民共和国招标投标法》关于投标人不得相互串通投标报价的规定；《中华人民共和国招标投标法实施条例》"
                        "关于投标文件异常一致、投标报价呈规律性差异视为串通投标的规定；学校基建工程管理制度。",
            focus="corruption", disciplines=["integrity", "work"], reports=[reports["bid-rigging"]],
            interview_notes="调阅学生宿舍改造工程招标文件、投标文件和评标报告；与基建处、招标代理机构有关人员谈话。",
        )),
        _approved(member, leader, inspection, FindingData(
            title="上轮审计指出问题整改不到位，专项资金购置的实训设备闲置",
            facts="上一轮审计指出的公务用车管理、合同管理问题，学校报告已整改完毕，但经抽查，车辆使用登记制度未落实，"
                  "部分工程合同先施工后签订；学校使用专项资金采购的一批实训设备部分未拆封、长期闲置。",
            rule_broken="《党政机关公务用车管理办法》（事业单位参照执行）关于公务用车使用登记的规定；审计整改有关规定；"
                        "学校合同管理办法关于先签订后履行的规定；专项资金专款专用、注重绩效的规定。",
            focus="rectification", disciplines=["work"], reports=[reports["audit-rectify"], reports["idle-equipment"]],
            interview_notes="调阅上一轮审计报告、学校整改报告及车辆使用记录；实地查看实训设备仓库。",
        )),
    ]
    feedback = feedback_record(actor=leader, inspection=inspection, feedback_on=SEED_001_FEEDBACK_ON)

    # The ledger comes from the target's approved plan: xuncha/demo/plan.py (load_demo_plan).

    bid = reports["bid-rigging"]
    reply = reply_create(actor=member, report=bid, kind=Reply.Kind.RESULT, content=(
        "您反映的学校学生宿舍改造工程招标中存在围标串标的问题，巡察组已受理并进行了了解核实。巡察组已将基建工程招投标监管"
        "不到位的问题向学校党委反馈，责成学校对近年基建工程招投标开展专项检查、修订招标管理制度；涉及个人的问题线索已按规定"
        "移送纪检监察机构处理。感谢您对巡察工作的支持。"))

    # The 2024 work, stamped now by the services, moved back to the days it was done (the audit log keeps
    # the loading time; its chain is not touched).
    Finding.objects.filter(pk__in=[f.pk for f in findings]).update(
        created_at=_when(dt.date(2024, 6, 12), "10:00"), approved_at=_when(dt.date(2024, 6, 18), "16:00"))
    Feedback.objects.filter(pk=feedback.pk).update(created_at=_when(SEED_001_FEEDBACK_ON, "15:00"))
    Reply.objects.filter(pk=reply.pk).update(created_at=_when(dt.date(2024, 9, 5), "10:00"))


def load_demo_rectification(inspections: Iterable[Inspection], today: dt.date | None = None) -> DemoRectification:
    """Findings, notices, the feedback and the ledger of the demo inspections (from `load_demo`, after
    `load_demo_reports`), then one run of the reminders. Returns what was loaded."""
    today = today or timezone.localdate()
    inspections = list(inspections)
    practice = next(i for i in inspections if i.is_practice)
    seed001 = next((i for i in inspections if i.team.name == SEED_001_TEAM), None)
    users = {u.username: u for u in User.objects.filter(username__in=["member", "leader", "liaison", "office"])}
    with transaction.atomic():
        _practice(practice, users)
        if seed001 is not None:
            _seed001(seed001, users, today)
        run = reminders_send(today=today)
    ours = [i.pk for i in inspections]
    items = RectificationItem.objects.filter(inspection__in=ours)
    findings = Finding.objects.filter(inspection__in=ours)
    return DemoRectification(
        findings=findings.count(), approved=findings.filter(state=Finding.State.APPROVED).count(),
        notices=ImmediateNotice.objects.filter(inspection__in=ours).count(), items=items.count(),
        signed_off=items.filter(status=ItemStatus.SIGNED_OFF).count(), overdue=items.filter(overdue_q(today)).count(),
        reminders=run.created,
    )
