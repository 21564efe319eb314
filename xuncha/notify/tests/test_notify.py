"""The notify service's email (through a real SMTP server on a local socket, after the commit, numbers
and links only), the page /notifications/ and the API /api/v1/me/notifications: a user sees and marks
only their own notifications; another user's id is a 404."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.inspections.models import Inspection
from xuncha.notify.models import Notification
from xuncha.notify.services import notify
from xuncha.rectification import services as rect
from xuncha.rectification.tests.test_reminders import SMTPSink, body, smtp, subject  # noqa: F401  (smtp: a fixture)

pytestmark = pytest.mark.django_db

PERSONAS = ["office", "leader", "member", "liaison", "recipient", "auditor", "sysadmin", "other_leader", "other_member",
            "other_liaison", "other_recipient", "norole"]


def user(name: str) -> User:
    return User.objects.get(username=name)


# --- email ------------------------------------------------------------------------------------------------


def test_an_issued_notice_is_emailed_after_the_commit_with_numbers_and_links_only(
        smtp: SMTPSink, seed000: Inspection, register: Any, django_capture_on_commit_callbacks: Any) -> None:  # noqa: F811
    User.objects.filter(username__in=["liaison", "leader", "member"]).update(email="team@example.org")
    User.objects.filter(username="liaison").update(email="liaison@example.org")
    report = register("学院副院长赵某在职称评审期间收受申报教师的购物卡。", [("赵某", "副院长", "leadership")])
    draft = rect.notice_create(actor=user("member"), inspection=seed000, reports=[report], data=rect.NoticeData(
        title="职称评审收受礼金", problem="职称评审中存在收受申报人礼金的问题。", suggestion="立即清退礼金。",
        clear_violation=True, fixable=True))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notice = rect.notice_issue(actor=user("leader"), notice=draft)
    assert not smtp.messages  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert [r for r, _m in smtp.messages] == [["liaison@example.org"]]
    message = smtp.messages[0][1]
    text = body(message)
    assert subject(message) == "【巡察通】立行立改通知"
    assert f"第{notice.number}号" in text and f"http://127.0.0.1:8000/target/notices/{notice.pk}/" in text
    for secret in ("赵某", "副院长", "购物卡", "职称评审", "礼金", seed000.target.name, seed000.team.name, "演示", report.reference):
        assert secret not in text, secret
    # Beyond the fixed wording, only digits, dates and the link: no other words of the case.
    words = re.sub(r"https?://\S+", "", text)
    assert set(re.findall(r"[\u4e00-\u9fff]+", words)) <= {
        "立行立改通知", "第", "号立行立改通知已签发", "整改期限", "请查看并按期答复", "请登录巡察通查看", "本邮件由巡察通自动发送", "请勿回复"}
    assert Notification.objects.get(user__username="liaison").emailed
    for callback in callbacks:  # a second run of the same callback sends nothing twice
        callback()
    assert len(smtp.messages) == 1


def test_without_smtp_nothing_is_emailed(settings: Any, demo: dict, django_capture_on_commit_callbacks: Any) -> None:
    settings.EMAIL_HOST = ""
    User.objects.filter(username="leader").update(email="leader@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user("leader")], key="t:1", text="【测试】第1号", url="/")
    assert not Notification.objects.filter(emailed=True).exists()


# --- the page -------------------------------------------------------------------------------------------


@pytest.fixture
def notes(demo: dict) -> dict[str, Notification]:
    leader, member = user("leader"), user("member")
    notify(users=[leader], key="a", text="【整改提醒】第一条", url="/rectification/overdue/")
    notify(users=[leader], key="b", text="【整改提醒】第二条")
    notify(users=[member], key="a", text="【整改提醒】组员的", url="/rectification/overdue/")
    return {n.key + ":" + n.user.username: n for n in Notification.objects.select_related("user")}


def test_the_page_lists_ones_own_and_the_top_bar_counts_them(clients: dict, notes: dict) -> None:
    page = clients["leader"].get(reverse("notify:index")).content.decode()
    assert page.count('class="notification unread"') == 2 and "组员的" not in page
    assert '<span class="badge" id="unread-count">2</span>' in page and 'aria-label="提醒，2条未读"' in page
    assert '<li aria-current="page">提醒</li>' in page and "未读 2 条" in page
    member = clients["member"].get(reverse("home"), follow=True).content.decode()
    assert '<span class="badge" id="unread-count">1</span>' in member


def test_the_empty_page(clients: dict, demo: dict) -> None:
    page = clients["liaison"].get(reverse("notify:index")).content.decode()
    assert 'id="notifications-empty"' in page and "unread-count" not in page and 'id="read-all"' not in page
    assert clients["norole"].get(reverse("notify:index")).status_code == 200


def test_opening_marks_read_and_goes_to_its_page(clients: dict, notes: dict) -> None:
    first = notes["a:leader"]
    r = clients["leader"].post(reverse("notify:open", args=[first.pk]))
    assert r.status_code == 302 and r["Location"] == "/rectification/overdue/"
    assert Notification.objects.get(pk=first.pk).read_at is not None
    r = clients["leader"].post(reverse("notify:open", args=[notes["b:leader"].pk]))
    assert r["Location"] == reverse("notify:index")  # no page of its own: back to the list
    assert AuditEvent.objects.filter(action="notification.read", actor_name="leader").count() == 2


def test_mark_one_and_all_read(clients: dict, notes: dict) -> None:
    assert clients["leader"].post(reverse("notify:read", args=[notes["a:leader"].pk])).status_code == 302
    assert Notification.objects.filter(user__username="leader", read_at__isnull=True).count() == 1
    assert clients["leader"].post(reverse("notify:index")).status_code == 302
    assert not Notification.objects.filter(user__username="leader", read_at__isnull=True).exists()
    assert Notification.objects.get(key="a", user__username="member").read_at is None
    assert clients["leader"].get(reverse("notify:read", args=[notes["a:leader"].pk])).status_code == 405


def test_anothers_notification_is_a_404(clients: dict, notes: dict) -> None:
    theirs = notes["a:member"]
    for name in PERSONAS:
        if name == "member":
            continue
        for url in (reverse("notify:open", args=[theirs.pk]), reverse("notify:read", args=[theirs.pk])):
            assert clients[name].post(url).status_code == 404, (name, url)
        assert clients[name].post("/api/v1/me/notifications/read", {"ids": [theirs.pk]},
                                  content_type="application/json").status_code == 404, name
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert clients["member"].post(reverse("notify:read", args=[theirs.pk])).status_code == 302


def test_anonymous_goes_to_login(clients: dict, notes: dict) -> None:
    for url in (reverse("notify:index"), reverse("rectification:notifications")):
        r = clients["anonymous"].get(url, follow=True)
        assert r.redirect_chain[-1][0].startswith(reverse("accounts:login")), url
    r = clients["anonymous"].post(reverse("notify:open", args=[notes["a:leader"].pk]))
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))
    assert clients["anonymous"].get("/api/v1/me/notifications").status_code == 401


def test_a_stored_url_off_the_site_is_not_followed(clients: dict, demo: dict) -> None:
    notify(users=[user("leader")], key="x", text="【测试】第1号", url="https://elsewhere.example/")
    pk = Notification.objects.get(key="x").pk
    assert clients["leader"].post(reverse("notify:open", args=[pk]))["Location"] == reverse("notify:index")


# --- the API --------------------------------------------------------------------------------------------


def test_the_api_lists_and_marks_ones_own(clients: dict, notes: dict) -> None:
    got = clients["leader"].get("/api/v1/me/notifications").json()
    assert got["unread"] == 2 and [n["text"] for n in got["items"]] == ["【整改提醒】第二条", "【整改提醒】第一条"]
    assert not got["has_next"] and all(not n["read"] for n in got["items"])
    assert clients["member"].get("/api/v1/me/notifications").json()["unread"] == 1
    assert clients["norole"].get("/api/v1/me/notifications").json() == {"unread": 0, "page": 1, "has_next": False, "items": []}
    r = clients["leader"].post("/api/v1/me/notifications/read", {"ids": [notes["a:leader"].pk]}, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"marked": 1, "unread": 1}
    assert len(clients["leader"].get("/api/v1/me/notifications?unread_only=true").json()["items"]) == 1
    r = clients["leader"].post("/api/v1/me/notifications/read", {}, content_type="application/json")
    assert r.json() == {"marked": 1, "unread": 0}
    assert clients["member"].get("/api/v1/me/notifications").json()["unread"] == 1  # untouched
    mixed = {"ids": [notes["a:leader"].pk, notes["a:member"].pk]}
    assert clients["leader"].post("/api/v1/me/notifications/read", mixed, content_type="application/json").status_code == 404
    assert clients["leader"].post("/api/v1/me/notifications/read", {"ids": ["x"]}, content_type="application/json").status_code == 400


def test_the_api_pages(clients: dict, demo: dict) -> None:
    for i in range(31):
        notify(users=[user("liaison")], key=f"p{i}", text=f"【测试】第{i}号")
    first = clients["liaison"].get("/api/v1/me/notifications").json()
    assert len(first["items"]) == 30 and first["has_next"] and first["unread"] == 31
    second = clients["liaison"].get("/api/v1/me/notifications?page=2").json()
    assert len(second["items"]) == 1 and not second["has_next"]
    page = clients["liaison"].get(reverse("notify:index")).content.decode()
    assert page.count('class="notification unread"') == 30 and "下一页" in page
    assert clients["liaison"].get(reverse("notify:index") + "?page=2").content.decode().count('class="notification unread"') == 1
