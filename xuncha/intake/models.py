"""Reports (信访件) received through every channel, their subjects, attachments, additions, and the
full-text index of each (ReportSearch). The replies themselves are the replies app's; what a report
tracks of them (due dates, a reason why none is due, the reporter's last look-up) stays here.

Reporter identity fields are sealed with SM4-GCM (xuncha.core.crypto) before they reach the database;
only a keyed SM3 hash of the receipt code is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.inspections.models import Channel, ChannelKind, Inspection
from xuncha.uploads import attachment_storage


class ReporterRole(models.TextChoices):
    TEACHER = "teacher", "教师"
    STUDENT = "student", "学生"
    STAFF = "staff", "职工"
    OTHER = "other", "其他"


class SubjectCategory(models.TextChoices):
    LEADERSHIP = "leadership", "领导班子成员"
    SUBORDINATE_HEAD = "subordinate_head", "下一级党组织主要负责人"
    KEY_POST = "key_post", "重要岗位领导干部"
    OTHER = "other", "其他人员"
    UNSURE = "unsure", "不清楚"


SCOPE_CATEGORIES = {SubjectCategory.LEADERSHIP, SubjectCategory.SUBORDINATE_HEAD, SubjectCategory.KEY_POST}


class ReportStatus(models.TextChoices):
    REGISTERED = "registered", "已登记"
    ACCEPTED = "accepted", "已受理"
    REFERRED = "referred", "已转办"
    TRANSFERRED = "transferred", "已移交"
    FILED = "filed", "存查"
    CLOSED = "closed", "已了结"


class ReplyExemption(models.TextChoices):
    REPEAT_ANSWERED = "repeat_answered", "重复件，同一事项已答复"
    ANONYMOUS_UNREAD = "anonymous_unread", "匿名反映，反映人未凭查询码查询"
    NO_CONTACT = "no_contact", "未留联系方式，无法答复"
    OTHER = "other", "其他原因"


class ReplyKind(models.TextChoices):
    """The kinds of a reply (xuncha.replies.models.Reply.Kind): the report's due dates track the first two."""

    RECEIPT = "receipt", "受理告知"
    RESULT = "result", "办理结果"
    OTHER = "other", "其他答复"


# The identity fields a reporter may give; each is sealed with its name as associated data.
IDENTITY_FIELDS = ("name", "phone", "id_number", "unit", "address", "email")


