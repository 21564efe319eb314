"""Team pages of findings and immediate rectification: the flows through the test client, who reaches
which page (findings and candidates: the team; notices: the team and the office reading), the candidate
list, the rule-6 conditions for issuing, audited downloads, and query counts of the list pages."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.intake import services as intake
from xuncha.portal.tests.files import pdf_bytes, png_bytes
from xuncha.rectification import services as svc
from xuncha.rectification.models import Finding, ImmediateNotice
from xuncha.triage.models import DuplicateGroup

pytestmark = pytest.mark.django_db

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
GIFT_REWORDED = "学院副院长赵某在职称评审期间收受了申报教师的购物卡和礼金，并且在评审会上为其打招呼，大家很有意见。"
ZHAO = [("赵某", "副院长", "leadership")]
TEAM = ["leader", "member"]
NOT_TEAM = ["office", "liaison", "recipient", "other_recipient", "auditor", "sysadmin", "other_leader", "other_member",
            "other_liaison", "norole"]
NOT_NOTICE_READERS = [p for p in NOT_TEAM if p != "office"]
MATTERS = [
    "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金。",
    "院长钱某违规使用公车接送家属上下班，长期如此。",
    "党委书记孙某在干部选拔中任人唯亲，提拔其亲属担任科长。",
    "副书记李某多次在工作日中午饮酒，下午无法正常工作。",
    "财务处长周某以虚开发票方式套取科研经费用于个人消费。",
    "组织部长吴某收受下属红包，为其调整岗位提供帮助。",
]


def user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def group(register) -> DuplicateGroup:
    a = register(GIFT, ZHAO, kind="email")
    register(GIFT_REWORDED, kind="phone")
    register(GIFT, kind="email")
    return DuplicateGroup.objects.get(key=a.pk)


@pytest.fixture
def finding(seed000, group) -> Finding:
    data = svc.FindingData(title="违规收受礼金", facts="经查属实。", rule_broken="廉洁纪律有关规定", focus="corruption",
                           disciplines=["integrity"], reports=[group.first_report])
    return svc.finding_create(actor=user("member"), inspection=seed000, data=data)


def notice_data(**kw: Any) -> svc.NoticeData:
    values: dict[str, Any] = {"title": "职称评审收受礼金", "problem": "职称评审中存在收受礼金问题。", "suggestion": "立即退还。",
                              "clear_violation": True, "fixable": True}
    values.update(kw)
    return svc.NoticeData(**values)


@pytest.fixture
def notice(seed000, group) -> ImmediateNotice:
    """Issued, answered with one evidence file."""
    n = svc.notice_create(actor=user("member"), inspection=seed000, data=notice_data(), group_key=group.key)
    n = svc.notice_issue(actor=user("leader"), notice=n)
    svc.notice_answer(actor=user("liaison"), notice=n, measures="已退还。", files=[SimpleUploadedFile("报告.pdf", pdf_bytes())])
    n.refresh_from_db()
    return n


def team_urls(seed000: Any, finding: Finding) -> list[str]:
    return [reverse("rectification:findings", args=[seed000.pk]), reverse("rectification:finding_new", args=[seed000.pk]),
            reverse("rectification:finding", args=[finding.pk]), reverse("rectification:finding_edit", args=[finding.pk]),
            reverse("rectification:notice_candidates", args=[seed000.pk]),
            reverse("rectification:notice_new", args=[seed000.pk])]


def notice_urls(seed000: Any, notice: ImmediateNotice) -> list[str]:
    return [reverse("rectification:notices", args=[seed000.pk]), reverse("rectification:notice", args=[notice.pk]),
            reverse("rectification:notice_docx", args=[notice.pk])]


# Who reaches what

@pytest.mark.parametrize("persona", TEAM)
def test_the_team_reaches_every_page(clients, seed000, finding, notice, persona) -> None:
    for url in [*team_urls(seed000, finding), *notice_urls(seed000, notice), reverse("rectification:notice_edit", args=[notice.pk])]:
        assert clients[persona].get(url).status_code == 200, url
    evidence = notice.answers.get().files.get()
    r = clients[persona].get(reverse("rectification:notice_evidence", args=[evidence.pk]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF-") and "attachment;" in r["Content-Disposition"]
    assert AuditEvent.objects.filter(action="notice.evidence_download", actor__username=persona).exists()


@pytest.mark.parametrize("persona", NOT_TEAM)
def test_findings_and_candidates_are_the_teams_only(clients, seed000, finding, notice, persona) -> None:
    urls = [*team_urls(seed000, finding), reverse("rectification:notice_edit", args=[notice.pk])]
    evidence = notice.answers.get().files.get()
    if persona != "liaison":  # the liaison downloads their own evidence on their own pages
        urls.append(reverse("rectification:notice_evidence", args=[evidence.pk]))
    for url in urls:
        assert clients[persona].get(url).status_code == 404, (persona, url)
    for name in ("finding_submit", "finding_decide"):
        assert clients[persona].post(reverse(f"rectification:{name}", args=[finding.pk]), {"decision": "approve"}).status_code == 404
    for name in ("notice_issue", "notice_decide"):
        assert clients[persona].post(reverse(f"rectification:{name}", args=[notice.pk]), {"decision": "accept"}).status_code == 404
    finding.refresh_from_db()
    notice.refresh_from_db()
    assert finding.state == Finding.State.DRAFT and notice.state == ImmediateNotice.State.ANSWERED


def test_the_office_reads_notices_but_not_evidence_nor_reports(clients, seed000, notice) -> None:
    for url in notice_urls(seed000, notice):
        assert clients["office"].get(url).status_code == 200
    page = clients["office"].get(reverse("rectification:notice", args=[notice.pk])).content.decode()
    assert "报告.pdf" in page and "notice-evidence" not in page and 'id="notice-reports"' not in page
    assert "issue-form" not in page and "decide-form" not in page
    assert clients["office"].get(reverse("rectification:notice_evidence", args=[notice.answers.get().files.get().pk])).status_code == 404


@pytest.mark.parametrize("persona", NOT_NOTICE_READERS)
def test_notice_pages_are_404_for_everyone_else(clients, seed000, notice, persona) -> None:
    for url in notice_urls(seed000, notice):
        assert clients[persona].get(url).status_code == 404, (persona, url)


def test_anonymous_is_sent_to_login(clients, seed000, finding, notice) -> None:
    for url in [*team_urls(seed000, finding), *notice_urls(seed000, notice)]:
        r = clients["anonymous"].get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"], url


# Findings

def test_member_writes_a_finding_and_the_leader_returns_then_approves(clients, seed000, group, register) -> None:
    other = register("图书馆空调坏了很久没人修。")
    intake.report_add_information(report=group.first_report, content="", files=[SimpleUploadedFile("证据.png", png_bytes())],
                                  by_reporter=False, actor=user("member"))
    intake.report_add_information(report=other, content="", files=[SimpleUploadedFile("无关.png", png_bytes())],
                                  by_reporter=False, actor=user("member"))
    att, stray = group.first_report.attachments.get(), other.attachments.get()
    form = {"title": "违规收受礼金", "facts": "经查，赵某收受购物卡。", "rule_broken": "廉洁纪律", "focus": "corruption",
            "disciplines": ["integrity", "work"], "reports": f"{group.first_report.reference}", "interview_notes": ""}
    r = clients["member"].post(reverse("rectification:finding_new", args=[seed000.pk]), {**form, "reports": "99999"})
    assert r.status_code == 400 and "未找到本巡察任务的信访件：99999" in r.content.decode()
    r = clients["member"].post(reverse("rectification:finding_new", args=[seed000.pk]), form)
    f = Finding.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("rectification:finding", args=[f.pk])
    assert (f.number, f.disciplines, list(f.reports.all())) == (1, ["integrity", "work"], [group.first_report])
    page = clients["member"].get(reverse("rectification:finding_edit", args=[f.pk])).content.decode()
    assert "证据.png" in page and "无关.png" not in page and group.first_report.reference in page
    r = clients["member"].post(reverse("rectification:finding_edit", args=[f.pk]), {**form, "attachments": [stray.pk]})
    assert r.status_code == 400 and "不属于所关联的信访件" in r.content.decode()
    clients["member"].post(reverse("rectification:finding_edit", args=[f.pk]), {**form, "attachments": [att.pk]})
    assert list(f.attachments.all()) == [att]
    page = clients["member"].get(reverse("rectification:finding", args=[f.pk])).content.decode()
    assert "证据.png" in page and "廉洁纪律、工作纪律" in page and "群众身边不正之风和腐败问题" in page
    assert AuditEvent.objects.filter(action="finding.view", object_id=str(f.pk)).exists()
    clients["member"].post(reverse("rectification:finding_submit", args=[f.pk]))
    page = clients["member"].post(reverse("rectification:finding_decide", args=[f.pk]), {"decision": "approve"}, follow=True).content.decode()
    assert "只有本巡察组组长" in page
    f.refresh_from_db()
    assert f.state == Finding.State.SUBMITTED
    clients["leader"].post(reverse("rectification:finding_decide", args=[f.pk]), {"decision": "return", "note": "补充证据"})
    f.refresh_from_db()
    assert (f.state, f.return_note) == (Finding.State.RETURNED, "补充证据")
    clients["member"].post(reverse("rectification:finding_submit", args=[f.pk]))
    clients["leader"].post(reverse("rectification:finding_decide", args=[f.pk]), {"decision": "approve"})
    f.refresh_from_db()
    assert f.state == Finding.State.APPROVED
    r = clients["member"].get(reverse("rectification:finding_edit", args=[f.pk]))
    assert r.status_code == 302
    listing = clients["leader"].get(reverse("rectification:findings", args=[seed000.pk])).content.decode()
    assert "违规收受礼金" in listing and "已审定" in listing and "1 件" in listing


# Immediate rectification

def test_candidates_show_a_group_of_three_reporters_over_two_channels(clients, seed000, group) -> None:
    page = clients["member"].get(reverse("rectification:notice_candidates", args=[seed000.pk])).content.decode()
    assert page.count('class="candidate-row"') == 1
    assert '<td class="reporters">3</td><td class="channels">2</td>' in page
    assert group.first_report.reference in page and "属于受理范围" in page
    assert f"?group={group.key}" in page
    assert AuditEvent.objects.filter(action="notice.candidates").exists()


def test_a_notice_from_a_candidate_is_issued_only_with_both_marks(clients, seed000, group) -> None:
    url = reverse("rectification:notice_new", args=[seed000.pk])
    page = clients["member"].get(url, {"group": group.key}).content.decode()
    assert "3 位反映人、2 个渠道" in page and 'value="10"' in page
    # The problem text goes to the target: it starts neutral, never with a report's own words.
    assert "巡察期间，多名干部群众（3人，2个渠道）反映：" in page and "职称评审期间收受申报教师" not in page
    form = {"group": group.key, "title": "职称评审收受礼金", "problem": "职称评审中收受礼金。", "suggestion": "立即退还。",
            "deadline_days": 5, "clear_violation": "on"}
    r = clients["member"].post(url, form)
    n = ImmediateNotice.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("rectification:notice", args=[n.pk])
    assert (n.group_key, n.reports.count(), n.clear_violation, n.fixable) == (group.key, 3, True, False)
    candidates = clients["member"].get(reverse("rectification:notice_candidates", args=[seed000.pk])).content.decode()
    assert 'class="candidate-row"' not in candidates
    page = clients["leader"].get(reverse("rectification:notice", args=[n.pk])).content.decode()
    assert 'id="flags-missing"' in page and group.first_report.reference in page
    page = clients["leader"].post(reverse("rectification:notice_issue", args=[n.pk]), follow=True).content.decode()
    assert "明显违反规定、能够立即整改" in page
    n.refresh_from_db()
    assert n.state == ImmediateNotice.State.DRAFT
    clients["member"].post(reverse("rectification:notice_edit", args=[n.pk]), {**form, "fixable": "on"})
    page = clients["member"].post(reverse("rectification:notice_issue", args=[n.pk]), follow=True).content.decode()
    assert "只有本巡察组组长" in page
    clients["leader"].post(reverse("rectification:notice_issue", args=[n.pk]))
    n.refresh_from_db()
    assert n.state == ImmediateNotice.State.ISSUED and n.due_on is not None
    r = clients["member"].get(reverse("rectification:notice_docx", args=[n.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    from docx import Document

    assert any("立行立改通知书" in p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert AuditEvent.objects.filter(action="notice.export", object_id=str(n.pk)).exists()


def test_a_notice_from_chosen_reports(clients, seed000, register) -> None:
    a = register("图书馆空调坏了很久没人修。")
    url = reverse("rectification:notice_new", args=[seed000.pk])
    form = {"title": "空调", "problem": "空调损坏。", "suggestion": "尽快维修。", "deadline_days": 3, "reports": a.reference}
    assert clients["member"].post(url, {**form, "reports": ""}).status_code == 400
    clients["member"].post(url, form)
    assert list(ImmediateNotice.objects.get().reports.all()) == [a]
    assert clients["member"].get(url, {"group": 999999}).status_code == 404


def test_the_leader_accepts_or_returns_an_answer(clients, notice) -> None:
    url = reverse("rectification:notice_decide", args=[notice.pk])
    page = clients["leader"].get(reverse("rectification:notice", args=[notice.pk])).content.decode()
    assert 'id="decide-form"' in page and "已退还。" in page and "报告.pdf" in page
    page = clients["leader"].post(url, {"decision": "return"}, follow=True).content.decode()
    assert "请写明原因" in page
    clients["leader"].post(url, {"decision": "return", "note": "材料不足"})
    notice.refresh_from_db()
    assert notice.state == ImmediateNotice.State.RETURNED
    svc.notice_answer(actor=user("liaison"), notice=notice, measures="补充材料。")
    clients["leader"].post(url, {"decision": "accept"})
    notice.refresh_from_db()
    assert notice.state == ImmediateNotice.State.ACCEPTED


# Query counts

def test_list_pages_do_not_grow_with_rows(clients, seed000, register, django_assert_max_num_queries, settings) -> None:
    def add(i: int) -> None:
        text = MATTERS[i - 1]
        r = register(text, ZHAO)
        register(text + "希望巡察组关注。", kind="phone")  # a group of two reporters: a candidate
        data = svc.FindingData(title=f"问题{i}", facts="事实", rule_broken="规定", focus="corruption", reports=[r])
        svc.finding_create(actor=user("member"), inspection=seed000, data=data)
        svc.notice_create(actor=user("member"), inspection=seed000, data=notice_data(title=f"事项{i}"), reports=[r])

    pages = [reverse("rectification:findings", args=[seed000.pk]), reverse("rectification:notices", args=[seed000.pk]),
             reverse("rectification:notice_candidates", args=[seed000.pk])]
    add(1)
    settings.AUDIT_SEALING = "thread"  # the deployment's: audit events are sealed after the request (not run here)
    counts = []
    for url in pages:
        with django_assert_max_num_queries(25) as ctx:
            assert clients["member"].get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    for i in range(2, 7):
        add(i)
    for url, before in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(before):
            page = clients["member"].get(url).content.decode()
        assert page.count('-row"') >= (4 if "candidates" in url else 6), url  # 6 matters; one may fall out of scope
