from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models

from xuncha.core.classify.codes import DEFAULT_FOCUS_WORDING, FOCUS_WORDINGS


class RoundKind(models.TextChoices):
    REGULAR = "regular", "常规巡察"
    SPECIAL = "special", "专项巡察"
    FLEXIBLE = "flexible", "机动巡察"
    ELEVATED = "elevated", "提级巡察"
    FOLLOWUP = "followup", "巡察“回头看”"


class Office(models.Model):
    """巡察办: an inspection office in the tree of offices (省委教育工委巡察办 → 中国计量大学党委巡察办). It owns
    its rounds (and through them their teams and inspections), its target organisations and receiving
    bodies. The root (no parent) is the platform's own office; an office role scoped to no office is the root's."""

    name = models.CharField("巡察办名称", max_length=120, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name="上级巡察办")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)

    class Meta:
        verbose_name = "巡察办"
        verbose_name_plural = "巡察办"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    """巡察轮次, e.g. 七届市委第六轮常规巡察."""

    name = models.CharField("轮次名称", max_length=120, unique=True)
    kind = models.CharField("巡察类型", max_length=16, choices=RoundKind.choices, default=RoundKind.REGULAR)
    organizer = models.CharField("组织部署单位", max_length=120, blank=True, help_text="如：市委、省委教育工委")
    year = models.PositiveIntegerField("年度")
    description = models.TextField("说明", blank=True)
    # How the round's announcements word the four focuses: the classification names them so (and looks for the
    # wording's own cue phrases); the stored codes are the same for every wording.
    focus_wording = models.CharField("聚焦领域表述", max_length=24, choices=list(FOCUS_WORDINGS.items()),
                                     default=DEFAULT_FOCUS_WORDING)
    # The office that owns the round (null: the root office, as before offices existed).
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="rounds", verbose_name="巡察办")
    created_at = models.DateTimeField(auto_now_add=True)
    # Closed: no new teams or inspections in the round. Archived: also hidden from the default lists.
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)

    class Meta:
        verbose_name = "巡察轮次"
        verbose_name_plural = "巡察轮次"
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """巡察组, e.g. 市委第五巡察组."""

    name = models.CharField("巡察组名称", max_length=120)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="teams", verbose_name="巡察轮次")
    created_at = models.DateTimeField(auto_now_add=True)
    # Archived (撤销): no new members or inspections; hidden from the default lists, kept for the record.
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)

    class Meta:
        verbose_name = "巡察组"
        verbose_name_plural = "巡察组"
        ordering = ["round", "name"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="uniq_team_per_round")]

    def __str__(self) -> str:
        return self.name

    @property
    def leader(self) -> TeamMember | None:
        return next((m for m in self.members.all() if m.position == TeamMember.Position.LEADER and m.left_at is None), None)


class TeamMember(models.Model):
    class Position(models.TextChoices):
        LEADER = "leader", "组长"
        DEPUTY = "deputy", "副组长"
        MEMBER = "member", "组员"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members", verbose_name="巡察组")
    name = models.CharField("姓名", max_length=64)
    position = models.CharField("职务", max_length=16, choices=Position.choices, default=Position.MEMBER)
    title = models.CharField("职级/单位", max_length=120, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="team_memberships", verbose_name="系统账号")
    person = models.ForeignKey("inspections.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="memberships", verbose_name="巡察人员库人员")
    # Left the team (离组): the team role of the account is revoked; the row stays for the record.
    left_at = models.DateTimeField("离组时间", null=True, blank=True)

    class Meta:
        verbose_name = "巡察组成员"
        verbose_name_plural = "巡察组成员"
        ordering = ["team", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_position_display()}）"


class TargetOrg(models.Model):
    """被巡察党组织."""

    name = models.CharField("党组织名称", max_length=120, unique=True)
    short_name = models.CharField("简称", max_length=40, blank=True)
    parent = models.CharField("上级单位", max_length=120, blank=True)
    # The party-organisation tree (a university's schools under it), kept with the registry of targets.
    parent_org = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="sub_orgs",
                                   verbose_name="上级党组织")
    address = models.CharField("地址", max_length=200, blank=True)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="targets", verbose_name="所属巡察办")
    # Archived: no new inspections; hidden from the default lists and the target search, kept for the record.
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)

    class Meta:
        verbose_name = "被巡察党组织"
        verbose_name_plural = "被巡察党组织"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConflictDeclaration(models.Model):
    """A member's declared conflict of interest with a target (回避)."""

    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="conflicts", verbose_name="组员")
    org = models.ForeignKey(TargetOrg, on_delete=models.CASCADE, related_name="conflicts", verbose_name="被巡察党组织")
    reason = models.CharField("回避事由", max_length=200)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "回避申报"
        verbose_name_plural = "回避申报"
        constraints = [models.UniqueConstraint(fields=["member", "org"], name="uniq_conflict")]


