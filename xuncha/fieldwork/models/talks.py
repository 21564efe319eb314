"""Individual talks (个别谈话): the interview list of an inspection (必谈, 选谈, 主动约谈), its schedule,
the outline and the record with the matters raised.

The interviewee's identity (name, post, contact) is sealed like a reporter's (xuncha.core.crypto, the
field name as associated data): members see it masked, a leader reveals it with a reason (audited)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.inspections.models import Inspection, LeadershipMember, TeamMember
from xuncha.uploads import attachment_storage

# The sealed identity fields of an interviewee.
INTERVIEWEE_FIELDS = ("name", "post", "contact")


class InterviewCategory(models.TextChoices):
    MUST = "must", "必谈"
    CHOSEN = "chosen", "选谈"
    REQUESTED = "requested", "主动约谈"


class IntervieweeKind(models.TextChoices):
    """Who the interviewee is, for the outline template."""

    LEADERSHIP = "leadership", "领导班子成员"
    CADRE = "cadre", "中层干部"
    TEACHER = "teacher", "教师"
    STUDENT = "student", "学生"
    RETIRED = "retired", "离退休干部"
    OTHER = "other", "其他"


class InterviewState(models.TextChoices):
    PENDING = "pending", "待安排"
    SCHEDULED = "scheduled", "已安排"
    DONE = "done", "已谈话"
    CANCELLED = "cancelled", "已取消"


class Interview(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="interviews", verbose_name="巡察任务")
    number = models.PositiveIntegerField("编号")
    category = models.CharField("类别", max_length=16, choices=InterviewCategory.choices)
    interviewee_kind = models.CharField("谈话对象类别", max_length=16, choices=IntervieweeKind.choices, default=IntervieweeKind.OTHER)
    identity_sealed = models.JSONField("谈话对象（密文）", default=dict, blank=True)
    # 必谈 generated from the target's leadership data: regenerating adds newcomers, never duplicates.
    leadership_member = models.ForeignKey(LeadershipMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # 主动约谈 from the public page: the receipt code's keyed hash, and what the person wants to talk about.
    receipt_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    request_topic = models.TextField("约谈事项", blank=True)
    state = models.CharField("状态", max_length=16, choices=InterviewState.choices, default=InterviewState.PENDING, db_index=True)
    scheduled_at = models.DateTimeField("谈话时间", null=True, blank=True, db_index=True)
    duration_minutes = models.PositiveSmallIntegerField("时长（分钟）", default=60)
    room = models.CharField("地点", max_length=80, blank=True)
    interviewers = models.ManyToManyField(TeamMember, related_name="+", blank=True, verbose_name="谈话人")
    recorder = models.ForeignKey(TeamMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="记录人")
    # Members who declared they are related to the interviewee: never an interviewer or recorder.
    related_members = models.ManyToManyField(TeamMember, related_name="+", blank=True, verbose_name="申报亲属关系的组员")
    outline = models.TextField("谈话提纲", blank=True)
    cancel_reason = models.CharField("取消理由", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "个别谈话"
        verbose_name_plural = "个别谈话"
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="uniq_interview_number"),
            models.UniqueConstraint(fields=["inspection", "leadership_member"], name="uniq_interview_leadership",
                                    condition=models.Q(leadership_member__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name a talk goes by anywhere outside the team: never the interviewee's."""
        return f"谈话记录 第{self.number}号"


class InterviewChange(models.Model):
    """A talk cancelled or moved, with the reason (the team's; never shown to the liaison)."""

    class Kind(models.TextChoices):
        MOVE = "move", "改期"
        CANCEL = "cancel", "取消"

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    reason = models.CharField("理由", max_length=300)
    was_at = models.DateTimeField(null=True, blank=True)
    was_room = models.CharField(max_length=80, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]


class InterviewRecord(models.Model):
    """谈话记录: the summary, read back and signed by the interviewee (a scanned page, or on paper)."""

    interview = models.OneToOneField(Interview, on_delete=models.PROTECT, related_name="record")
    summary = models.TextField("谈话摘要")
    signed_on = models.DateField("签字日期", null=True, blank=True)
    signed_on_paper = models.BooleanField("纸质签字", default=False)
    signature_page = models.FileField("签字页扫描件", storage=attachment_storage, upload_to="fieldwork/signatures/", blank=True)
    signature_name = models.CharField(max_length=200, blank=True)
    signature_type = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "谈话记录"
        verbose_name_plural = "谈话记录"

    @property
    def signed(self) -> bool:
        return bool(self.signature_page) or self.signed_on_paper


class InterviewMatter(models.Model):
    """A matter raised in a talk; `lead` once the team turned it into a lead (待核实问题)."""

    record = models.ForeignKey(InterviewRecord, on_delete=models.CASCADE, related_name="matters")
    text = models.TextField("反映事项")
    disciplines = models.JSONField("涉及纪律", default=list, blank=True)
    lead = models.OneToOneField("fieldwork.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="matter")

    class Meta:
        ordering = ["id"]


class InterviewReveal(models.Model):
    """A team leader's reasoned reveal of an interviewee's identity (also in the audit log)."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("查看理由", max_length=300)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
