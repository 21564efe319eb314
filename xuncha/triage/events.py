"""Notifications of triage's events (xuncha.notify): a disposition proposed (to the leaders) or returned
(to its proposer), a referral or a transfer list to sign for (to the receiving body's recipients), and a
handling result fed back (to the team's leaders). Called by the services inside their transaction; the
email follows the commit. Texts carry numbers and links only (never a report's content, a name or an
identity)."""

from __future__ import annotations

from django.urls import reverse

from xuncha.access import Kind, Purpose
from xuncha.access.recipients import may_be_told, recipients_to_tell, team_to_tell
from xuncha.inspections.models import Inspection
from xuncha.intake.models import Report
from xuncha.notify.services import notify

from .models import Clue, Disposition, Referral, TransferBatch


def disposition_proposed(report: Report, disposition: Disposition) -> None:
    """The team's leaders: a proposal to approve (not the proposer, when a leader proposed it)."""
    leaders = [u for u in team_to_tell(report.inspection, leaders_only=True) if u.pk != disposition.proposed_by_id]
    notify(users=leaders, key=f"disposition-proposed:{disposition.pk}",
           text=f"【处置审批】信访件 {report.reference} 有待审批的处置意见（{disposition.get_kind_display()}）。",
           url=reverse("triage:report", args=[report.pk]))


def disposition_returned(report: Report, disposition: Disposition) -> None:
    """The proposer: their proposal came back with the leader's note."""
    proposer = may_be_told([disposition.proposed_by], Kind.CASE, Purpose.READ, report.inspection)
    notify(users=proposer, key=f"disposition-returned:{disposition.pk}",
           text=f"【处置意见退回】信访件 {report.reference} 的处置意见（{disposition.get_kind_display()}）被组长退回，请查看意见。",
           url=reverse("triage:report", args=[report.pk]))


def referral_to_sign(inspection: Inspection, referral: Referral) -> None:
    notify(users=recipients_to_tell(inspection, referral.body_id), key=f"referral:{referral.pk}",
           text=f"【转办件待签收】转办函第{referral.number}号待签收，请于{referral.due_on:%Y-%m-%d}前办理。",
           url=reverse("recipient:referral", args=[referral.pk]))


def batch_to_sign(inspection: Inspection, batch: TransferBatch, count: int) -> None:
    notify(users=recipients_to_tell(inspection, batch.body_id), key=f"transfer-batch:{batch.pk}",
           text=f"【移交清单待签收】问题线索移交清单第{batch.number}号（{count}件）待签收。",
           url=reverse("recipient:batch", args=[batch.pk]))


def result_fed_back(inspection: Inspection, item: Referral | Clue) -> None:
    """The team's leaders: a receiving body fed back the result of a referral or a clue."""
    if isinstance(item, Referral):
        what, key = f"转办函第{item.number}号", f"referral-result:{item.pk}"
    else:
        batch = f"移交清单第{item.batch.number}号" if item.batch else "移交"
        what, key = f"{batch}中的问题线索（编号{item.pk}）", f"clue-result:{item.pk}"
    notify(users=team_to_tell(inspection, leaders_only=True), key=key,
           text=f"【办理结果】{what}的办理结果已反馈。",
           url=reverse("triage:handovers", args=[inspection.pk]))