class ReceivingBody(models.Model):
    """A body that receives clues and referrals (纪委监委, 组织部, other departments)."""

    class Kind(models.TextChoices):
        DISCIPLINE = "discipline", "纪检监察机关"
        ORGANIZATION = "organization", "组织部门"
        OTHER = "other", "其他职能部门"

    name = models.CharField("单位名称", max_length=120, unique=True)
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="bodies", verbose_name="所属巡察办")

    class Meta:
        verbose_name = "线索接收单位"
        verbose_name_plural = "线索接收单位"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


DEFAULT_SCOPE = (
    "巡察组主要受理反映被巡察党组织领导班子及其成员、下一级党组织领导班子主要负责人和重要岗位领导干部"
    "违反政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律和生活纪律等方面的问题和线索。"
    "其他不属于巡察受理范围的信访问题，将按规定由有关部门处理。"
)


class Inspection(models.Model):
    """巡察任务: one team at one target in one round."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="inspections", verbose_name="巡察轮次")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="inspections", verbose_name="巡察组")
    target = models.ForeignKey(TargetOrg, on_delete=models.PROTECT, related_name="inspections", verbose_name="被巡察党组织")
    start_date = models.DateField("进驻日期")
    end_date = models.DateField("结束日期")
    working_days = models.PositiveIntegerField("工作日数", null=True, blank=True,
                                               help_text="按“N个工作日”确定期限时填写，结束日期据此计算")
    duration_text = models.CharField("期限表述", max_length=60, blank=True, help_text="如：15个工作日左右、3个半月")
    intake_start = models.DateField("信访受理开始")
    intake_end = models.DateField("信访受理截止")
    postmark_counts = models.BooleanField("信件以邮戳日期为准", default=False)
    scope_text = models.TextField("受理范围", default=DEFAULT_SCOPE)
    public_id = models.UUIDField("公开编号", default=uuid.uuid4, unique=True, editable=False)
    is_practice = models.BooleanField("演练任务", default=False)
    # The round's office, copied here so that the access policy reads it without a join (null: the root).
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections",
                               verbose_name="巡察办", editable=False)
    # 提级巡察: the lower office named as co-organiser reads the schedule and the rectification, not the case file.
    co_organiser = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="co_organised",
                                     verbose_name="协同巡察办")
    # 回头看: a follow-up inspection of the same target, created from an earlier one (xuncha.aftercare).
    revisit_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="revisits",
                                   verbose_name="回头看的原巡察任务", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Closed: the public intake stops whatever the intake window says. Archived: also hidden from the
    # default list (never deleted: cases refer to it).
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    # Filed (立卷归档, xuncha.archive): read-only, every write refused by the access policy until the
    # office reopens it with a reason (then null again until filed anew).
    filed_at = models.DateTimeField("立卷归档时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "巡察任务"
        verbose_name_plural = "巡察任务"
        ordering = ["-start_date", "id"]

    def __str__(self) -> str:
        return f"{self.team.name}巡察{self.target.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.office_id is None and self.round_id is not None:
            self.office_id = Round.objects.filter(pk=self.round_id).values_list("office_id", flat=True).first()
        super().save(*args, **kwargs)

    @property
    def title(self) -> str:
        return str(self)

    def intake_open_on(self, day: dt.date) -> bool:
        return self.closed_at is None and self.intake_start <= day <= self.intake_end


class ChannelKind(models.TextChoices):
    PHONE = "phone", "举报电话"
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮箱"
    POST = "post", "邮政信箱"
    LETTERBOX = "letterbox", "联系信箱"
    VISIT = "visit", "来访接待"
    ONLINE = "online", "网上受理"


class Channel(models.Model):
    """受理渠道."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="channels", verbose_name="巡察任务")
    kind = models.CharField("渠道类型", max_length=16, choices=ChannelKind.choices)
    label = models.CharField("名称", max_length=60, blank=True, help_text="如：专门举报电话、值班电话")
    value = models.CharField("号码/地址", max_length=200, blank=True)
    postcode = models.CharField("邮编", max_length=6, blank=True)
    location = models.CharField("放置/接待地点", max_length=200, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "受理渠道"
        verbose_name_plural = "受理渠道"
        ordering = ["inspection", "order", "id"]

    def __str__(self) -> str:
        return f"{self.display_label}：{self.value or self.location}"

    @property
    def display_label(self) -> str:
        return self.label or self.get_kind_display()


class AcceptanceHours(models.Model):
    """受理时间: a time range on working days or every day."""

    class Days(models.TextChoices):
        WORKDAYS = "workdays", "工作日"
        EVERYDAY = "everyday", "每天"

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="hours", verbose_name="受理渠道")
    days = models.CharField("适用日期", max_length=16, choices=Days.choices, default=Days.WORKDAYS)
    start = models.TimeField("开始")
    end = models.TimeField("结束")

    class Meta:
        verbose_name = "受理时间"
        verbose_name_plural = "受理时间"
        ordering = ["channel", "start"]
        constraints = [models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="hours_start_before_end")]

    def __str__(self) -> str:
        return f"{self.get_days_display()}{self.start:%H:%M}-{self.end:%H:%M}"


