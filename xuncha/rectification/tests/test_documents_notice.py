"""The 立行立改通知书 .docx: reopened with python-docx, it carries the matter, the suggestion, the
deadline and the team, and nothing of who reported or which report."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.documents import cn_date
from xuncha.intake import services as intake
from xuncha.rectification import services as svc
from xuncha.rectification.documents_notice import immediate_notice_docx
from xuncha.rectification.models import ImmediateNotice

pytestmark = pytest.mark.django_db

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
GIFT_REWORDED = "学院副院长赵某在职称评审期间收受了申报教师的购物卡和礼金，并且在评审会上为其打招呼，大家很有意见。"


def text_of(content: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(content))
    return "\n".join(p.text for p in doc.paragraphs)


def fonts_of(content: bytes) -> tuple[str | None, Any]:
    from docx import Document
    from docx.oxml.ns import qn

    style = Document(io.BytesIO(content)).styles["Normal"]
    return style.font.name, style.element.rPr.rFonts.get(qn("w:eastAsia"))  # type: ignore[union-attr]


@pytest.fixture
def reports(register) -> list[Any]:
    return [
        register(GIFT, [("赵某", "副院长", "leadership")], kind="email",
                 reporter=intake.ReporterData(name="李明", phone="13912345678")),
        register(GIFT_REWORDED, kind="phone"),
    ]


def make(seed000: Any, reports: list[Any], **kw: Any) -> ImmediateNotice:
    data = svc.NoticeData(title="职称评审中收受礼金", problem="个别领导干部在职称评审期间收受申报人购物卡、礼金。",
                          suggestion="立即清退所收财物，对职称评审工作开展专项检查。", clear_violation=True, fixable=True,
                          deadline_days=5)
    member = User.objects.get(username="member")
    return svc.notice_create(actor=member, inspection=seed000, data=data, group_key=reports[0].triage.group_key, **kw)


def test_an_issued_notice(seed000, reports) -> None:
    notice = svc.notice_issue(actor=User.objects.get(username="leader"), notice=make(seed000, reports))
    content = immediate_notice_docx(notice)
    text = text_of(content)
    assert notice.due_on is not None and notice.issued_at is not None
    year = timezone.localtime(notice.issued_at).year
    assert text.startswith("立行立改通知书\n") and f"〔{year}〕第1号" in text and "待签发" not in text
    assert f"{seed000.target.name}：" in text
    assert f"{seed000.team.name}在巡察{seed000.target.name}期间，多名师生反映职称评审中收受礼金的问题" in text
    assert "一、反映的问题：个别领导干部在职称评审期间收受申报人购物卡、礼金。" in text
    assert "二、处理建议：立即清退所收财物，对职称评审工作开展专项检查。" in text
    assert f"三、整改期限：请于{cn_date(notice.due_on)}前（5个工作日内）完成整改" in text
    assert text.rstrip().endswith(f"{seed000.team.name}\n{cn_date(timezone.localtime(notice.issued_at).date())}")
    assert fonts_of(content) == ("仿宋", "仿宋")


def test_no_reporter_and_no_report_reference(seed000, reports) -> None:
    text = text_of(immediate_notice_docx(make(seed000, reports)))
    for secret in ("李明", "13912345678", "139", *(r.reference for r in reports), "信访件", "编号"):
        assert secret not in text
    assert "匿名" not in text and "实名" not in text


def test_a_draft_is_marked_and_counts_from_issue(seed000, reports) -> None:
    text = text_of(immediate_notice_docx(make(seed000, reports)))
    assert "（待签发）" in text and "请自本通知签发之日起5个工作日内完成整改" in text


def test_one_reporter_and_a_target_outside_schools(register, demo) -> None:
    other = demo["other"]
    report = register(GIFT, [("赵某", "副院长", "leadership")], inspection=other,
                      received_at=timezone.make_aware(timezone.datetime(2026, 9, 2, 10)))
    data = svc.NoticeData(title="收受礼金", problem="问题", suggestion="建议", clear_violation=True, fixable=True)
    notice = svc.notice_create(actor=User.objects.get(username="other_member"), inspection=other, data=data, reports=[report])
    text = text_of(immediate_notice_docx(notice))
    assert "期间，有师生反映收受礼金的问题" in text  # 测试学院党委 is a school
    notice.inspection.target.name = "测试局党组"
    assert "有干部群众反映收受礼金的问题" in text_of(immediate_notice_docx(notice))


def test_a_title_ending_in_wenti_is_not_doubled() -> None:
    from xuncha.rectification.documents_notice import matter_phrase

    assert matter_phrase("食堂饭菜价格偏高") == "食堂饭菜价格偏高的问题"
    assert matter_phrase("食堂饭菜价格偏高问题") == "食堂饭菜价格偏高问题"
    assert matter_phrase("食堂饭菜价格偏高的问题。") == "食堂饭菜价格偏高的问题"
