"""Browser, the whole path of docs/architecture.md §5 rules 6–7 as users take it: a public report, triage, a finding, an
immediate notice answered by the liaison, feedback, a ledger item signed off, and the reply read through the
receipt code; the exported .xlsx reopened and checked."""

from __future__ import annotations

import datetime as dt
import io
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from xuncha.accounts.models import User
from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.intake import services
from xuncha.intake.models import Report, ReportStatus
from xuncha.rectification.models import Finding, ImmediateNotice, ItemStatus, RectificationItem
from xuncha.triage.models import DuplicateGroup, Triage

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LOCAL = ("http://localhost", "http://127.0.0.1", "data:", "blob:")
LOGOUT = "form[action='/accounts/logout/'] button"

# One matter, three reporters, three channels: the texts differ a little (3-character-shingle Jaccard >= 0.76).
BY_EMAIL = "食堂饭菜价格上涨，质量却明显下降，后勤处长钱某对师生的意见置之不理，还与承包商关系密切，涉嫌收受好处！"
BY_LETTERBOX = "学校食堂饭菜价格上涨，质量却明显下降，后勤处长钱某对师生意见置之不理，与承包商关系密切，涉嫌收受好处。"
ONLINE = "食堂饭菜价格上涨，质量却明显下降，后勤处长钱某对师生意见置之不理，还与承包商关系密切，涉嫌收受好处。"
EMAIL_REPORTER = ("韩立新", "13977005678")
NOTICE_TITLE = "食堂饭菜价格上涨、质量下降"
SUGGESTION = "立即核查食堂承包合同执行情况和饭菜定价，恢复合理价格，建立师生评议机制。"
MEASURES = "已约谈承包商，饭菜价格恢复到学期初标准，成立师生膳食委员会每月评议。"
ITEM_MEASURES = "修订食堂承包合同，引入价格听证和第三方质量抽检。"
PROGRESS = "合同已修订并经校长办公会通过，第三方抽检已开展两次。"
REPLY = "经核查，您反映的食堂饭菜价格问题属实，已责成学校整改，价格已恢复，相关责任人已作处理。"


