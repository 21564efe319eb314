"""A finding's evidence and its approval chain (问题底稿审批): cite evidence of any kind registered in
xuncha.fieldwork.evidence (resolved for the actor: another inspection's object, or one the actor may not
see, is refused), merge a lead (fieldwork.Lead) into a finding or close a lead with a reason, choose
per inspection whether a deputy leader (副组长) reviews before the leader, and print the approval form
(问题底稿审批单, .docx) with every step's opinion."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha import documents
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.errors import Invalid
from xuncha.fieldwork import evidence as registry
from xuncha.fieldwork.models import Lead
from xuncha.inspections.models import Inspection, TeamMember

from ..access import team_inspection_get, team_work_get
from ..models import Finding, FindingEvidence, FindingReviewSetting
from .common import leader_check

MAX_EVIDENCE = 100
LOCKED = (Finding.State.APPROVED,)


@dataclass(frozen=True)
class Cite:
    kind: str
    object_id: int
    page: int | None = None
    note: str = ""


def deputy_step_on(inspection: Inspection) -> bool:
    return FindingReviewSetting.objects.filter(inspection=inspection, deputy_step=True).exists()


def is_deputy(user: User, inspection: Inspection) -> bool:
    """Whether the user serves on the inspection's team as a deputy leader (副组长)."""
    return TeamMember.objects.filter(team_id=inspection.team_id, user=user, position=TeamMember.Position.DEPUTY,
                                      left_at__isnull=True).exists()


def cites_checked(*, actor: User, inspection: Inspection, cites: Sequence[Cite]) -> list[Cite]:
    """The citations, each resolved for the actor within the inspection; Invalid naming each that is not."""
    problems: list[str] = []
    labels = registry.kind_labels()
    if len(cites) > MAX_EVIDENCE:
        problems.append(f"证据最多 {MAX_EVIDENCE} 项。")
    seen: set[tuple[str, int, int | None]] = set()
    out: list[Cite] = []
    for n, c in enumerate(cites, 1):
        note = c.note.strip()
        if c.kind not in labels:
            problems.append(f"第{n}项证据：种类“{c.kind[:20]}”不可用（可用：{'、'.join(sorted(labels))}）。")
            continue
        if c.page is not None and not 1 <= c.page <= 100_000:
            problems.append(f"第{n}项证据：页码应为正整数。")
        if len(note) > 200:
            problems.append(f"第{n}项证据：说明不超过 200 字。")
        if registry.resolve(c.kind, actor=actor, inspection_id=inspection.pk, object_id=c.object_id) is None:
            problems.append(f"第{n}项证据：本巡察任务没有这份{labels[c.kind]}（编号 {c.object_id}）。")
            continue
        key = (c.kind, c.object_id, c.page)
        if key not in seen:
            seen.add(key)
            out.append(Cite(c.kind, c.object_id, c.page, note))
    if problems:
        raise Invalid(problems)
    return out


def evidence_write(finding: Finding, cites: Sequence[Cite], actor: User, *, replace: bool) -> None:
    """Within the caller's transaction: the finding's evidence list set to (or extended by) `cites`."""
    if replace:
        finding.evidence.all().delete()
    have = {(e.kind, e.object_id, e.page) for e in finding.evidence.all()}
    FindingEvidence.objects.bulk_create([
        FindingEvidence(finding=finding, kind=c.kind, object_id=c.object_id, page=c.page, note=c.note, added_by=actor)
        for c in cites if (c.kind, c.object_id, c.page) not in have])


def finding_evidence_add(*, actor: User, finding: Finding, cite: Cite, request: HttpRequest | None = None) -> Finding:
    inspection = team_work_get(user=actor, pk=finding.inspection_id)
    cites = cites_checked(actor=actor, inspection=inspection, cites=[cite])
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.state in LOCKED:
            raise Invalid("问题底稿已审定，不能再修改证据。")
        evidence_write(finding, cites, actor, replace=False)
        audit_record(actor=actor, action="finding.evidence_add", obj=finding, request=request,
                     summary=f"问题{finding.number}引用证据：{cite.kind} {cite.object_id}" + (f" 第{cite.page}页" if cite.page else ""),
                     data={"kind": cite.kind, "id": cite.object_id, "page": cite.page})
    return finding


