"""Triage of reports: classification, scope, duplicate groups, dispositions, and what is handed over
to other bodies (转办 referrals and 移交 clues, batched into signed transfer lists).

One `Triage` row per report holds what the queue filters on (label bitmasks, scope, duplicate group),
so the team's work queue is one join away from the report at any scale.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xuncha.core.classify import DISCIPLINE_LABELS, DISCIPLINES, FOCUS_LABELS, FOCUSES
from xuncha.inspections.models import Inspection, ReceivingBody

DISCIPLINE_BITS = {code: 1 << i for i, code in enumerate(DISCIPLINES)}
FOCUS_BITS = {code: 1 << i for i, code in enumerate(FOCUSES)}


def to_mask(codes: list[str] | tuple[str, ...] | set[str], bits: dict[str, int]) -> int:
    return sum(bits[c] for c in set(codes) if c in bits)


def from_mask(mask: int, bits: dict[str, int]) -> list[str]:
    return [code for code, bit in bits.items() if mask & bit]


class Scope(models.TextChoices):
    PENDING = "pending", "待判断"
    IN = "in", "属于受理范围"
    OUT = "out", "不属于受理范围"
    OUT_OF_WINDOW = "out_of_window", "受理期外"


class Triage(models.Model):
    """What the team knows and decides about one report (created when the report is triaged)."""

    report = models.OneToOneField("intake.Report", on_delete=models.CASCADE, primary_key=True, related_name="triage")
    # The report's inspection, repeated here so that the duplicate index reads one table (indexes below).
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="+", db_index=False)
    # Classification: the proposal (xuncha.core.classify.combine) and the effective labels as bitmasks
    # (the confirmed ones once the team has confirmed them, else the proposed ones).
    proposal = models.JSONField("分类建议", default=dict, blank=True)
    model_id = models.CharField("分类模型", max_length=64, blank=True)
    disciplines = models.PositiveSmallIntegerField("违反纪律", default=0)
    focuses = models.PositiveSmallIntegerField("聚焦领域", default=0)
    labels_confirmed = models.BooleanField("分类已确认", default=False)
    labels_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                            related_name="+")
    labels_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Scope (docs/architecture.md §5 rule 5): proposed by the system until the team confirms it.
    scope = models.CharField("受理范围", max_length=16, choices=Scope.choices, default=Scope.PENDING)
    scope_reason = models.CharField("判断理由", max_length=300, blank=True)
    scope_confirmed = models.BooleanField("范围已确认", default=False)
    # Duplicates: group_key is the id of the group's first report (every report has one; a group with
    # more than one report has a DuplicateGroup row). Signature and fingerprint feed the LSH index.
    group_key = models.BigIntegerField("重复组", null=True, blank=True)
    duplicate_of = models.ForeignKey("intake.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name="最相似的信访件")
    similarity = models.FloatField("相似度", null=True, blank=True)
    exact_repeat = models.BooleanField("完全重复", default=False)
    repeat_of_answered = models.ForeignKey("intake.Report", null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+", verbose_name="已答复的同一事项")
    fingerprint = models.BigIntegerField(null=True, blank=True)
    signature = models.BinaryField(null=True, blank=True)
    # A keyed hash of a real-name reporter's contact, so that a group counts distinct reporters without
    # anyone reading identities; empty for an anonymous report (each counts as one reporter).
    reporter_key = models.CharField(max_length=64, blank=True)
    triaged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "研判信息"
        verbose_name_plural = "研判信息"
        indexes = [models.Index(fields=["inspection", "fingerprint"], name="triage_fingerprint"),
                   models.Index(fields=["inspection", "group_key"], name="triage_group")]

    @property
    def discipline_codes(self) -> list[str]:
        return from_mask(self.disciplines, DISCIPLINE_BITS)

    @property
    def focus_codes(self) -> list[str]:
        return from_mask(self.focuses, FOCUS_BITS)

    @property
    def discipline_labels(self) -> list[str]:
        return [DISCIPLINE_LABELS[c] for c in self.discipline_codes]

    @property
    def focus_labels(self) -> list[str]:
        return [FOCUS_LABELS[c] for c in self.focus_codes]


class DedupBand(models.Model):
    """One LSH band hash of one report (32 per report); candidates are looked up within an inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, db_index=False, related_name="+")
    band_hash = models.BigIntegerField()
    report = models.ForeignKey("intake.Report", on_delete=models.CASCADE, db_index=False, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["inspection", "band_hash", "report"], name="triage_band_lookup")]


class DuplicateGroup(models.Model):
    """Reports of the same matter (two or more). `key` is the id of its first report."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="duplicate_groups")
    key = models.BigIntegerField("组号", unique=True)
    first_report = models.ForeignKey("intake.Report", on_delete=models.CASCADE, related_name="+", verbose_name="最早的信访件")
    size = models.PositiveIntegerField("件数", default=0)
    reporters = models.PositiveIntegerField("反映人数", default=0)
    channels = models.PositiveIntegerField("渠道数", default=0)
    first_received_at = models.DateTimeField("最早收到", null=True)
    last_received_at = models.DateTimeField("最近收到", null=True)
    answered_report = models.ForeignKey("intake.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                        verbose_name="已答复的信访件")

    class Meta:
        verbose_name = "重复件组"
        verbose_name_plural = "重复件组"
        ordering = ["-reporters", "-size", "key"]
        indexes = [models.Index(fields=["inspection", "reporters"])]

    def __str__(self) -> str:
        return f"重复件组 {self.key}（{self.size}件）"


class ClassifierModel(models.Model):
    """A classification model trained from confirmed labels (a background job); the newest is used."""

    model_id = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=500)
    trained_on = models.PositiveIntegerField("训练样本数")
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class DispositionKind(models.TextChoices):
    ACCEPT = "accept", "受理"
    REFER = "refer", "转办"
    TRANSFER = "transfer", "移交"
    FILE = "file", "存查"
    CLOSE = "close", "了结"


class Disposition(models.Model):
    """A team member's proposed disposition of a report; the team leader approves or returns it."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "待审批"
        APPROVED = "approved", "已批准"
        RETURNED = "returned", "已退回"

    report = models.ForeignKey("intake.Report", on_delete=models.CASCADE, related_name="dispositions")
    kind = models.CharField("处置方式", max_length=16, choices=DispositionKind.choices)
    body = models.ForeignKey(ReceivingBody, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="接收单位")
    reason = models.TextField("理由")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.PROPOSED, db_index=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "处置意见"
        verbose_name_plural = "处置意见"
        ordering = ["-proposed_at", "-id"]


