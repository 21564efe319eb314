"""Staff intake pages: registration by channel, the report page with its masked reporter, the
leader's reasoned reveal, replies; and who reaches them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from xuncha.audit.models import AuditEvent
from xuncha.intake import services
from xuncha.intake.models import IdentityReveal, Report

pytestmark = pytest.mark.django_db

NOBODY = ["office", "liaison", "recipient", "auditor", "sysadmin", "other_leader", "other_member", "other_liaison", "norole"]


@pytest.fixture
def real_name_report(demo: dict) -> Report:
    from xuncha.accounts.models import User

    seed = demo["seed000"]
    data = services.ReportInput(
        inspection=seed, content="反映学院某领导违规收受礼金", kind="phone", channel=seed.channels.get(kind="phone"),
        received_at=dt.datetime(2024, 9, 26, 9, 30, tzinfo=dt.UTC),
        reporter=services.ReporterData(name="李明华", phone="13912345678", unit="机电工程学院", role="teacher"),
        subjects=[services.SubjectData(name="赵某", post="副院长", category="leadership")])
    return services.report_register(actor=User.objects.get(username="member"), data=data).report


def urls(report: Report) -> list[str]:
    return [reverse("intake:reports", args=[report.inspection_id]),
            reverse("intake:register", args=[report.inspection_id, "phone"]),
            reverse("intake:report", args=[report.pk])]


@pytest.mark.parametrize("persona", ["leader", "member"])
def test_the_team_reaches_intake(clients: dict, real_name_report: Report, persona: str) -> None:
    for url in urls(real_name_report):
        assert clients[persona].get(url).status_code == 200, url


@pytest.mark.parametrize("persona", NOBODY)
def test_everyone_else_gets_404(clients: dict, real_name_report: Report, persona: str) -> None:
    for url in urls(real_name_report):
        assert clients[persona].get(url).status_code == 404, url
    pk = real_name_report.pk
    assert clients[persona].post(reverse("intake:reveal", args=[pk]), {"reason": "核实情况需要联系"}).status_code == 404
    assert clients[persona].post(reverse("replies:reply", args=[pk]), {"kind": "other", "content": "x"}).status_code == 404
    assert not IdentityReveal.objects.exists()


def test_anonymous_user_is_sent_to_login(clients: dict, real_name_report: Report) -> None:
    for url in urls(real_name_report):
        r = clients["anonymous"].get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_member_sees_a_masked_reporter_and_cannot_reveal(clients: dict, real_name_report: Report) -> None:
    page = clients["member"].get(reverse("intake:report", args=[real_name_report.pk])).content.decode()
    assert "李**" in page and "139****5678" in page
    assert "李明华" not in page and "13912345678" not in page
    assert "查看反映人身份" not in page
    r = clients["member"].post(reverse("intake:reveal", args=[real_name_report.pk]), {"reason": "核实情况需要联系"})
    assert r.status_code == 404
    assert AuditEvent.objects.filter(action="report.view", object_id=str(real_name_report.pk)).exists()


def test_leader_reveals_with_a_reason_and_it_is_audited(clients: dict, real_name_report: Report) -> None:
    url = reverse("intake:reveal", args=[real_name_report.pk])
    r = clients["leader"].post(url, {"reason": "短"})
    assert "至少5个字" in r.content.decode()
    assert not IdentityReveal.objects.exists()
    r = clients["leader"].post(url, {"reason": "需联系反映人补充证据材料"})
    page = r.content.decode()
    assert "李明华" in page and "13912345678" in page and "机电工程学院" in page
    assert r["Cache-Control"].startswith("max-age=0") or "no-cache" in r["Cache-Control"]
    reveal = IdentityReveal.objects.get()
    assert reveal.reason == "需联系反映人补充证据材料"
    event = AuditEvent.objects.get(action="report.identity_reveal")
    assert "需联系反映人补充证据材料" in event.summary
    assert "李明华" not in event.summary


def test_identity_is_sealed_in_the_database(real_name_report: Report) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT * FROM intake_report WHERE id = %s", [real_name_report.pk])
        row = " ".join(str(v) for v in cur.fetchone())
    assert "李明华" not in row and "13912345678" not in row
    assert "sm4gcm:" in row


def register_post(client: Any, inspection: Any, kind: str, follow: bool = True, **data: Any) -> Any:
    from tests.formdata import post_form

    url = reverse("intake:register", args=[inspection.pk, kind])
    form = post_form(client.get(url), having="content")
    return client.post(url, form.data(data), follow=follow)


def test_register_a_phone_call_outside_hours(clients: dict, seed000: Any) -> None:
    r = register_post(clients["member"], seed000, "phone", received_at="2024-10-01T10:00", content="电话反映食堂采购问题",
                      caller_number="0571-12345678)")
    page = r.content.decode()
    assert r.status_code == 200 and 'id="receipt-code"' in page
    report = Report.objects.get()
    assert report.within_hours is False and report.channel_kind == "phone"
    assert "0571" not in str(report.source)
    assert report.source["caller_number_sealed"].startswith("sm4gcm:")


def test_register_a_visit_with_receiver_and_room(clients: dict, demo: dict) -> None:
    practice = demo["practice"]
    r = register_post(clients["leader"], practice, "visit", received_at="2026-11-20T10:00", content="来访反映职称评审问题",
                      received_by="周演练", room="行政楼305室", **{"subjects-0-name": "钱某", "subjects-0-category": "key_post"})
    assert r.status_code == 200
    report = Report.objects.get()
    assert report.source == {"received_by": "周演练", "room": "行政楼305室"}
    assert [s.name for s in report.subjects.all()] == ["钱某"]


def test_register_with_a_bad_attachment_keeps_the_text(clients: dict, seed000: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.formdata import post_form

    url = reverse("intake:register", args=[seed000.pk, "letterbox"])
    form = post_form(clients["member"].get(url), having="content")
    box = seed000.channels.filter(kind="letterbox").first()
    data = form.data({"received_at": "2024-09-27T16:00", "content": "信箱来信：反映实验室设备采购", "channel": str(box.pk)})
    data["attachments"] = SimpleUploadedFile("扫描件.pdf", b"MZ\x90\x00 not a pdf")
    r = clients["member"].post(url, data)
    page = r.content.decode()
    assert "不是可接受的文件类型" in page
    assert "信箱来信：反映实验室设备采购" in page
    assert not Report.objects.exists()


def test_real_name_needs_a_name(clients: dict, seed000: Any) -> None:
    r = register_post(clients["member"], seed000, "phone", received_at="2024-09-26T09:00", content="x", real_name="on")
    assert "实名反映请填写姓名" in r.content.decode()
    assert not Report.objects.exists()


def test_register_for_a_kind_the_inspection_lacks_is_404(clients: dict, seed001: Any) -> None:
    assert clients["member"].get(reverse("intake:register", args=[seed001.pk, "email"])).status_code == 404


def test_reply_is_saved_and_audited(clients: dict, real_name_report: Report) -> None:
    r = clients["member"].post(reverse("replies:reply", args=[real_name_report.pk]), {"kind": "receipt", "content": "您反映的问题已受理。"})
    assert r.status_code == 302
    assert real_name_report.replies.get().content == "您反映的问题已受理。"
    assert AuditEvent.objects.filter(action="report.reply").exists()


def test_list_filters_and_constant_query_count(clients: dict, seed000: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xuncha.accounts.models import User

    member = User.objects.get(username="member")
    url = reverse("intake:reports", args=[seed000.pk])

    def add(i: int) -> None:
        services.report_register(actor=member, data=services.ReportInput(
            inspection=seed000, content=f"第{i}件", kind="phone", channel=seed000.channels.get(kind="phone"),
            received_at=dt.datetime(2024, 9, 26 if i % 2 else 30, 9, tzinfo=dt.UTC),
            subjects=[services.SubjectData(name=f"某{i}")]))

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert clients["member"].get(url).status_code == 200
        return len(ctx.captured_queries)

    add(0)
    one = queries()
    for i in range(1, 12):
        add(i)
    assert queries() == one  # no query per row
    page = clients["member"].get(url).content.decode()
    assert page.count('class="report-row"') == 12
    assert clients["member"].get(url + "?window=out").content.decode().count('class="report-row"') == 0
    assert clients["member"].get(url + "?kind=post").content.decode().count('class="report-row"') == 0


def test_the_result_page_is_a_redirect_and_reloading_it_registers_nothing(clients: dict, seed000: Any) -> None:
    member = clients["member"]
    r = register_post(member, seed000, "phone", follow=False, received_at="2024-09-26T10:00", content="电话反映食堂采购问题")
    assert r.status_code == 302
    report = Report.objects.get()
    assert r["Location"] == reverse("intake:registered", args=[report.pk])
    first = member.get(r["Location"]).content.decode()
    assert 'id="receipt-code"' in first
    again = member.get(r["Location"]).content.decode()  # a reload: the code is not shown twice, nothing is registered
    assert 'id="receipt-code"' not in again and "已在登记时显示过一次" in again
    assert Report.objects.count() == 1
    assert clients["other_member"].get(r["Location"]).status_code == 404
    assert clients["liaison"].get(r["Location"]).status_code == 404


def test_the_same_form_sent_twice_registers_once(clients: dict, seed000: Any) -> None:
    from tests.formdata import post_form

    member = clients["member"]
    url = reverse("intake:register", args=[seed000.pk, "phone"])
    data = post_form(member.get(url), having="content").data({"received_at": "2024-09-26T10:00", "content": "电话反映食堂采购问题"})
    assert data["submission"]
    first = member.post(url, data)
    second = member.post(url, data, follow=True)  # the back button and resend, or a double click
    assert Report.objects.count() == 1
    report = Report.objects.get()
    assert first["Location"] == reverse("intake:registered", args=[report.pk])
    assert f"该来件已于刚才登记为信访件 {report.reference}，没有重复登记。" in second.content.decode()
    # A new rendering of the form is a new registration.
    data2 = post_form(member.get(url), having="content").data({"received_at": "2024-09-26T11:00", "content": "另一件来电"})
    member.post(url, data2)
    assert Report.objects.count() == 2


def test_the_service_recognises_a_repeat_submission(demo: dict, seed000: Any) -> None:
    from xuncha.accounts.models import User
    from xuncha.intake import services

    member = User.objects.get(username="member")
    data = services.ReportInput(inspection=seed000, content="来信反映问题", kind="post", submission_key="k" * 32)
    first = services.report_register(actor=member, data=data)
    again = services.report_register(actor=member, data=data)
    assert not first.repeat and first.receipt_code
    assert again.repeat and again.report.pk == first.report.pk and again.receipt_code == ""
    assert Report.objects.count() == 1
