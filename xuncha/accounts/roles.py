"""The roles of docs/architecture.md §3."""

from django.db import models


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", "巡察办管理员"
    TEAM_LEADER = "team_leader", "巡察组组长/副组长"
    TEAM_MEMBER = "team_member", "巡察组组员"
    LIAISON = "liaison", "被巡察单位整改联络员"
    RECIPIENT = "recipient", "纪委监委/组织部等接收人"
    AUDITOR = "auditor", "安全审计员"
    SYSADMIN = "sysadmin", "系统管理员"


TEAM_ROLES = {Role.TEAM_LEADER, Role.TEAM_MEMBER}
