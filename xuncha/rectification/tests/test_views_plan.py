"""Pages of the plan and the reports: every persona reaches exactly its pages (404 otherwise); the liaison drafts
and submits through the forms (bad input kept, Chinese messages); the office returns and approves; the to-do lines
count exactly the rows of the pages they open; the reminders tell the liaison of what is due."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import PERSONAS
from xuncha.notify.models import Notification
from xuncha.rectification.models import PlanState, RectificationItem, RectificationPlan, ReportState
from xuncha.rectification.services import plan_decide, reminders_send

from .plan_helpers import fed_back, submitted_plan, user

pytestmark = pytest.mark.django_db

STAFF = {"office", "leader", "member"}


def _task_post(finding: Any, **over: Any) -> dict[str, Any]:
    data = {"finding": finding.pk, "task": "开展专项检查", "measures": "对近三年招投标项目逐一核查", "responsible_leader": "副校长黎某",
            "responsible_dept": "基建处", "deadline": "2024-12-31"}
    data.update(over)
    return data


def test_every_persona_reaches_exactly_its_pages(clients: dict[str, Client], seed000: Any) -> None:
    _fb, findings = fed_back(seed000)
    plan = submitted_plan(seed000, findings)
    task = plan.tasks.first()
    assert task is not None
    pk = seed000.pk
    liaison_pages = [f"/target/inspections/{pk}/plan/", f"/target/inspections/{pk}/plan.docx",
                     f"/target/inspections/{pk}/reports/leadership/", f"/target/plan-tasks/{task.pk}/edit/"]
    staff_pages = [f"/rectification/inspections/{pk}/plan/", f"/rectification/inspections/{pk}/plan.docx",
                   f"/rectification/inspections/{pk}/rectification-reports/"]
    for persona in PERSONAS:
        client = clients[persona]
        # Every liaison has the list of their organisation's inspections: seed000 only on its own liaison's.
        index = client.get("/target/rectification/")
        assert index.status_code == (200 if persona in {"liaison", "other_liaison"} else 404), persona
        if index.status_code == 200:
            assert ([r.inspection.pk for r in index.context["rows"]] == [pk]) == (persona == "liaison")
        for url in liaison_pages:
            assert client.get(url).status_code == (200 if persona == "liaison" else 404), (persona, url)
        for url in staff_pages:
            assert client.get(url).status_code == (200 if persona in STAFF else 404), (persona, url)
        # Writes: the liaison's to the liaison, the decision to the office (404 for the rest, before any change).
        if persona not in {"liaison", "office"}:
            assert client.post(f"/target/inspections/{pk}/plan/submit/").status_code == 404
            assert client.post(f"/rectification/inspections/{pk}/plan/decide/", {"decision": "approve"}).status_code == 404
    assert clients["anonymous"].get(liaison_pages[1]).status_code == 302
    assert RectificationPlan.objects.get(pk=plan.pk).state == PlanState.SUBMITTED
    assert clients["liaison"].get(f"/target/inspections/{pk}/reports/other/").status_code == 404


def test_the_liaison_drafts_and_submits_and_the_office_decides(clients: dict[str, Client], seed000: Any) -> None:
    _fb, findings = fed_back(seed000)
    liaison, office = clients["liaison"], clients["office"]
    url = f"/target/inspections/{seed000.pk}/plan/"
    page = liaison.get(url).content.decode()
    assert "问题1：" in page and "尚未制定整改任务" in page and "逾期" in page
    # Bad input: the message in Chinese, what was typed kept.
    r = liaison.post(url, _task_post(findings[0], deadline="", responsible_leader=""))
    body = r.content.decode()
    assert r.status_code == 400 and "请填写完成时限，或选择长期坚持。" in body and "对近三年招投标项目逐一核查" in body
    r = liaison.post(url, _task_post(findings[0], deadline="2024-10-01"))
    assert r.status_code == 400 and "不能早于反馈日期" in r.content.decode()
    assert liaison.post(url, _task_post(findings[0])).status_code == 302
    r = liaison.post(f"{url}submit/")
    assert r.status_code == 400 and "问题2" in r.content.decode() and "尚未制定整改任务" in r.content.decode()
    assert liaison.post(url, _task_post(findings[1], deadline="", long_term="on")).status_code == 302
    assert liaison.post(f"{url}summary/", {"summary": "成立整改工作领导小组。"}).status_code == 302
    assert liaison.post(f"{url}submit/").status_code == 302
    assert "待巡察办审核" in liaison.get(url).content.decode()

    staff = f"/rectification/inspections/{seed000.pk}/plan/"
    assert 'id="plan-decide-form"' not in clients["leader"].get(staff).content.decode()
    assert clients["leader"].post(staff + "decide/", {"decision": "approve"}).status_code == 404
    r = office.post(staff + "decide/", {"decision": "return", "opinion": ""})
    assert r.status_code == 400 and "退回时请写明审核意见" in r.content.decode()
    assert office.post(staff + "decide/", {"decision": "return", "opinion": "请细化问题2的措施。"}).status_code == 302
    page = liaison.get(url).content.decode()
    assert "请细化问题2的措施。" in page and "已退回修改" in page
    task = RectificationPlan.objects.get(inspection=seed000).tasks.get(finding=findings[1])
    edit = f"/target/plan-tasks/{task.pk}/edit/"
    assert liaison.post(edit, _task_post(findings[1], measures="修订招标管理办法")).status_code == 302
    assert liaison.post(f"{url}submit/").status_code == 302
    assert office.post(staff + "decide/", {"decision": "approve", "opinion": "同意"}).status_code == 302
    items = RectificationItem.objects.filter(inspection=seed000).order_by("number")
    assert [i.measures for i in items] == ["对近三年招投标项目逐一核查", "修订招标管理办法"]
    assert items[1].deadline == dt.date(2024, 12, 31) and not items[1].long_term  # the edit gave it a deadline
    page = office.get(staff).content.decode()
    assert "已批准" in page and "第1项" in page and "成立整改工作领导小组" in page
    # Approved: the liaison can no longer change it.
    assert liaison.post(edit, _task_post(findings[1])).status_code == 400
    assert liaison.post(f"/target/plan-tasks/{task.pk}/remove/").status_code == 302
    assert RectificationPlan.objects.get(inspection=seed000).tasks.count() == 2


def test_the_reports_pages_and_the_todo_lines(clients: dict[str, Client], seed000: Any) -> None:
    _fb, findings = fed_back(seed000)

    def todo(persona: str) -> dict[str, Any]:
        lines = {x["kind"]: x for x in clients[persona].get("/api/v1/me/todo").json()}
        for line in lines.values():  # each line opens a page listing exactly its count
            r = clients[persona].get(line["url"])
            assert r.status_code == 200 and len(r.context["rows"]) == line["count"], line
        return lines

    line = todo("liaison")["plan_submit"]
    assert line["count"] == 1 and "已逾期" in line["title"]
    submitted_plan(seed000, findings)
    assert "plan_submit" not in todo("liaison") and todo("office")["plan_review"]["count"] == 1
    plan_decide(actor=user("office"), plan=RectificationPlan.objects.get(inspection=seed000), approve=True)
    assert "plan_review" not in todo("office") and todo("liaison")["rectification_report_submit"]["count"] == 1

    liaison, office = clients["liaison"], clients["office"]
    url = f"/target/inspections/{seed000.pk}/reports/leadership/"
    assert "由整改台账生成草稿" in liaison.get(url).content.decode()
    assert liaison.post(url + "generate/").status_code == 302
    page = liaison.get(url)
    body = page.context["form"].initial["body"]
    assert "整改台账共3项" in body
    assert liaison.post(url, {"title": "", "body": body}).status_code == 400
    completed = body.replace("（请补充存在的不足和下一步工作打算。）", "继续推进。")
    assert liaison.post(url, {"title": "关于巡察整改情况的报告", "body": completed}).status_code == 302
    assert liaison.post(url + "submit/").status_code == 302
    assert "待巡察办审核" in liaison.get(url).content.decode()
    assert liaison.get(url + "report.docx").status_code == 200
    line = todo("office")["rectification_report_review"]
    assert line["count"] == 1 and line["url"].endswith("?state=submitted")
    report = seed000.rectification_reports.get()
    assert office.get(f"/rectification/rectification-reports/{report.pk}/report.docx").status_code == 200
    assert clients["member"].post(f"/rectification/rectification-reports/{report.pk}/decide/", {"decision": "approve"}).status_code == 404
    assert office.post(f"/rectification/rectification-reports/{report.pk}/decide/", {"decision": "approve"}).status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and "rectification_report_review" not in todo("office")
    # The principal's report still waits.
    assert todo("liaison")["rectification_report_submit"]["count"] == 1


def test_the_reminders_tell_the_liaison_what_is_due(seed000: Any) -> None:
    fed_back(seed000)
    today = dt.date(2024, 11, 28)  # two working days before the plan is due (2024-11-30, a Saturday)
    reminders_send(today=today)
    note = Notification.objects.get(key=f"plan-reminder:{seed000.pk}:{today.isoformat()}")
    assert note.user.username == "liaison" and "整改方案应于2024-11-30前报送" in note.text and "逾期" not in note.text
    later = dt.date(2024, 12, 3)
    reminders_send(today=later)
    note = Notification.objects.get(key=f"plan-reminder:{seed000.pk}:{later.isoformat()}")
    assert "已逾期2个工作日" in note.text  # Monday 12-02 and Tuesday 12-03