class MobilizationMeeting(models.Model):
    """动员会."""

    inspection = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="meeting", verbose_name="巡察任务")
    date = models.DateField("日期")
    part_of_day = models.CharField("时段", max_length=8, blank=True, help_text="上午/下午/晚上")
    time = models.TimeField("时间", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    host = models.CharField("主持人", max_length=120, blank=True)
    attendees = models.TextField("出席人员", blank=True)
    observers = models.TextField("列席人员", blank=True)

    class Meta:
        verbose_name = "动员会"
        verbose_name_plural = "动员会"

    def __str__(self) -> str:
        return f"{self.inspection} 动员会"


class MeetingSpeaker(models.Model):
    meeting = models.ForeignKey(MobilizationMeeting, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField("姓名", max_length=64)
    title = models.CharField("职务", max_length=200, blank=True)
    speech = models.CharField("讲话内容", max_length=60, blank=True, help_text="如：动员讲话、介绍巡察工作安排、表态发言")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "动员会讲话人"
        verbose_name_plural = "动员会讲话人"
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.speech}）"


class CalendarDay(models.Model):
    """An office-entered holiday or adjusted working day; overrides the package's calendar. No office: the
    platform's (every inspection's); an office's applies to the inspections of the office and its subtree,
    the nearest office's winning on the same date (selectors.calendar_for)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日（休息）"
        WORKDAY = "workday", "调休工作日（上班）"

    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_days",
                               verbose_name="巡察办")
    date = models.DateField("日期")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField("名称", max_length=40, blank=True, help_text="如：春节、国庆节调休")

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="calendarday_office_date"),
            models.UniqueConstraint(fields=["date"], condition=models.Q(office__isnull=True), name="calendarday_platform_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class LeadershipCategory(models.TextChoices):
    LEADERSHIP = "leadership", "领导班子成员"
    DISCIPLINE = "discipline", "纪检负责人"
    ORGANISATION = "organisation", "组织负责人"
    OTHER = "other", "其他"


class LeadershipMember(models.Model):
    """A member of a target's leadership (the source of the 必谈 list), kept by the office with the
    target's master data. `left_on` set: no longer in the leadership (still 必谈 within the rule's years)."""

    org = models.ForeignKey(TargetOrg, on_delete=models.CASCADE, related_name="leadership", verbose_name="被巡察党组织")
    name = models.CharField("姓名", max_length=64)
    post = models.CharField("职务", max_length=120)
    category = models.CharField("类别", max_length=16, choices=LeadershipCategory.choices, default=LeadershipCategory.LEADERSHIP)
    in_office_since = models.DateField("任职时间", null=True, blank=True)
    left_on = models.DateField("离任时间", null=True, blank=True)

    class Meta:
        verbose_name = "领导班子成员"
        verbose_name_plural = "领导班子成员"
        ordering = ["org", "left_on", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）"


def _default_must_categories() -> list[str]:
    return [LeadershipCategory.LEADERSHIP, LeadershipCategory.DISCIPLINE, LeadershipCategory.ORGANISATION]


class MustTalkRule(models.Model):
    """The office's rule for the 必谈 list (one row, pk=1): which leadership categories, and those who
    left the leadership within the last N years (counted back from the inspection's start)."""

    categories = models.JSONField("必谈类别", default=_default_must_categories)
    left_within_years = models.PositiveSmallIntegerField("离任年限", default=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "必谈规则"
        verbose_name_plural = "必谈规则"


from .models_offices import OfficeSettings  # noqa: E402  (per-office settings)
from .models_pool import Authorisation, Expertise, Person, PersonRelation, PersonRound  # noqa: E402  (models of the pool)

__all__ = ["Authorisation", "Expertise", "OfficeSettings", "Person", "PersonRelation", "PersonRound"]