@pytest.fixture
def public(browser: Any) -> Iterator[Any]:
    """A phone-sized page for the reporter; any request that leaves the test server fails the test."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai")
    outside: list[str] = []
    context.on("request", lambda r: None if r.url.startswith(LOCAL) else outside.append(r.url))
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()
    assert not outside, f"third-party requests: {outside}"


def _png(path: Path) -> Path:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 40)).save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    return path


def _pdf(path: Path) -> Path:
    """A small, well-formed one-page PDF."""
    stream = zlib.compress(b"BT /F1 12 Tf 20 50 Td (rectification evidence) Tj ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 240 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _submit(page: Any, selector: str) -> None:
    """Click a submit button and wait until the page it leads to (after any redirect) has loaded."""
    with page.expect_navigation():
        page.click(selector)


def _login(page: Any, live_server: Any, username: str) -> None:
    login(page, live_server, username, DEMO_PASSWORD)
    page.wait_for_selector(LOGOUT)


def _logout(page: Any, live_server: Any) -> None:
    _submit(page, LOGOUT)
    page.wait_for_url(f"{live_server.url}/accounts/login/")


def _message(page: Any, text: str) -> None:
    page.wait_for_selector(f".messages >> text={text}")


def _docx_text(download: Any) -> str:
    with open(download.path(), "rb") as f:
        doc = Document(io.BytesIO(f.read()))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells])


def _register_by_staff(practice: Any, content: str, kind: str, at: dt.datetime, reporter: tuple[str, str] | None) -> Report:
    data = services.ReporterData(name=reporter[0], phone=reporter[1]) if reporter else None
    return services.report_register(actor=User.objects.get(username="member"), data=services.ReportInput(
        inspection=practice, content=content, kind=kind, channel=practice.channels.get(kind=kind), received_at=at,
        reporter=data, subjects=[services.SubjectData(name="钱某", post="后勤处长")])).report


def test_public_report_to_signed_off_ledger_item_and_reply(page: Any, public: Any, live_server: Any, demo: dict,
                                                            settings: Any, tmp_path: Path) -> None:
    settings.PORTAL_FORM_MIN_SECONDS = 0  # the live server reads settings per request: no minimum-time wait
    practice = demo["practice"]
    base = live_server.url
    today = timezone.localdate()

    # Setup: the same matter registered by the team from a real-name email and an anonymous letterbox letter
    # (triaged on commit: the two form a duplicate group).
    now = timezone.now()
    first = _register_by_staff(practice, BY_EMAIL, "email", now - dt.timedelta(hours=3), EMAIL_REPORTER)
    second = _register_by_staff(practice, BY_LETTERBOX, "letterbox", now - dt.timedelta(hours=2), None)
    key = Triage.objects.get(pk=first.pk).group_key
    assert key is not None and Triage.objects.get(pk=second.pk).group_key == key

    # 1. Public: an anonymous report on the portal, on a phone; the receipt code is shown once.
    public.goto(f"{base}/p/{practice.public_id}/")
    public.check("#id_mode_1")
    public.fill("#id_subjects-0-name", "钱某")
    public.fill("#id_subjects-0-post", "后勤处长")
    public.select_option("#id_subjects-0-category", "unsure")
    public.fill("#id_content", ONLINE)
    _submit(public, "#submit-report")
    public.wait_for_url(f"{base}/p/receipt/new/#receipt")
    shown = public.inner_text("#receipt-code").strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", shown), shown
    report = Report.objects.get(inspection=practice, channel_kind="online")
    assert report.anonymous and report.status == ReportStatus.REGISTERED
    assert Triage.objects.get(pk=report.pk).group_key == key  # the public report joined the group
    group = DuplicateGroup.objects.get(key=key)
    assert (group.size, group.reporters, group.channels) == (3, 3, 3)

    # 2. The leader triages it: subject category, labels, disposition 受理 approved at once.
    _login(page, live_server, "leader")
    page.goto(f"{base}/inspections/{practice.pk}/")
    page.click("#triage-link")
    page.wait_for_url(f"{base}/triage/inspections/{practice.pk}/")
    assert page.locator("#queue .report-row").count() == 3
    page.click(f"#queue >> text={report.reference}")
    page.wait_for_url(f"{base}/triage/reports/{report.pk}/")
    assert "3 位反映人、3 个渠道" in page.inner_text("#duplicates")
    assert page.input_value("input[name=subjects-0-name]") == "钱某"
    page.select_option("select[name=subjects-0-category]", "key_post")
    _submit(page, "#subjects-form button[type=submit]")
    _message(page, "被反映人信息已保存")
    page.check("#labels-form input[name=disciplines][value=integrity]")
    page.check("#labels-form input[name=disciplines][value=mass]")
    _submit(page, "#labels-form button[type=submit]")
    page.wait_for_selector("#labels-form .badge.ok")
    assert page.inner_text("#scope-proposal .badge >> nth=0") == "属于受理范围"
    page.check("#disposition-form input[name=kind][value=accept]")
    page.fill("#disposition-form textarea[name=reason]", "被反映人为重要岗位领导干部，反映问题涉及廉洁纪律、群众纪律，予以受理。")
    page.check("#disposition-form input[name=approve]")
    _submit(page, "#disposition-form button[type=submit]")
    _message(page, "处置意见（受理）已批准")
    assert Report.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED

    # 3. The leader writes a finding on the report (by reference), submits it and approves it.
    page.goto(f"{base}/inspections/{practice.pk}/")
    page.click("#findings-link")
    page.wait_for_url(f"{base}/rectification/inspections/{practice.pk}/findings/")
    page.click("#finding-new")
    page.wait_for_selector("#finding-form")
    page.fill("#id_title", "食堂饭菜价格上涨、质量下降，后勤处监管缺位")
    page.fill("#id_facts", "多名师生反映食堂饭菜价格上涨、质量下降；后勤处长钱某对意见不予处理，与承包商往来密切。")
    page.fill("#id_rule_broken", "违反学校食堂管理规定和廉洁从业有关规定。")
    page.select_option("#id_focus", "corruption")
    page.check("#finding-form input[name=disciplines][value=integrity]")
    page.fill("#id_reports", report.reference)
    _submit(page, "#finding-form button[type=submit]")
    finding = Finding.objects.get(inspection=practice)
    page.wait_for_url(f"{base}/rectification/findings/{finding.pk}/")
    assert report.reference in page.inner_text("#evidence-reports")
    _submit(page, "#submit-form button")
    assert page.inner_text("#finding-state") == "待组长审定"
    _submit(page, "#decide-form button[value=approve]")
    _message(page, "问题底稿已审定")
    assert page.inner_text("#finding-state") == "已审定"

    # 4. The candidates list shows the group; an immediate notice with both marks, issued; its .docx checked.
    page.click("text=← 问题底稿")
    page.wait_for_url(f"{base}/rectification/inspections/{practice.pk}/findings/")
    page.click("#notice-summary a")
    page.wait_for_url(f"{base}/rectification/inspections/{practice.pk}/notice-candidates/")
    assert page.locator("#candidates .candidate-row").count() == 1
    row = page.locator("#candidates .candidate-row")
    assert row.locator(".reporters").inner_text() == "3" and row.locator(".channels").inner_text() == "3"
    row.locator("text=起草立行立改通知").click()
    page.wait_for_selector("#notice-form")
    assert "3 位反映人" in page.inner_text("#group-info")
    page.fill("#id_title", NOTICE_TITLE)
    # The problem starts as a neutral opening (never the reports' own words); the team completes it.
    assert page.input_value("#id_problem").startswith("巡察期间，多名干部群众（3人，3个渠道）反映：")
    page.fill("#id_problem", "多名师生反映食堂饭菜价格上涨、质量下降，后勤处长钱某与承包商关系密切。")
    page.select_option("#id_finding", str(Finding.objects.get(inspection=practice).pk))
    page.fill("#id_suggestion", SUGGESTION)
    page.check("#id_clear_violation")
    page.check("#id_fixable")
    _submit(page, "#notice-form button[type=submit]")
    notice = ImmediateNotice.objects.get(inspection=practice)
    assert notice.finding == Finding.objects.get(inspection=practice)
    page.wait_for_url(f"{base}/rectification/notices/{notice.pk}/")
    assert page.inner_text("#notice-state") == "待组长签发"
    assert page.inner_text("#flag-violation") == "是" and page.inner_text("#flag-fixable") == "是"
    assert "3 件、3 位反映人、3 个渠道" in page.inner_text("#group")
    _submit(page, "#issue-form button")
    _message(page, f"已签发立行立改通知第{notice.number}号")
    assert page.inner_text("#notice-state") == "已下发，待答复"
    notice.refresh_from_db()
    assert notice.due_on is not None and f"{notice.due_on:%Y-%m-%d}" in page.inner_text("#due")
    with page.expect_download() as info:
        page.click("#notice-docx")
    assert info.value.suggested_filename.endswith(".docx")
    text = _docx_text(info.value)
    assert "立行立改通知书" in text and "示范职业技术学院党委" in text
    assert f"多名师生反映{NOTICE_TITLE}的问题" in text and SUGGESTION in text and "钱某" in text
    assert "（待签发）" not in text
    for secret in (*EMAIL_REPORTER, first.reference, second.reference, report.reference):
        assert secret not in text
    _logout(page, live_server)

    # 5. The liaison answers the notice with measures and an evidence file.
    _login(page, live_server, "liaison")
    page.goto(f"{base}/target/notices/")
    assert page.locator("#notices .notice-row").count() == 1
    page.click(f"#notices >> text={NOTICE_TITLE}")
    page.wait_for_url(f"{base}/target/notices/{notice.pk}/")
    assert "钱某" in page.inner_text("#problem")
    for secret in (*EMAIL_REPORTER, report.reference):
        assert secret not in page.inner_text("main")
    page.fill("#id_measures", MEASURES)
    page.set_input_files("#id_evidence", str(_pdf(tmp_path / "整改情况说明.pdf")))
    _submit(page, "#answer-form button[type=submit]")
    _message(page, "整改情况已报送")
    assert page.inner_text("#notice-state") == "已答复，待核查"
    assert "整改情况说明.pdf" in page.inner_text(".answer .evidence")
    _logout(page, live_server)

    # 6. The leader checks the evidence and accepts the answer.
    _login(page, live_server, "leader")
    page.goto(f"{base}/rectification/inspections/{practice.pk}/notices/")
    page.click(f"#notices >> text={NOTICE_TITLE}")
    page.wait_for_url(f"{base}/rectification/notices/{notice.pk}/")
    assert page.inner_text("#notice-state") == "已答复，待核查" and MEASURES in page.inner_text(".answer")
    with page.expect_download() as info:
        page.click(".answer .evidence a")
    assert info.value.suggested_filename == "整改情况说明.pdf"
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF-")
    page.fill("#decide-form #id_note", "整改到位。")
    _submit(page, "#decide-form button[value=accept]")
    _message(page, "整改答复已通过")
    assert page.inner_text("#notice-state") == "已通过"

    # 7. The leader records the feedback and adds a ledger item for the finding.
    page.goto(f"{base}/inspections/{practice.pk}/")
    page.click("#feedback-link")
    page.wait_for_url(f"{base}/rectification/inspections/{practice.pk}/feedback/")
    assert page.locator("#no-feedback").is_visible()
    page.fill("#id_feedback_on", today.isoformat())
    _submit(page, "#feedback-form button[type=submit]")
    _message(page, "已登记反馈")
    assert today.isoformat() in page.inner_text("#feedback-facts")
    page.click("nav.subnav >> text=整改台账")
    page.wait_for_url(f"{base}/rectification/inspections/{practice.pk}/ledger/")
    deadline = today + dt.timedelta(days=30)
    page.select_option("#item-form select[name=finding]", str(finding.pk))
    page.fill("#item-form textarea[name=measures]", ITEM_MEASURES)
    page.fill("#item-form input[name=responsible_leader]", "孙某")
    page.fill("#item-form input[name=responsible_dept]", "后勤管理处")
    page.fill("#item-form input[name=deadline]", deadline.isoformat())
    _submit(page, "#item-form button[type=submit]")
    _message(page, "已新增整改事项第1项")
    item = RectificationItem.objects.get(inspection=practice)
    assert item.finding_id == finding.pk and item.status == ItemStatus.NOT_STARTED
    assert "未启动" in page.inner_text(f"#item-{item.pk}")
    _logout(page, live_server)

    # 8. The liaison reports the item done with evidence; the office signs it off (销号).
    _login(page, live_server, "liaison")
    page.goto(f"{base}/target/items/")
    page.click(f"#item-{item.pk} >> text={item.number}")
    page.wait_for_url(f"{base}/target/items/{item.pk}/")
    page.check("#progress-form input[name=status][value=done]")
    page.fill("#progress-form textarea[name=text]", PROGRESS)
    page.set_input_files("#progress-form input[name=evidence]", str(_png(tmp_path / "抽检报告.png")))
    _submit(page, "#progress-form button[type=submit]")
    _message(page, f"已报送整改事项第{item.number}项的进展")
    assert "已完成" in page.inner_text(".progress-report") and "抽检报告.png" in page.inner_text(".progress-report")
    _logout(page, live_server)

    _login(page, live_server, "office")
    page.goto(f"{base}/inspections/{practice.pk}/")
    page.click("#ledger-link")
    page.wait_for_url(f"{base}/rectification/inspections/{practice.pk}/ledger/")
    assert "已完成" in page.inner_text(f"#item-{item.pk}")
    _submit(page, f"#item-{item.pk} button:has-text('销号')")
    _message(page, f"整改事项第{item.number}项已销号")
    assert "已销号" in page.inner_text(f"#item-{item.pk}")
    assert RectificationItem.objects.get(pk=item.pk).status == ItemStatus.SIGNED_OFF

    # 9. The ledger .xlsx: generated as a background export, downloaded from 我的导出, reopened.
    _submit(page, "#ledger-xlsx")
    page.wait_for_url(f"{base}/exports/")
    with page.expect_download() as info:
        page.click("#exports a.download")
    assert info.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()), read_only=True).worksheets[0]
    rows = [r for r in sheet.iter_rows(values_only=True) if any(v not in (None, "") for v in r)]
    header = next(i for i, r in enumerate(rows) if r[0] == "序号")
    assert list(rows[header][:8]) == ["序号", "问题", "整改措施", "责任领导", "责任部门", "完成时限", "进展情况", "状态"]
    items = rows[header + 1:]
    assert len(items) == 1
    number, problem, measures, leader, dept, due, progress, status = items[0][:8]
    assert int(number) == 1 and problem == f"问题{finding.number}：{finding.title}"
    assert (measures, leader, dept, progress, status) == (ITEM_MEASURES, "孙某", "后勤管理处", PROGRESS, "已销号")
    assert (due.date() if isinstance(due, dt.datetime) else due) == deadline
    _logout(page, live_server)

    # 10. The leader writes the result reply; the reporter reads it through the receipt code.
    _login(page, live_server, "leader")
    page.goto(f"{base}/triage/reports/{report.pk}/")
    page.click("text=登记信息、附件与答复")
    page.wait_for_url(f"{base}/reports/{report.pk}/")
    page.select_option("#reply-kind", "result")
    page.fill("#reply-content", REPLY)
    _submit(page, f"form[action='/reports/{report.pk}/reply/'] button[type=submit]")
    _message(page, "答复已保存")
    assert REPLY in page.inner_text("main")
    _logout(page, live_server)

    public.goto(f"{base}/p/receipt/")
    public.fill("#id_code", shown)
    _submit(public, "#lookup-submit")
    public.wait_for_selector("#replies")
    assert public.inner_text("#status-label") == "已受理"
    replies = public.inner_text("#replies")
    assert "办理结果" in replies and REPLY in replies
    assert shown.replace(" ", "") not in public.url
