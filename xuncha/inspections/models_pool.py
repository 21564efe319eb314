"""The inspectors' pool (巡察人员库): people available for teams, their expertise, their past rounds and
ratings, the relations they declared with organisations, and each round's authorisation (一次一授权)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Expertise(models.TextChoices):
    FINANCE = "finance", "财务"
    CONSTRUCTION = "construction", "工程建设"
    PERSONNEL = "personnel", "干部人事"
    DISCIPLINE = "discipline", "纪检监察"
    AUDIT = "audit", "审计"
    LAW = "law", "法律"


class Person(models.Model):
    """Someone in the pool: a cadre of the office or of another unit who may serve on a team."""

    name = models.CharField("姓名", max_length=64)
    unit = models.CharField("工作单位", max_length=120)
    # The organisation the person works in, when it is one the platform inspects (a cross inspection
    # never sends someone to inspect their own unit).
    unit_org = models.ForeignKey("inspections.TargetOrg", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="staff", verbose_name="所在被巡察单位")
    post = models.CharField("职务", max_length=120, blank=True)
    # Expertise codes between commas (",finance,audit,"), so that one tag is one portable `contains` filter.
    expertise = models.CharField("专长", max_length=200, blank=True)
    office = models.ForeignKey("inspections.Office", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="people", verbose_name="所属巡察办")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="pool_entries", verbose_name="系统账号")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "巡察人员"
        verbose_name_plural = "巡察人员库"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"

    @property
    def expertise_codes(self) -> list[str]:
        return [c for c in self.expertise.split(",") if c]

    @property
    def expertise_labels(self) -> list[str]:
        labels = dict(Expertise.choices)
        return [str(labels.get(c, c)) for c in self.expertise_codes]


class PersonRelation(models.Model):
    """A relation the person declared with an organisation: a spouse or relative working there, or a
    former post there (with its dates)."""

    class Kind(models.TextChoices):
        SPOUSE = "spouse", "配偶在该单位任职"
        RELATIVE = "relative", "近亲属在该单位任职"
        FORMER_POST = "former_post", "曾在该单位任职"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations", verbose_name="巡察人员")
    org = models.ForeignKey("inspections.TargetOrg", on_delete=models.CASCADE, related_name="declared_relations",
                            verbose_name="单位")
    kind = models.CharField("关系", max_length=16, choices=Kind.choices)
    detail = models.CharField("说明", max_length=200, blank=True)
    start_date = models.DateField("起始日期", null=True, blank=True)
    end_date = models.DateField("终止日期", null=True, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "申报关系"
        verbose_name_plural = "申报关系"
        ordering = ["person", "id"]


class PersonRound(models.Model):
    """A round the person served in, with the rating after it (1–5)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rounds", verbose_name="巡察人员")
    round = models.ForeignKey("inspections.Round", on_delete=models.PROTECT, related_name="pool_people", verbose_name="巡察轮次")
    rating = models.PositiveSmallIntegerField("评价", null=True, blank=True)
    note = models.CharField("评价说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "参加巡察经历"
        verbose_name_plural = "参加巡察经历"
        constraints = [models.UniqueConstraint(fields=["person", "round"], name="uniq_person_round")]


class Authorisation(models.Model):
    """一次一授权: a member's authorisation for one round, with the confidentiality pledge and the
    conflict declaration signed for that round (recorded here, or the signed scan's reference)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="authorisations", verbose_name="巡察人员")
    round = models.ForeignKey("inspections.Round", on_delete=models.PROTECT, related_name="authorisations", verbose_name="巡察轮次")
    team = models.ForeignKey("inspections.Team", on_delete=models.PROTECT, related_name="authorisations", verbose_name="巡察组")
    pledge_signed_on = models.DateField("保密承诺签署日期")
    declaration = models.TextField("回避声明", help_text="本人申报的利益冲突情况；无则填“无”")
    document = models.CharField("签署件编号", max_length=120, blank=True, help_text="扫描件的存档编号（线下签署时）")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "巡察授权"
        verbose_name_plural = "巡察授权"
        constraints = [models.UniqueConstraint(fields=["person", "round"], name="uniq_authorisation_per_round")]