def finding_evidence_remove(*, actor: User, finding: Finding, evidence_id: int, request: HttpRequest | None = None) -> Finding:
    team_work_get(user=actor, pk=finding.inspection_id)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.state in LOCKED:
            raise Invalid("问题底稿已审定，不能再修改证据。")
        row = finding.evidence.filter(pk=evidence_id).first()
        if row is None:
            raise Invalid("该证据已不在列表中。")
        row.delete()
        audit_record(actor=actor, action="finding.evidence_remove", obj=finding, request=request,
                     summary=f"问题{finding.number}移除证据：{row.kind} {row.object_id}")
    return finding


def finding_lead_merge(*, actor: User, finding: Finding, lead: Lead, request: HttpRequest | None = None) -> Lead:
    """A lead verified: merged into the finding (the lead's state becomes merged)."""
    team_work_get(user=actor, pk=finding.inspection_id)
    if lead.inspection_id != finding.inspection_id:
        raise Invalid("该线索不属于本巡察任务。")
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if lead.state != Lead.State.OPEN:
            raise Invalid(f"线索{lead.number}{lead.get_state_display()}，不能再并入。")
        lead.state = Lead.State.MERGED
        lead.save(update_fields=["state"])
        finding.leads.add(lead)
        audit_record(actor=actor, action="lead.merge", obj=lead, request=request,
                     summary=f"线索{lead.number}并入问题{finding.number}", data={"finding": finding.pk})
    return lead


def lead_close(*, actor: User, lead: Lead, reason: str, request: HttpRequest | None = None) -> Lead:
    """A lead closed without a finding, with the reason (查无实据, 已移交 …)."""
    team_work_get(user=actor, pk=lead.inspection_id)
    reason = reason.strip()
    if not reason:
        raise Invalid("请写明了结理由。")
    if len(reason) > 300:
        raise Invalid("了结理由不超过 300 字。")
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if lead.state != Lead.State.OPEN:
            raise Invalid(f"线索{lead.number}{lead.get_state_display()}，不能再了结。")
        lead.state, lead.close_reason = Lead.State.CLOSED, reason
        lead.save(update_fields=["state", "close_reason"])
        audit_record(actor=actor, action="lead.close", obj=lead, request=request, summary=f"了结线索{lead.number}：{reason[:200]}")
    return lead


def review_setting_set(*, actor: User, inspection: Inspection, deputy_step: bool, request: HttpRequest | None = None) -> None:
    """The leader decides whether findings of the inspection pass a deputy leader first."""
    inspection = team_work_get(user=actor, pk=inspection.pk)
    leader_check(actor, inspection, "设置问题底稿的审批流程")
    with transaction.atomic():
        FindingReviewSetting.objects.update_or_create(inspection=inspection, defaults={"deputy_step": deputy_step, "updated_by": actor})
        audit_record(actor=actor, action="finding.review_setting", obj=inspection, request=request,
                     summary=f"问题底稿审批{'经' if deputy_step else '不经'}副组长审核")


def finding_review_docx(*, actor: User, finding: Finding, labels: Sequence[str], request: HttpRequest | None = None) -> bytes:
    """问题底稿审批单: the finding, its evidence (labels as resolved for the actor) and every step's opinion."""
    inspection = team_inspection_get(user=actor, pk=finding.inspection_id)
    doc = documents.new_document()
    documents.doc_title(doc, "问题底稿审批单", f"问题{finding.number}")
    documents.doc_table(doc, ("项目", "内容"), [
        ("巡察任务", str(inspection)), ("问题", finding.title), ("事实", finding.facts),
        ("违反的规定", finding.rule_broken or "—"), ("证据", "\n".join(labels) or "—"), ("状态", finding.get_state_display()),
    ])
    documents.doc_paragraph(doc, "")
    reviews = list(finding.reviews.select_related("by"))
    documents.doc_table(doc, ("环节", "审批人", "意见", "时间"), [
        (r.get_step_display(), str(r.by), r.get_decision_display() + (f"：{r.opinion}" if r.opinion else ""),
         timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M")) for r in reviews])
    documents.doc_signature(doc, inspection.team.name, timezone.localdate())
    content = documents.doc_bytes(doc)
    audit_record(actor=actor, action="finding.review_export", obj=finding, request=request,
                 summary=f"导出问题{finding.number}审批单")
    return content