class Handling(models.TextChoices):
    """How a receiving body disposes of a clue (the five ways of the discipline inspection rules)."""

    TALK = "talk", "谈话函询"
    VERIFY = "verify", "初步核实"
    SHELVE = "shelve", "暂存待查"
    CLOSE = "close", "予以了结"
    INVESTIGATE = "investigate", "移送审查调查"


class HandOver(models.Model):
    """What is passed to a receiving body: the report's matter (never the reporter's identity)."""

    report = models.ForeignKey("intake.Report", on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(ReceivingBody, on_delete=models.PROTECT, related_name="+", verbose_name="接收单位")
    disposition = models.OneToOneField(Disposition, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("理由")
    due_on = models.DateField("移送期限", help_text="批准后5个工作日内移送")
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    handling = models.CharField("处置方式", max_length=16, choices=Handling.choices, blank=True)
    result = models.TextField("办理结果", blank=True)
    result_at = models.DateTimeField("反馈时间", null=True, blank=True)
    result_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class Referral(HandOver):
    """转办: an out-of-scope matter sent to the relevant department with a referral letter."""

    number = models.PositiveIntegerField("转办函编号")
    sent_at = models.DateTimeField("发出时间", null=True, blank=True)

    class Meta:
        verbose_name = "转办"
        verbose_name_plural = "转办"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["body", "created_at"])]


class TransferBatch(models.Model):
    """移交清单: the clues passed to one receiving body at once, signed for by its recipient."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="transfer_batches")
    body = models.ForeignKey(ReceivingBody, on_delete=models.PROTECT, related_name="+", verbose_name="接收单位")
    number = models.PositiveIntegerField("清单编号")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)

    class Meta:
        verbose_name = "移交清单"
        verbose_name_plural = "移交清单"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"], name="uniq_transfer_batch_number")]


class Clue(HandOver):
    """问题线索移交: a clue for 纪委监委, 组织部 or another unit, listed in a transfer batch."""

    batch = models.ForeignKey(TransferBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="clues")
    # The report's attachments the team leader chose to hand over with the clue (none unless chosen; never
    # one marked as showing the reporter's identity).
    attachments = models.ManyToManyField("intake.Attachment", blank=True, related_name="+", verbose_name="随附附件")

    class Meta:
        verbose_name = "问题线索"
        verbose_name_plural = "问题线索"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["body", "created_at"])]


# --- tallies: the statistics page's counts, kept by the database (xuncha/triage/tallies.py) --------------
#
# Rows are deltas (+1/-1), appended by triggers on the reports, their subjects and triage rows in the
# transaction of the change (migration 0005), never updated in place (no hot row, no lock between two
# intakes or two decisions); the sum of an inspection's rows per key is its count. `tallies.compact`
# folds the deltas into one row per key. No foreign key: a trigger writes them, and an inspection's
# deleted reports leave rows that sum to zero.


class ReportTally(models.Model):
    """Reports per inspection by status, channel, window and real name."""

    derived = True  # counted from other rows: not data of its own (xuncha/ops: an empty installation)

    inspection_id = models.BigIntegerField()
    status = models.CharField(max_length=16)
    channel_kind = models.CharField(max_length=16)
    in_window = models.BooleanField()
    anonymous = models.BooleanField()
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["inspection_id"], name="tally_report_inspection")]


class DayTally(models.Model):
    """Reports per inspection and day received (in the product's time zone, Asia/Shanghai)."""

    derived = True  # counted from other rows: not data of its own (xuncha/ops: an empty installation)

    inspection_id = models.BigIntegerField()
    day = models.DateField()
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["inspection_id"], name="tally_day_inspection")]


class LabelTally(models.Model):
    """Triage rows per inspection by discipline mask, focus mask and scope."""

    derived = True  # counted from other rows: not data of its own (xuncha/ops: an empty installation)

    inspection_id = models.BigIntegerField()
    disciplines = models.IntegerField()
    focuses = models.IntegerField()
    scope = models.CharField(max_length=16)
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["inspection_id"], name="tally_label_inspection")]


class CategoryTally(models.Model):
    """Reports per inspection with at least one subject of a category ("" : with any subject at all)."""

    derived = True  # counted from other rows: not data of its own (xuncha/ops: an empty installation)

    inspection_id = models.BigIntegerField()
    category = models.CharField(max_length=20)
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["inspection_id"], name="tally_category_inspection")]


class DispositionTally(models.Model):
    """Dispositions per inspection (of their report) by state."""

    derived = True  # counted from other rows: not data of its own (xuncha/ops: an empty installation)

    inspection_id = models.BigIntegerField()
    state = models.CharField(max_length=16)
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["inspection_id"], name="tally_disposition_inspection")]
