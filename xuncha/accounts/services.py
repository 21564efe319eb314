"""Account writes: login bookkeeping, users, role assignments, API tokens.

The platform sits below the access policy (xuncha.access), so the sysadmin check here reads the role
assignments directly (selectors.has_role), the primitive the policy itself is built on.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.audit.services import audit_record
from xuncha.core.sm import sm3_hex
from xuncha.errors import Invalid, NotAllowed

from . import throttle
from .models import ApiToken, RoleAssignment, User, scope_model
from .roles import TEAM_ROLES, Role
from .selectors import has_role


class LoginError(Exception):
    pass


def user_login_check(*, username: str, password: str, request: HttpRequest | None = None) -> User:
    """Authenticate, throttled per client (xuncha.accounts.throttle). Raises LoginError with a Chinese
    message that is the same for a wrong password, an unknown or inactive account: an answer never tells
    whether an account exists. The failure's audit event is committed before the error is raised."""
    wait = throttle.wait_for(username=username, request=request)
    if wait is not None:
        raise LoginError(wait.message)  # the password is not even checked; nothing is written
    user = authenticate(request, username=username, password=password)
    if user is None:
        with transaction.atomic():
            candidate = User.objects.filter(username=username).only("pk").first()
            audit_record(actor=None, action="auth.login_failed", summary=f"用户名 {username[:60]} 登录失败", request=request,
                         object_type="accounts.user", object_id=str(candidate.pk) if candidate else "")
            if throttle.failure(username=username, request=request):
                audit_record(actor=None, action="auth.login_throttled", request=request,
                             summary=f"用户名 {username[:60]} 登录失败次数过多，该来源须等待后再试")
        raise LoginError(throttle.FAILED_MESSAGE)
    assert isinstance(user, User)
    if user.totp_enabled:
        # The login completes only after the second factor.
        audit_record(actor=None, action="auth.password_ok", obj=user,
                     summary=f"{user.username} 密码正确，待验证动态口令", request=request)
    else:
        user_login_success(user=user, request=request)
    return user


def user_login_success(*, user: User, request: HttpRequest | None = None) -> None:
    """Both factors passed: record the login."""
    with transaction.atomic():
        if user.failed_logins or user.locked_until:  # left over from the former lock-out
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        audit_record(actor=user, action="auth.login", obj=user, summary=f"{user.username} 登录", request=request)


def user_login_failure(*, user: User, request: HttpRequest | None = None) -> None:
    """Count a failed second factor (or a wrong old password) like a failed password: same throttle."""
    throttle.failure(username=user.username, request=request)


def _require_sysadmin(actor: User) -> None:
    if not has_role(actor, Role.SYSADMIN):
        raise NotAllowed


def user_create(*, actor: User, username: str, display_name: str, password: str, request: HttpRequest | None = None) -> User:
    _require_sysadmin(actor)
    if User.objects.filter(username=username).exists():
        raise Invalid("该用户名已存在。")
    # The sysadmin chose the first password: the user replaces it at the first login.
    user = User(username=username, display_name=display_name, must_change_password=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Invalid(exc.messages) from exc
    with transaction.atomic():
        user.set_password(password)
        user.save()
        audit_record(actor=actor, action="accounts.user_create", obj=user, summary=f"创建账号 {username}", request=request)
    return user


def user_unlock(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    _require_sysadmin(actor)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        transaction.on_commit(lambda: throttle.forget(username=user.username))
        audit_record(actor=actor, action="accounts.user_unlock", obj=user, summary=f"清除账号 {user.username} 的登录失败计数", request=request)


def user_set_active(*, actor: User, user: User, active: bool, request: HttpRequest | None = None) -> None:
    _require_sysadmin(actor)
    if user.pk == actor.pk and not active:
        raise Invalid("不能停用自己的账号。")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=active)
        audit_record(actor=actor, action="accounts.user_active", obj=user,
                     summary=f"{'启用' if active else '停用'}账号 {user.username}", request=request)


SEPARATED_ROLES = {Role.SYSADMIN, Role.AUDITOR}


def role_assign(*, actor: User, user: User, role: str, team: Any = None, org: Any = None, body: Any = None,
                office: Any = None, request: HttpRequest | None = None, system: bool = False) -> RoleAssignment:
    """Give `user` a role. 三员分立: the sysadmin and auditor roles are not combined with any other.

    `team`, `org` and `body` are the domain models a role is scoped to (models.scope_model); `system`
    is a role given by another service (a team member added by the office), not by the sysadmin."""
    if not system:
        _require_sysadmin(actor)
    current = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    if current and (role in SEPARATED_ROLES or current & SEPARATED_ROLES) and current != {role}:
        raise Invalid("三员分立：系统管理员、安全审计员不得与其他角色由同一账号兼任。")
    if role in TEAM_ROLES and team is not None:
        # The organisations this team inspects that the user declared a conflict of interest with.
        orgs = scope_model("org")._default_manager.filter(conflicts__member__user=user, inspections__team=team)
        names = sorted(set(orgs.values_list("name", flat=True)))
        if names:
            raise Invalid(f"该人员已申报与{'、'.join(names)}存在利益冲突，需回避，不能分配到巡察该单位的巡察组。")
    assignment = RoleAssignment(user=user, role=role, team=team, org=org, body=body, office=office)
    if RoleAssignment.objects.filter(user=user, role=role, team=team, org=org, body=body, office=office).exists():
        raise Invalid("该账号已有此角色。")
    try:
        assignment.full_clean()
    except ValidationError as exc:
        raise Invalid(exc.messages) from exc
    with transaction.atomic():
        assignment.save()
        audit_record(actor=actor, action="accounts.role_assign", obj=user,
                     summary=f"为 {user.username} 分配角色：{assignment}", request=request,
                     data={"role": role, "team": getattr(team, "pk", None), "org": getattr(org, "pk", None), "body": getattr(body, "pk", None),
                           "office": getattr(office, "pk", None)})
    return assignment


def role_revoke(*, actor: User, assignment: RoleAssignment, request: HttpRequest | None = None, system: bool = False) -> None:
    """Take a role back; `system` as in role_assign (a member leaving a team, a liaison removed by the office)."""
    if not system:
        _require_sysadmin(actor)
    with transaction.atomic():
        audit_record(actor=actor, action="accounts.role_revoke", obj=assignment.user,
                     summary=f"撤销角色：{assignment}", request=request)
        assignment.delete()


def api_token_create(*, user: User, request: HttpRequest | None = None) -> str:
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(user=user, token_hash=sm3_hex(token.encode()),
                                expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS))
        audit_record(actor=user, action="auth.api_token", obj=user, summary=f"{user.username} 获取接口令牌", request=request)
    return token


def api_token_user(token: str) -> User | None:
    row = ApiToken.objects.select_related("user").filter(token_hash=sm3_hex(token.encode()), expires_at__gt=timezone.now()).first()
    if row is None or not row.user.is_active:
        return None
    return row.user
