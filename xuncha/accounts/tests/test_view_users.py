"""The sysadmin's account pages (/accounts/users/, /accounts/users/<pk>/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONAS, client_for
from tests.formdata import post_form
from xuncha.accounts.models import RoleAssignment, User
from xuncha.accounts.roles import Role
from xuncha.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/accounts/users/"
STRONG = "Xuncha#Strong2026!"


def _user_url(user: User) -> str:
    return reverse("accounts:user", args=[user.pk])


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_only_the_sysadmin_reaches_the_account_pages(clients: Any, demo: dict[str, Any], persona: str) -> None:
    client = clients[persona]
    target = demo["users"]["member"]
    users_before = User.objects.count()
    roles_before = RoleAssignment.objects.count()
    responses = [
        client.get(URL),
        client.get(_user_url(target)),
        client.post(URL, {"username": "intruder", "display_name": "x", "password": STRONG}),
        client.post(_user_url(target), {"action": "assign", "role": Role.OFFICE_ADMIN}),
        client.post(_user_url(target), {"action": "deactivate"}),
    ]
    if persona == "sysadmin":
        assert [r.status_code for r in responses] == [200, 200, 302, 302, 302]
        return
    expected = 302 if persona == "anonymous" else 404
    assert [r.status_code for r in responses] == [expected] * 5
    assert User.objects.count() == users_before
    assert RoleAssignment.objects.count() == roles_before
    assert User.objects.get(pk=target.pk).is_active


def test_the_list_shows_accounts_and_roles(clients: Any, demo: dict[str, Any]) -> None:
    html = clients["sysadmin"].get(URL).content.decode()
    for text in ("office", "演示巡察办", "巡察办管理员", "安全审计员", "norole", "未分配", "三员分立"):
        assert text in html


def _create(client: Client, **values: str) -> Any:
    data = post_form(client.get(URL)).data(values)
    return client.post(URL, data, follow=True)


def test_create_a_user(clients: Any, demo: dict[str, Any]) -> None:
    response = _create(clients["sysadmin"], username="zhangsan", display_name="张三", password=STRONG)
    user = User.objects.get(username="zhangsan")
    assert response.redirect_chain == [(_user_url(user), 302)]
    assert "已创建账号 zhangsan，请分配角色。" in response.content.decode()
    assert user.display_name == "张三" and user.check_password(STRONG)
    assert not user.roles.exists()
    event = AuditEvent.objects.get(action="accounts.user_create")
    assert (event.actor_name, event.object_id) == ("sysadmin", str(user.pk))
    # The new account can log in.
    assert Client().post("/accounts/login/", {"username": "zhangsan", "password": STRONG}).status_code == 302


@pytest.mark.parametrize(("password", "message"), [
    ("Ab1!xY", "密码长度太短，至少需要 12 个字符。"),
    ("abcdefghijkl", "密码须至少包含小写字母、大写字母、数字、符号中的三类。"),
    ("384729105638", "密码只包含数字。"),
    ("password1234", "这个密码太常见了。"),
])
def test_a_weak_password_is_refused_in_chinese(clients: Any, demo: dict[str, Any], password: str, message: str) -> None:
    response = _create(clients["sysadmin"], username="lisi", display_name="李四", password=password)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="lisi"' in html
    assert not User.objects.filter(username="lisi").exists()
    assert not AuditEvent.objects.filter(action="accounts.user_create").exists()


def test_a_username_is_unique(clients: Any, demo: dict[str, Any]) -> None:
    response = _create(clients["sysadmin"], username="office", display_name="重名", password=STRONG)
    assert "该用户名已存在。" in response.content.decode()
    assert User.objects.filter(username="office").count() == 1


def _assign(client: Client, user: User, **values: Any) -> Any:
    data = post_form(client.get(_user_url(user)), having="role").data({k: str(v) for k, v in values.items()})
    return client.post(_user_url(user), data, follow=True)


def test_assign_and_revoke_a_scoped_role(clients: Any, demo: dict[str, Any]) -> None:
    sysadmin = clients["sysadmin"]
    norole = demo["users"]["norole"]
    other = demo["other"]

    response = _assign(sysadmin, norole, role=Role.LIAISON, org=other.target_id)

    assert "已分配角色。" in response.content.decode()
    assignment = RoleAssignment.objects.get(user=norole)
    assert (assignment.role, assignment.org_id) == (Role.LIAISON, other.target_id)
    assert AuditEvent.objects.filter(action="accounts.role_assign", object_id=str(norole.pk), actor_name="sysadmin").exists()
    assert client_for(norole).get(reverse("inspections:detail", args=[other.pk])).status_code == 200

    response = sysadmin.post(_user_url(norole), {"action": "revoke", "assignment": assignment.pk}, follow=True)

    assert "已撤销角色。" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=norole).exists()
    assert AuditEvent.objects.filter(action="accounts.role_revoke", object_id=str(norole.pk)).exists()
    assert client_for(norole).get(reverse("inspections:detail", args=[other.pk])).status_code == 404


def test_a_scoped_role_needs_its_scope(clients: Any, demo: dict[str, Any]) -> None:
    norole = demo["users"]["norole"]
    response = _assign(clients["sysadmin"], norole, role=Role.TEAM_MEMBER)
    assert "该角色需要指定适用范围。" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=norole).exists()


def test_a_role_is_not_given_twice(clients: Any, demo: dict[str, Any]) -> None:
    response = _assign(clients["sysadmin"], demo["users"]["office"], role=Role.OFFICE_ADMIN)
    assert "该账号已有此角色。" in response.content.decode()
    assert RoleAssignment.objects.filter(user=demo["users"]["office"]).count() == 1


@pytest.mark.parametrize(("username", "role", "scope"), [
    ("leader", Role.AUDITOR, None),           # auditor on top of another role
    ("office", Role.SYSADMIN, None),          # sysadmin on top of another role
    ("auditor", Role.OFFICE_ADMIN, None),     # another role on top of auditor
    ("sysadmin", Role.TEAM_MEMBER, "team"),   # another role on top of sysadmin
    ("auditor", Role.SYSADMIN, None),         # the two separated roles together
])
def test_three_way_separation(clients: Any, demo: dict[str, Any], username: str, role: str, scope: str | None) -> None:
    user = demo["users"][username]
    before = sorted(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    values: dict[str, Any] = {"role": role}
    if scope == "team":
        values["team"] = demo["seed000"].team_id

    response = _assign(clients["sysadmin"], user, **values)

    assert "三员分立：系统管理员、安全审计员不得与其他角色由同一账号兼任。" in response.content.decode()
    assert sorted(RoleAssignment.objects.filter(user=user).values_list("role", flat=True)) == before


def test_a_user_with_no_role_may_become_auditor(clients: Any, demo: dict[str, Any]) -> None:
    norole = demo["users"]["norole"]
    _assign(clients["sysadmin"], norole, role=Role.AUDITOR)
    assert list(RoleAssignment.objects.filter(user=norole).values_list("role", flat=True)) == [Role.AUDITOR]


@pytest.mark.parametrize("bogus", ["", "abc", "999999"])
def test_revoking_an_unknown_assignment_is_a_404(clients: Any, demo: dict[str, Any], bogus: str) -> None:
    leader = demo["users"]["leader"]
    count = RoleAssignment.objects.count()
    assert clients["sysadmin"].post(_user_url(leader), {"action": "revoke", "assignment": bogus}).status_code == 404
    assert RoleAssignment.objects.count() == count


def test_revoking_another_users_assignment_through_this_page_is_a_404(clients: Any, demo: dict[str, Any]) -> None:
    office_role = RoleAssignment.objects.get(user=demo["users"]["office"])
    response = clients["sysadmin"].post(_user_url(demo["users"]["leader"]), {"action": "revoke", "assignment": office_role.pk})
    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=office_role.pk).exists()


def test_unlock_deactivate_activate(clients: Any, demo: dict[str, Any]) -> None:
    sysadmin = clients["sysadmin"]
    leader = demo["users"]["leader"]
    User.objects.filter(pk=leader.pk).update(locked_until=timezone.now() + dt.timedelta(minutes=10), failed_logins=0)
    assert "锁定至" in sysadmin.get(URL).content.decode()

    sysadmin.post(_user_url(leader), {"action": "unlock"})
    assert User.objects.get(pk=leader.pk).locked_until is None
    assert AuditEvent.objects.filter(action="accounts.user_unlock", object_id=str(leader.pk)).exists()

    sysadmin.post(_user_url(leader), {"action": "deactivate"})
    assert not User.objects.get(pk=leader.pk).is_active
    assert "已停用" in sysadmin.get(URL).content.decode()
    assert clients["leader"].get("/inspections/").status_code == 302  # the open session ends too

    sysadmin.post(_user_url(leader), {"action": "activate"})
    assert User.objects.get(pk=leader.pk).is_active
    assert AuditEvent.objects.filter(action="accounts.user_active", object_id=str(leader.pk)).count() == 2


def test_the_sysadmin_cannot_deactivate_themself(clients: Any, demo: dict[str, Any]) -> None:
    sysadmin_user = demo["users"]["sysadmin"]
    response = clients["sysadmin"].post(_user_url(sysadmin_user), {"action": "deactivate"}, follow=True)
    assert "不能停用自己的账号。" in response.content.decode()
    assert User.objects.get(pk=sysadmin_user.pk).is_active


def test_the_sysadmin_sees_no_case_content(clients: Any, demo: dict[str, Any]) -> None:
    client = clients["sysadmin"]
    for url in ("/inspections/", reverse("inspections:detail", args=[demo["seed000"].pk]), "/audit/"):
        response = client.get(url)
        assert response.status_code in (200, 404)
        assert demo["seed000"].target.name not in response.content.decode()