class Report(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="reports", verbose_name="巡察任务")
    # Assigned at the end of the registering transaction (to hold the numbering lock briefly); never null once committed.
    number = models.PositiveIntegerField("编号", null=True)
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports", verbose_name="受理渠道")
    channel_kind = models.CharField("渠道类型", max_length=16, choices=ChannelKind.choices)
    received_at = models.DateTimeField("收到时间", db_index=True)
    postmarked_on = models.DateField("邮戳日期", null=True, blank=True)
    content = models.TextField("反映内容")
    # The content was filled from the text read off its attachments (OCR) and no member has confirmed it yet.
    content_machine_read = models.BooleanField("内容为机器识别", default=False)
    status = models.CharField("状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.REGISTERED, db_index=True)

    # Reporter: 实名 or 匿名. Identity sealed; the role (teacher/student/...) is not identifying on its own.
    anonymous = models.BooleanField("匿名", default=True)
    reporter_role = models.CharField("反映人身份", max_length=16, choices=ReporterRole.choices, blank=True)
    reporter_sealed = models.JSONField("反映人信息（密文）", default=dict, blank=True)
    receipt_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    # Acceptance rules (flags with reasons, never rejections).
    in_window = models.BooleanField("受理期内", default=True)
    within_hours = models.BooleanField("受理时间内", null=True, blank=True)
    acceptance_reasons = models.JSONField("受理判断依据", default=list, blank=True)
    receipt_notice_due = models.DateField("受理告知期限", null=True, blank=True)
    # Replies (DESIGN §3 rule 7): the result is due N working days after the team's handling closes;
    # a report that needs no reply records why (a repeat already answered, an anonymous report never
    # looked up, ...). last_lookup_at: the reporter's latest look-up with the receipt code.
    result_due = models.DateField("结果告知期限", null=True, blank=True)
    reply_exempt = models.CharField("无需答复原因", max_length=20, choices=ReplyExemption.choices, blank=True)
    reply_exempt_note = models.CharField("无需答复说明", max_length=300, blank=True)
    last_lookup_at = models.DateTimeField("最近查询时间", null=True, blank=True)

    # How it came in (channel-specific registration details).
    source = models.JSONField("来源信息", default=dict, blank=True, help_text="如来电号码（密文）、接待人、接待室、信箱开启日期")
    email_message_id = models.CharField("邮件 Message-ID", max_length=255, blank=True, db_index=True)
    # The token of the staff form that registered it: the same form sent twice (a double click, the back
    # button and resend) finds this report instead of registering a second one.
    submission_key = models.CharField("表单提交标识", max_length=64, blank=True, editable=False)
    raw_source = models.FileField("原始邮件", upload_to="raw/%Y/%m/", blank=True)
    needs_attention = models.BooleanField("需人工处理", default=False)
    attention_reason = models.CharField("需人工处理原因", max_length=200, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "信访件"
        verbose_name_plural = "信访件"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="uniq_report_number"),
            models.UniqueConstraint(fields=["channel", "email_message_id"], condition=~models.Q(email_message_id=""),
                                    name="uniq_email_per_channel"),
            models.UniqueConstraint(fields=["inspection", "submission_key"], condition=~models.Q(submission_key=""),
                                    name="uniq_report_submission"),
        ]
        indexes = [
            models.Index(fields=["inspection", "status", "received_at"]),
            # The work queue's orders (newest first; oldest first walks them backwards): a page is the first
            # 51 entries of one of these, with or without the filter column in front.
            models.Index(fields=["inspection", "-received_at", "-id"], name="report_queue_new"),
            models.Index(fields=["inspection", "status", "-received_at", "-id"], name="report_queue_status"),
            models.Index(fields=["inspection", "channel_kind", "-received_at", "-id"], name="report_queue_channel"),
            models.Index(fields=["inspection", "-received_at", "-id"], condition=models.Q(in_window=False),
                         name="report_queue_out_of_window"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.inspection_id}-{self.number or 0:05d}"


class Subject(models.Model):
    """被反映人."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="subjects")
    name = models.CharField("姓名", max_length=64)
    post = models.CharField("职务", max_length=120, blank=True)
    category = models.CharField("类别", max_length=20, choices=SubjectCategory.choices, default=SubjectCategory.UNSURE)

    class Meta:
        verbose_name = "被反映人"
        verbose_name_plural = "被反映人"
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）" if self.post else self.name


class Addition(models.Model):
    """Information added later by the reporter (through the receipt code) or noted by staff."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="additions")
    content = models.TextField("补充内容", blank=True)
    by_reporter = models.BooleanField("反映人补充", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "created_at", "id"]


class OcrStatus(models.TextChoices):
    NONE = "none", "无需识别"
    PENDING = "pending", "待识别"
    DONE = "done", "已识别"
    FAILED = "failed", "识别失败"


class Attachment(models.Model):
    """A file of a report (or of an addition to it). The file is sealed at rest (xuncha.uploads.SealedStorage);
    the database keeps its digests (sha256, and SM3 of the plaintext), the text read from it (OCR or the
    text layer; sealed like identities) and whether the team marked it as showing the reporter's identity."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    addition = models.ForeignKey(Addition, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/", storage=attachment_storage)
    original_name = models.CharField("文件名", max_length=255)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    sm3 = models.CharField("SM3 摘要", max_length=64, blank=True)
    contains_identity = models.BooleanField("含反映人身份", default=False)
    ocr_status = models.CharField("文字识别", max_length=10, choices=OcrStatus.choices, default=OcrStatus.NONE)
    # The text read from the file and its lines with their boxes (JSON), both sealed (crypto.seal).
    text_sealed = models.TextField("识别文字（密文）", blank=True)
    lines_sealed = models.TextField("文字行（密文）", blank=True)
    text_engine = models.CharField("识别方式", max_length=60, blank=True)
    text_error = models.CharField("识别错误", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class ReportSearch(models.Model):
    """The full-text index row of a report: CJK bigram tokens (xuncha.core.cjk) of its content,
    subjects and additions. SQLite indexes it with an FTS5 table kept in sync by triggers;
    PostgreSQL with a GIN index on a stored generated column `tsv` = to_tsvector('simple', tokens)
    (FTS5 made by the migration triage 0001, which created the table; `tsv` by intake 0007; the column
    is not on the model, PostgreSQL computes it)."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, primary_key=True, related_name="search")
    tokens = models.TextField()

    class Meta:
        db_table = "triage_reportsearch"
        verbose_name = "全文索引"
        verbose_name_plural = "全文索引"


class IdentityReveal(models.Model):
    """A team leader's reasoned reveal of a reporter's identity (also in the audit log)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("查看理由", max_length=300)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]


class Mailbox(models.Model):
    """An IMAP mailbox behind an inspection's email channel; fetched periodically, never deleted from."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="mailbox", verbose_name="邮箱渠道")
    host = models.CharField("IMAP 服务器", max_length=200)
    port = models.PositiveIntegerField("端口", default=993)
    use_ssl = models.BooleanField("使用 SSL/TLS", default=True)
    username = models.CharField("用户名", max_length=200)
    password_sealed = models.TextField("密码（密文）")
    folder = models.CharField("文件夹", max_length=100, default="INBOX")
    enabled = models.BooleanField("启用", default=True)
    last_checked_at = models.DateTimeField("最近收取", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)

    class Meta:
        verbose_name = "收件邮箱"
        verbose_name_plural = "收件邮箱"

    def __str__(self) -> str:
        return f"{self.username}@{self.host}"
