"""The liaison's pages of immediate-rectification notices: the notices issued to their organisation,
the .docx, the answer with evidence files, the team's decision; and what the liaison never reaches
(drafts, other organisations' notices, findings, reports)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.intake import services as intake
from xuncha.portal.tests.files import exe_bytes, pdf_bytes, png_bytes
from xuncha.rectification import services as svc
from xuncha.rectification.models import Evidence, Finding, ImmediateNotice, NoticeAnswer

pytestmark = pytest.mark.django_db

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
GIFT_REWORDED = "学院副院长赵某在职称评审期间收受了申报教师的购物卡和礼金，并且在评审会上为其打招呼，大家很有意见。"
ZHAO = [("赵某", "副院长", "leadership")]
NOT_LIAISON = ["office", "leader", "member", "recipient", "other_recipient", "auditor", "sysadmin", "other_leader",
               "other_member", "norole"]


def user(name: str) -> User:
    return User.objects.get(username=name)


def data(**kw: Any) -> svc.NoticeData:
    values: dict[str, Any] = {"title": "职称评审收受礼金", "problem": "职称评审中存在收受申报人礼金的问题。",
                              "suggestion": "立即清退礼金，开展专项检查。", "clear_violation": True, "fixable": True}
    values.update(kw)
    return svc.NoticeData(**values)


@pytest.fixture
def reports(register) -> list[Any]:
    return [register(GIFT, ZHAO, kind="email", reporter=intake.ReporterData(name="李明", phone="13912345678")),
            register(GIFT_REWORDED, kind="phone"), register(GIFT, kind="email")]


@pytest.fixture
def finding(seed000, reports) -> Finding:
    return svc.finding_create(actor=user("member"), inspection=seed000, data=svc.FindingData(
        title="底稿标题保密", facts="事实", rule_broken="规定", focus="corruption", reports=reports[:1]))


@pytest.fixture
def notice(seed000, reports, finding) -> ImmediateNotice:
    n = svc.notice_create(actor=user("member"), inspection=seed000, data=data(), group_key=reports[0].pk, finding=finding)
    return svc.notice_issue(actor=user("leader"), notice=n)


@pytest.fixture
def draft(seed000, register) -> ImmediateNotice:
    r = register("图书馆空调坏了很久没人修。")
    return svc.notice_create(actor=user("member"), inspection=seed000, data=data(title="草稿事项"), reports=[r])


def answer(client: Any, notice: ImmediateNotice, measures: str, *files: SimpleUploadedFile) -> Any:
    return client.post(reverse("liaison:notice_answer", args=[notice.pk]), {"measures": measures, "evidence": list(files)})


def test_the_liaison_lists_issued_notices_of_their_organisation(clients, notice, draft) -> None:
    page = clients["liaison"].get(reverse("liaison:notices")).content.decode()
    assert page.count('class="notice-row"') == 1 and "职称评审收受礼金" in page and "草稿事项" not in page
    assert "已下发，待答复" in page and f"{notice.due_on:%Y-%m-%d}" in page
    other = clients["other_liaison"].get(reverse("liaison:notices")).content.decode()
    assert 'class="notice-row"' not in other and "暂无立行立改通知" in other


def test_the_notice_page_shows_the_matter_only(clients, notice, reports, finding) -> None:
    page = clients["liaison"].get(reverse("liaison:notice", args=[notice.pk])).content.decode()
    assert "职称评审中存在收受申报人礼金的问题。" in page and "立即清退礼金，开展专项检查。" in page
    assert f"{notice.due_on:%Y-%m-%d}（10个工作日）" in page and 'id="answer-form"' in page
    for secret in ("李明", "139", "底稿标题保密", "赵某在职称评审", *(r.reference for r in reports), "/triage/", "/findings/"):
        assert secret not in page
    assert AuditEvent.objects.filter(action="notice.view", object_id=str(notice.pk), actor__username="liaison").exists()
    r = clients["liaison"].get(reverse("liaison:notice_docx", args=[notice.pk]))
    assert r.status_code == 200 and r.content.startswith(b"PK")
    assert AuditEvent.objects.filter(action="notice.export", object_id=str(notice.pk), actor__username="liaison").exists()


def test_the_liaison_answers_the_team_returns_the_liaison_answers_again(clients, notice) -> None:
    liaison = clients["liaison"]
    r = answer(liaison, notice, "已清退礼金。", SimpleUploadedFile("清退凭证.pdf", pdf_bytes()), SimpleUploadedFile("现场.png", png_bytes()))
    assert r.status_code == 302 and r["Location"] == reverse("liaison:notice", args=[notice.pk])
    notice.refresh_from_db()
    assert notice.state == ImmediateNotice.State.ANSWERED
    page = liaison.get(r["Location"]).content.decode()
    assert "整改情况已报送" in page and "清退凭证.pdf" in page and 'id="answer-form"' not in page and "待巡察组核查" in page
    evidence = Evidence.objects.get(original_name="清退凭证.pdf")
    r = liaison.get(reverse("liaison:notice_evidence", args=[evidence.pk]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="notice.evidence_download", actor__username="liaison").exists()
    for outsider in ("other_liaison", "member", "office", "norole"):
        assert clients[outsider].get(reverse("liaison:notice_evidence", args=[evidence.pk])).status_code == 404

    svc.notice_decide(actor=user("leader"), notice=notice, accept=False, note="请补充制度文件")
    page = liaison.get(reverse("liaison:notice", args=[notice.pk])).content.decode()
    assert "已退回，重新整改" in page and "巡察组核查：退回" in page and "请补充制度文件" in page and "重新报送整改情况" in page
    answer(liaison, notice, "已制定礼金管理制度。", SimpleUploadedFile("制度.pdf", pdf_bytes()))
    svc.notice_decide(actor=user("leader"), notice=notice, accept=True)
    page = liaison.get(reverse("liaison:notice", args=[notice.pk])).content.decode()
    assert "巡察组已核查通过" in page and "巡察组核查：通过" in page and 'id="answer-form"' not in page
    assert NoticeAnswer.objects.filter(notice=notice).count() == 2
    r = answer(liaison, notice, "再报一次")
    assert r.status_code == 400 and "不能答复" in r.content.decode()


def test_an_answer_needs_measures_and_acceptable_files(clients, notice) -> None:
    r = answer(clients["liaison"], notice, "已整改", SimpleUploadedFile("工具.exe", exe_bytes()))
    assert r.status_code == 400 and "不是可接受的文件类型" in r.content.decode()
    assert answer(clients["liaison"], notice, "").status_code == 400
    notice.refresh_from_db()
    assert notice.state == ImmediateNotice.State.ISSUED and not Evidence.objects.exists()


def test_other_liaison_gets_404_on_seed000s_notices(clients, notice) -> None:
    c = clients["other_liaison"]
    for url in (reverse("liaison:notice", args=[notice.pk]), reverse("liaison:notice_docx", args=[notice.pk])):
        assert c.get(url).status_code == 404
    assert answer(c, notice, "冒充答复").status_code == 404
    assert not NoticeAnswer.objects.exists()


def test_a_draft_is_404_for_the_liaison(clients, draft) -> None:
    for url in (reverse("liaison:notice", args=[draft.pk]), reverse("liaison:notice_docx", args=[draft.pk])):
        assert clients["liaison"].get(url).status_code == 404
    assert answer(clients["liaison"], draft, "已整改").status_code == 404


@pytest.mark.parametrize("persona", NOT_LIAISON)
def test_the_liaison_pages_are_404_for_everyone_else(clients, notice, persona) -> None:
    for url in (reverse("liaison:notices"), reverse("liaison:notice", args=[notice.pk]),
                reverse("liaison:notice_docx", args=[notice.pk])):
        assert clients[persona].get(url).status_code == 404, (persona, url)
    assert answer(clients[persona], notice, "已整改").status_code == 404


def test_anonymous_is_sent_to_login(clients, notice) -> None:
    for url in (reverse("liaison:notices"), reverse("liaison:notice", args=[notice.pk]), reverse("liaison:notice_docx", args=[notice.pk])):
        r = clients["anonymous"].get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_the_liaison_never_reaches_a_finding_or_a_report(clients, seed000, reports, finding, notice) -> None:
    r, group = reports[0], reports[0].pk
    gets = [
        reverse("rectification:findings", args=[seed000.pk]), reverse("rectification:finding_new", args=[seed000.pk]),
        reverse("rectification:finding", args=[finding.pk]), reverse("rectification:finding_edit", args=[finding.pk]),
        reverse("rectification:notice_candidates", args=[seed000.pk]), reverse("rectification:notice_new", args=[seed000.pk]),
        reverse("rectification:notices", args=[seed000.pk]), reverse("rectification:notice", args=[notice.pk]),
        reverse("rectification:notice_docx", args=[notice.pk]),
        reverse("intake:reports", args=[seed000.pk]), reverse("intake:register", args=[seed000.pk, "email"]),
        reverse("intake:report", args=[r.pk]),
        reverse("triage:queue", args=[seed000.pk]), reverse("triage:approvals", args=[seed000.pk]),
        reverse("triage:groups", args=[seed000.pk]), reverse("triage:group", args=[group]), reverse("triage:report", args=[r.pk]),
        reverse("triage:handovers", args=[seed000.pk]), reverse("triage:stats", args=[seed000.pk]),
    ]
    for url in gets:
        assert clients["liaison"].get(url).status_code == 404, url
    posts = [reverse("intake:reveal", args=[r.pk]), reverse("replies:reply", args=[r.pk]), reverse("triage:scope", args=[r.pk]),
             reverse("triage:disposition", args=[r.pk]), reverse("rectification:finding_submit", args=[finding.pk]),
             reverse("rectification:notice_decide", args=[notice.pk])]
    for url in posts:
        assert clients["liaison"].post(url, {"reason": "x", "decision": "accept"}).status_code == 404, url


def test_the_list_does_not_grow_with_notices(clients, seed000, seed001, register, django_assert_max_num_queries) -> None:
    def add(i: int) -> None:
        r = register(f"图书馆第{i}层空调坏了很久没人修。")
        n = svc.notice_create(actor=user("member"), inspection=seed000, data=data(title=f"事项{i}"), reports=[r])
        svc.notice_issue(actor=user("leader"), notice=n)

    add(1)
    with django_assert_max_num_queries(15) as ctx:
        assert clients["liaison"].get(reverse("liaison:notices")).status_code == 200
    for i in range(2, 7):
        add(i)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        page = clients["liaison"].get(reverse("liaison:notices")).content.decode()
    assert page.count('class="notice-row"') == 6
