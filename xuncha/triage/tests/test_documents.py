"""The referral letter (转办函) and the clue transfer list (问题线索移交清单): reopened with python-docx,
they carry the matter, the subjects and the reasons, and never the reporter's identity."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.documents import cn_date
from xuncha.inspections.models import ReceivingBody
from xuncha.intake import services as intake
from xuncha.triage import documents
from xuncha.triage.models import Clue, Referral
from xuncha.triage.services import disposition_propose, transfer_batch_sign

pytestmark = pytest.mark.django_db

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
CANTEEN = "食堂饭菜价格连续上涨，质量却越来越差，承包商与后勤员工钱某关系密切。"
REPORTER = intake.ReporterData(name="李明华", phone="13912345678", unit="材料学院教务办", email="lmh@example.org")
IDENTITY = ["李明华", "13912345678", "材料学院教务办", "lmh@example.org", "李**", "139****5678"]


def docx_text(content: bytes) -> tuple[list[str], list[list[str]]]:
    from docx import Document

    doc = Document(io.BytesIO(content))
    rows = [[cell.text for cell in row.cells] for table in doc.tables for row in table.rows]
    return [p.text for p in doc.paragraphs], rows


def hand_over(report, kind: str, body_name: str, reason: str):
    leader = User.objects.get(username="leader")
    body = ReceivingBody.objects.get(name=body_name)
    disposition_propose(actor=leader, report=report, kind=kind, reason=reason, body=body, approve=True)
    model = Referral if kind == "refer" else Clue
    return model.objects.get(report=report)


def test_referral_letter_states_the_matter_and_never_the_reporter(register, seed000) -> None:
    report = register(CANTEEN, [("钱某", "后勤服务中心员工", "other")], reporter=REPORTER)
    referral = hand_over(report, "refer", "中国计量大学党委组织部", "反映后勤管理问题，不属于巡察受理范围")
    content = documents.referral_letter_docx(Referral.objects.select_related("report__inspection__team", "report__inspection__target",
                                                                             "body").get(pk=referral.pk))
    paragraphs, rows = docx_text(content)
    text = "\n".join(paragraphs)
    year = timezone.localtime(referral.created_at).year
    assert paragraphs[0] == "巡察组信访件转办函"
    assert paragraphs[1] == f"〔{year}〕第{referral.number}号" and referral.number == 1
    assert paragraphs[2] == "中国计量大学党委组织部："
    assert f"巡察{seed000.target.name}期间" in text and seed000.team.name in text
    assert "不属于本次巡察受理范围，按规定由有关部门处理" in text
    assert CANTEEN in text and "钱某（后勤服务中心员工）" in text and report.reference in text
    assert "转办理由：反映后勤管理问题，不属于巡察受理范围" in text
    assert "3个月内" in text
    assert paragraphs[-1] == f"{seed000.team.name}\n{cn_date(timezone.localdate())}"
    assert rows == []
    for secret in IDENTITY:
        assert secret not in text, secret


def test_referral_numbers_run_per_inspection(register) -> None:
    first = hand_over(register(CANTEEN), "refer", "中国计量大学党委组织部", "不属于受理范围")
    second = hand_over(register("图书馆空调常年不开，读者意见很大。"), "refer", "中国计量大学党委组织部", "不属于受理范围")
    assert (first.number, second.number) == (1, 2)
    paragraphs, _ = docx_text(documents.referral_letter_docx(second))
    assert paragraphs[1].endswith("第2号")


def test_transfer_list_has_a_row_per_clue_and_the_sign_lines(register, seed000) -> None:
    member = User.objects.get(username="member")
    recipient = User.objects.get(username="recipient")
    a = register(GIFT, [("赵某", "副院长", "leadership")], reporter=REPORTER)
    b = register("学院党委书记孙某违规决定重大事项，不经集体讨论。" * 20, [("孙某", "党委书记", "leadership"), ("周某", "", "key_post")])
    clues = [hand_over(a, "transfer", "中国计量大学纪委", "涉嫌违反廉洁纪律"), hand_over(b, "transfer", "中国计量大学纪委", "违反民主集中制")]
    from xuncha.triage.services import transfer_batch_create

    batch = transfer_batch_create(actor=member, inspection=seed000, body=clues[0].body, clue_ids=[c.pk for c in clues])
    paragraphs, rows = docx_text(documents.transfer_list_docx(batch))
    text = "\n".join(paragraphs)
    year = timezone.localtime(batch.created_at).year
    assert paragraphs[:2] == ["问题线索移交清单", f"〔{year}〕第1号"]
    assert f"巡察任务：{seed000}" in text and "接收单位：中国计量大学纪委" in text and "共2件" in text
    assert rows[0] == ["序号", "编号", "被反映人及职务", "反映问题摘要", "涉及纪律", "移交理由"]
    assert rows[1][:3] == ["1", a.reference, "赵某（副院长）"]
    assert rows[1][3] == GIFT and "廉洁纪律" in rows[1][4] and rows[1][5] == "涉嫌违反廉洁纪律"
    assert rows[2][:3] == ["2", b.reference, "孙某（党委书记）、周某"]
    assert rows[2][3].endswith("……") and len(rows[2][3]) == documents.SUMMARY_CHARS + 2
    assert rows[2][5] == "违反民主集中制" and len(rows) == 3
    assert f"移交人（{seed000.team.name}）：{member}" in text
    assert "接收人签收（中国计量大学纪委）：__________    日期：__________" in text
    for secret in IDENTITY:
        assert secret not in text and all(secret not in cell for row in rows for cell in row), secret

    transfer_batch_sign(actor=recipient, batch=batch)
    batch.refresh_from_db()
    paragraphs, _ = docx_text(documents.transfer_list_docx(batch))
    assert f"接收人签收（中国计量大学纪委）：{recipient}    日期：{cn_date(timezone.localdate())}" in "\n".join(paragraphs)


def test_documents_set_an_east_asian_font(register, seed000) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    referral = hand_over(register(CANTEEN), "refer", "中国计量大学党委组织部", "不属于受理范围")
    doc = Document(io.BytesIO(documents.referral_letter_docx(referral)))
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"


def test_discipline_phrase_without_triage_is_a_dash(register) -> None:
    report = register(CANTEEN)
    report.triage.delete()
    report.refresh_from_db()
    assert documents.discipline_phrase(report) == "—"
    assert documents.subjects_phrase(report) == "—"
