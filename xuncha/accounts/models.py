from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from .roles import Role


class User(AbstractUser):
    """A staff account. The public (reporters) have no account."""

    display_name = models.CharField("姓名", max_length=64, blank=True)
    failed_logins = models.PositiveIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    totp_secret = models.CharField("动态口令密钥", max_length=64, blank=True)
    totp_enabled = models.BooleanField("已启用动态口令", default=False)
    totp_last_step = models.BigIntegerField("最近使用的口令时间片", default=0)
    # Set when the sysadmin creates the account or resets its password: the user changes it at the next
    # login before anything else (middleware.password_change_required).
    must_change_password = models.BooleanField("须修改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignment(models.Model):
    """A role held by a user, scoped to a team, an organisation or a receiving body.

    office_admin is scoped to an office and its subtree (no office: the root, every office); auditor and
    sysadmin are global (no scope); team_leader and team_member are
    scoped to a team; liaison to a target organisation; recipient to a receiving body.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name="用户")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    team = models.ForeignKey("inspections.Team", null=True, blank=True, on_delete=models.CASCADE, verbose_name="巡察组")
    org = models.ForeignKey("inspections.TargetOrg", null=True, blank=True, on_delete=models.CASCADE, verbose_name="被巡察党组织")
    body = models.ForeignKey("inspections.ReceivingBody", null=True, blank=True, on_delete=models.CASCADE, verbose_name="接收单位")
    # An office admin's office (and its subtree); none: the root office, i.e. every office.
    office = models.ForeignKey("inspections.Office", null=True, blank=True, on_delete=models.CASCADE, verbose_name="巡察办")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "角色分配"
        verbose_name_plural = "角色分配"

    def __str__(self) -> str:
        scope = self.team or self.org or self.body or self.office
        return f"{self.user} · {self.get_role_display()}" + (f" · {scope}" if scope else "")

    def clean(self) -> None:
        needs = {Role.TEAM_LEADER: "team", Role.TEAM_MEMBER: "team", Role.LIAISON: "org", Role.RECIPIENT: "body"}
        required = needs.get(Role(self.role))
        for name in ("team", "org", "body"):
            has = getattr(self, f"{name}_id") is not None
            if name == required and not has:
                raise ValidationError("该角色需要指定适用范围。")
            if name != required and has:
                raise ValidationError("该角色不应指定此适用范围。")
        if self.office_id is not None and self.role != Role.OFFICE_ADMIN:
            raise ValidationError("只有巡察办管理员角色可以指定巡察办。")


def scope_model(field: str) -> type[models.Model]:
    """The domain model a role is scoped to ("team", "org", "body" or "office"), reached through the assignment's
    foreign key: the platform sits below the domain app that defines these models and never imports it."""
    model = RoleAssignment._meta.get_field(field).related_model
    assert isinstance(model, type) and issubclass(model, models.Model)
    return model


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SM3 hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"


class UserSession(models.Model):
    """A signed-in session of an account, recorded at login: the profile page lists an account's sessions
    and can end the others (the session data itself stays in Django's session store)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions", verbose_name="用户")
    session_key = models.CharField("会话标识", max_length=40, unique=True)
    created_at = models.DateTimeField("登录时间", auto_now_add=True)
    address = models.CharField("登录地址", max_length=64, blank=True)
    user_agent = models.CharField("浏览器", max_length=200, blank=True)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"
