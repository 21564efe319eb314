"""Passwords: change one's own (page and API), the sysadmin's reset, must-change at the next login,
and the profile page (/accounts/profile/)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PERSONAS
from tests.formdata import post_form
from xuncha.accounts import passwords
from xuncha.accounts.models import ApiToken, User, UserSession
from xuncha.accounts.services import api_token_create, user_create
from xuncha.audit.models import AuditEvent
from xuncha.demo.loader import DEMO_PASSWORD
from xuncha.errors import Invalid, NotAllowed

pytestmark = pytest.mark.django_db
NEW = "Xuncha#Changed2026!"
PROFILE = "/accounts/profile/"
CHANGE = "/accounts/password/"
API = "/api/v1/auth/password"


def _reset_url(user: User) -> str:
    return reverse("accounts:user_password_reset", args=[user.pk])


def _login(username: str, password: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()
    return client


def _change(client: Client, old: str, new: str, again: str | None = None) -> Any:
    data = post_form(client.get(CHANGE)).data({"old_password": old, "new_password": new, "new_password2": again or new})
    return client.post(CHANGE, data, follow=True)


# --- services ---------------------------------------------------------------------------------------

def test_password_change_service(demo: dict[str, Any]) -> None:
    member = demo["users"]["member"]
    passwords.password_change(actor=member, old_password=DEMO_PASSWORD, new_password=NEW)
    member.refresh_from_db()
    assert member.check_password(NEW) and not member.must_change_password
    event = AuditEvent.objects.get(action="accounts.password_change")
    assert (event.actor_name, event.object_id) == ("member", str(member.pk))
    assert NEW not in json.dumps(event.data, ensure_ascii=False) + event.summary


@pytest.mark.parametrize(("new", "message"), [
    ("Ab1!xY", "密码长度太短，至少需要 12 个字符。"),
    ("abcdefghijkl", "密码须至少包含小写字母、大写字母、数字、符号中的三类。"),
    ("password1234", "这个密码太常见了。"),
    (DEMO_PASSWORD, "新密码不能与原密码相同。"),
])
def test_a_weak_or_unchanged_password_is_refused_in_chinese(demo: dict[str, Any], new: str, message: str) -> None:
    member = demo["users"]["member"]
    with pytest.raises(Invalid) as exc:
        passwords.password_change(actor=member, old_password=DEMO_PASSWORD, new_password=new)
    assert message in exc.value.messages
    assert User.objects.get(pk=member.pk).check_password(DEMO_PASSWORD)
    assert not AuditEvent.objects.filter(action="accounts.password_change").exists()


def test_a_wrong_old_password_counts_toward_the_login_throttle(demo: dict[str, Any], settings: Any) -> None:
    settings.LOGIN_DELAY_SECONDS = 60  # no wait runs out during the test
    settings.LOGIN_MAX_FAILURES = 3
    member = demo["users"]["member"]
    for _ in range(3):
        with pytest.raises(Invalid, match="原密码不正确。"):
            passwords.password_change(actor=member, old_password="wrong", new_password=NEW)
    assert AuditEvent.objects.filter(action="accounts.password_change_failed", object_id=str(member.pk)).count() == 3
    # This client now waits: even the right old password is not checked.
    with pytest.raises(Invalid, match="登录尝试过于频繁"):
        passwords.password_change(actor=member, old_password=DEMO_PASSWORD, new_password=NEW)
    assert User.objects.get(pk=member.pk).check_password(DEMO_PASSWORD)


def test_password_reset_service(demo: dict[str, Any]) -> None:
    sysadmin, leader = demo["users"]["sysadmin"], demo["users"]["leader"]
    api_token_create(user=leader)
    User.objects.filter(pk=leader.pk).update(failed_logins=3)
    one_time = passwords.password_reset(actor=sysadmin, user=leader)
    leader.refresh_from_db()
    assert leader.check_password(one_time) and not leader.check_password(DEMO_PASSWORD)
    assert leader.must_change_password and leader.failed_logins == 0
    assert not ApiToken.objects.filter(user=leader).exists()
    event = AuditEvent.objects.get(action="accounts.password_reset")
    assert (event.actor_name, event.object_id) == ("sysadmin", str(leader.pk))
    assert one_time not in json.dumps(event.data, ensure_ascii=False) + event.summary
    # Each reset draws a new password.
    assert passwords.password_reset(actor=sysadmin, user=leader) != one_time


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "sysadmin"])
def test_only_the_sysadmin_resets(demo: dict[str, Any], persona: str) -> None:
    with pytest.raises(NotAllowed):
        passwords.password_reset(actor=demo["users"][persona], user=demo["users"]["member"])


def test_the_sysadmin_does_not_reset_their_own(demo: dict[str, Any]) -> None:
    sysadmin = demo["users"]["sysadmin"]
    with pytest.raises(Invalid, match="个人设置"):
        passwords.password_reset(actor=sysadmin, user=sysadmin)


def test_a_new_account_must_change_its_password_but_demo_accounts_need_not(demo: dict[str, Any]) -> None:
    user = user_create(actor=demo["users"]["sysadmin"], username="wangwu", display_name="王五", password=NEW)
    assert user.must_change_password
    assert not User.objects.filter(must_change_password=True).exclude(pk=user.pk).exists()


# --- pages ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_changes_their_own_password_and_stays_signed_in(clients: Any, demo: dict[str, Any], persona: str) -> None:
    client = clients[persona]
    other = Client()
    other.force_login(demo["users"][persona])
    html = client.get(PROFILE).content.decode()
    assert "个人设置" in html and CHANGE in html

    response = _change(client, DEMO_PASSWORD, NEW)

    assert response.redirect_chain == [(PROFILE, 302)]
    assert "密码已修改。" in response.content.decode()
    assert User.objects.get(username=persona).check_password(NEW)
    assert client.get(PROFILE).status_code == 200  # this session stays
    assert other.get(PROFILE).status_code == 302  # another session of the account ends
    assert AuditEvent.objects.filter(action="accounts.password_change", actor_name=persona).count() == 1


def test_anonymous_is_sent_to_login(clients: Any) -> None:
    for url in (PROFILE, CHANGE):
        response = clients["anonymous"].get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_change_form_reports_problems_in_chinese(clients: Any) -> None:
    client = clients["leader"]
    html = _change(client, DEMO_PASSWORD, NEW, again=NEW + "x").content.decode()
    assert "两次输入的新密码不一致。" in html
    html = _change(client, "wrong", NEW).content.decode()
    assert "原密码不正确。" in html
    html = _change(client, DEMO_PASSWORD, "abcdefghijkl").content.decode()
    assert "密码须至少包含小写字母、大写字母、数字、符号中的三类。" in html
    assert User.objects.get(username="leader").check_password(DEMO_PASSWORD)


def test_the_profile_shows_name_roles_scopes_totp_and_session(demo: dict[str, Any]) -> None:
    client = _login("leader", DEMO_PASSWORD)
    client.get("/inspections/")
    html = client.get(PROFILE).content.decode()
    for text in ("演示组长", "leader", "巡察组组长/副组长", "巡察组：", "未启用", reverse("accounts:totp_setup"),
                 "本次会话", "127.0.0.1"):
        assert text in html, text
    card = html.split('class="card current">')[1].split("</dl>")[0]
    assert "—" not in card  # login time, last activity, address
    assert "退出其他会话" not in html
    liaison = Client()
    liaison.force_login(demo["users"]["liaison"])
    assert "被巡察党组织：" in liaison.get(PROFILE).content.decode()
    office = Client()
    office.force_login(demo["users"]["office"])
    assert "全局" in office.get(PROFILE).content.decode()


def test_other_sessions_are_listed_and_can_be_ended(demo: dict[str, Any]) -> None:
    here, phone, laptop = (_login("leader", DEMO_PASSWORD) for _ in range(3))
    elsewhere = _login("member", DEMO_PASSWORD)
    html = here.get(PROFILE).content.decode()
    assert html.count('<span class="badge">其他会话</span>') == 2 and "退出其他会话（2 个）" in html

    response = here.post(reverse("accounts:end_other_sessions"), follow=True)

    assert "已退出其他 2 个会话。" in response.content.decode()
    assert phone.get(PROFILE).status_code == 302 and laptop.get(PROFILE).status_code == 302
    assert here.get(PROFILE).status_code == 200 and elsewhere.get(PROFILE).status_code == 200
    assert "退出其他会话" not in here.get(PROFILE).content.decode()
    event = AuditEvent.objects.get(action="auth.sessions_end_others")
    assert (event.actor_name, event.data["count"]) == ("leader", 2)


def test_ending_other_sessions_is_post_only_and_signed_in(clients: Any) -> None:
    url = reverse("accounts:end_other_sessions")
    assert clients["member"].get(url).status_code == 405
    response = clients["anonymous"].post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_logout_or_a_reset_ends_the_recorded_sessions(demo: dict[str, Any]) -> None:
    first, second = _login("member", DEMO_PASSWORD), _login("member", DEMO_PASSWORD)
    member = demo["users"]["member"]
    assert UserSession.objects.filter(user=member).count() == 2
    first.post("/accounts/logout/")
    assert UserSession.objects.filter(user=member).count() == 1
    passwords.password_reset(actor=demo["users"]["sysadmin"], user=member)
    assert not UserSession.objects.filter(user=member).exists()
    assert second.get(PROFILE).status_code == 302


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(demo: dict[str, Any]) -> None:
    here, there = _login("office", DEMO_PASSWORD), _login("office", DEMO_PASSWORD)
    _change(here, DEMO_PASSWORD, NEW)
    assert there.get(PROFILE).status_code == 302
    rows = UserSession.objects.filter(user=demo["users"]["office"])
    assert [r.session_key for r in rows] == [here.session.session_key]  # followed the new key
    assert "本次会话" in here.get(PROFILE).content.decode()


def test_the_top_bar_name_links_to_the_profile(clients: Any) -> None:
    html = clients["member"].get("/inspections/").content.decode()
    assert f'<a href="{PROFILE}" title="个人设置" id="profile-link">' in html


# --- the sysadmin's reset and must-change ------------------------------------------------------------

@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_only_the_sysadmin_reaches_the_reset_pages(clients: Any, demo: dict[str, Any], persona: str) -> None:
    target = demo["users"]["member"]
    responses = [clients[persona].get(_reset_url(target)), clients[persona].post(_reset_url(target))]
    if persona == "sysadmin":
        assert [r.status_code for r in responses] == [200, 200]
        assert User.objects.get(pk=target.pk).must_change_password
        return
    expected = 302 if persona == "anonymous" else 404
    assert [r.status_code for r in responses] == [expected, expected]
    member = User.objects.get(pk=target.pk)
    assert member.check_password(DEMO_PASSWORD) and not member.must_change_password


def _one_time(html: str) -> str:
    return html.split('id="one-time-password">')[1].split("<")[0]


def test_reset_confirm_then_one_time_password_then_forced_change(clients: Any, demo: dict[str, Any]) -> None:
    sysadmin = clients["sysadmin"]
    leader = demo["users"]["leader"]
    assert "重置密码" in sysadmin.get(reverse("accounts:user", args=[leader.pk])).content.decode()
    confirm = sysadmin.get(_reset_url(leader))
    assert "确认重置密码" in confirm.content.decode() and "只在下一页显示一次" in confirm.content.decode()
    assert User.objects.get(pk=leader.pk).check_password(DEMO_PASSWORD)  # a GET changes nothing

    done = sysadmin.post(_reset_url(leader))
    one_time = _one_time(done.content.decode())
    assert done["Cache-Control"] == "no-store"
    assert "此密码只显示这一次" in done.content.decode()
    assert one_time not in sysadmin.get(_reset_url(leader)).content.decode()
    assert clients["leader"].get("/inspections/").status_code == 302  # the open session ended

    client = _login("leader", one_time)
    for url in ("/", "/inspections/", PROFILE, "/accounts/totp/", reverse("dashboard:index")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == CHANGE, url
    assert "请先修改密码再继续使用" in client.get(CHANGE).content.decode()
    response = _change(client, one_time, NEW)
    assert response.redirect_chain[0] == ("/", 302)
    assert client.get("/inspections/").status_code == 200
    assert not User.objects.get(pk=leader.pk).must_change_password


def test_a_forced_user_can_still_log_out(demo: dict[str, Any]) -> None:
    User.objects.filter(username="member").update(must_change_password=True)
    client = _login("member", DEMO_PASSWORD)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get(CHANGE).status_code == 302


def test_the_sysadmin_page_has_no_reset_for_themself(clients: Any, demo: dict[str, Any]) -> None:
    sysadmin = demo["users"]["sysadmin"]
    assert 'id="password-reset-link"' not in clients["sysadmin"].get(reverse("accounts:user", args=[sysadmin.pk])).content.decode()
    html = clients["sysadmin"].post(_reset_url(sysadmin)).content.decode()
    assert "不能重置自己的密码" in html
    assert User.objects.get(pk=sysadmin.pk).check_password(DEMO_PASSWORD)


def test_a_new_account_changes_its_password_at_first_login(clients: Any) -> None:
    sysadmin = clients["sysadmin"]
    data = post_form(sysadmin.get("/accounts/users/")).data({"username": "zhaoliu", "display_name": "赵六", "password": NEW})
    sysadmin.post("/accounts/users/", data)
    client = _login("zhaoliu", NEW)
    assert client.get("/")["Location"] == CHANGE
    _change(client, NEW, "Another#Secret2026")
    assert client.get(PROFILE).status_code == 200


# --- API --------------------------------------------------------------------------------------------

def _api(client: Client, old: str, new: str, **extra: Any) -> Any:
    return client.post(API, json.dumps({"old_password": old, "new_password": new}), content_type="application/json", **extra)


def test_api_change_with_a_session(clients: Any) -> None:
    client = clients["liaison"]
    response = _api(client, DEMO_PASSWORD, NEW)
    assert response.status_code == 204
    assert User.objects.get(username="liaison").check_password(NEW)
    assert client.get(PROFILE).status_code == 200  # the session stays signed in


def test_api_change_with_a_token(demo: dict[str, Any]) -> None:
    token = api_token_create(user=demo["users"]["recipient"])
    response = _api(Client(), DEMO_PASSWORD, NEW, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 204
    assert User.objects.get(username="recipient").check_password(NEW)
    assert AuditEvent.objects.filter(action="accounts.password_change", actor_name="recipient").exists()


def test_api_refuses_a_weak_or_wrong_password_in_chinese(clients: Any) -> None:
    client = clients["member"]
    response = _api(client, DEMO_PASSWORD, "abcdefghijkl")
    assert response.status_code == 400
    assert "密码须至少包含小写字母、大写字母、数字、符号中的三类。" in response.json()["errors"]
    response = _api(client, "wrong", NEW)
    assert response.status_code == 400 and response.json()["detail"] == "原密码不正确。"
    member = User.objects.get(username="member")
    assert member.check_password(DEMO_PASSWORD)


def test_api_anonymous_is_401(clients: Any) -> None:
    assert _api(clients["anonymous"], DEMO_PASSWORD, NEW).status_code == 401


def test_no_api_token_until_the_password_is_changed(demo: dict[str, Any]) -> None:
    User.objects.filter(username="auditor").update(must_change_password=True)
    response = Client().post("/api/v1/auth/token", {"username": "auditor", "password": DEMO_PASSWORD}, content_type="application/json")
    assert response.status_code == 401 and "修改密码" in response.json()["detail"]
    assert not ApiToken.objects.exists()

