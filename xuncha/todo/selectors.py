"""我的待办: the lines of work waiting for the user, per role, each with a count, how long the oldest has
waited and the page where the work is done.

Every line narrows a queryset by `xuncha.access.scope` (or the app's own visibility selector): nothing the
user may not see is counted. Each line is one GROUP BY query over all the inspections in view (never a
query per inspection), plus one query for the inspections' names: a fixed number of queries whatever the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Min, QuerySet
from django.urls import reverse
from django.utils import timezone

from xuncha.access import Kind, Purpose, actor_of, scope
from xuncha.accounts.models import User
from xuncha.exports.selectors import ready_not_downloaded
from xuncha.fieldwork.models.documents import DocumentRequest
from xuncha.fieldwork.selectors_documents import waiting_items
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import live_q, missing_channels
from xuncha.rectification.models import Finding, ImmediateNotice, ItemStatus, RectificationItem
from xuncha.rectification.selectors import LedgerFilters, overdue_q
from xuncha.rectification.selectors_plan import liaison_targets, plans_to_review, reports_to_review, target_rows
from xuncha.replies.selectors import reply_counts
from xuncha.reporting.models import InspectionReport, ReportState
from xuncha.triage.models import Disposition, Referral, TransferBatch, Triage
from xuncha.triage.selectors import OPEN_FOR_TRIAGE, offices_q, returned_dispositions


@dataclass(frozen=True)
class Line:
    kind: str
    title: str
    count: int
    url: str
    oldest_at: dt.datetime | None = None

    @property
    def waited(self) -> str:
        """“最久 N 天” (days in the product's time zone), or "" when the age is not known."""
        if self.oldest_at is None:
            return ""
        days = (timezone.localdate() - timezone.localtime(self.oldest_at).date()).days
        return "最久不到 1 天" if days <= 0 else f"最久 {days} 天"


def _per_inspection(qs: QuerySet[Any], via: str, oldest: str, count: str = "pk") -> list[dict[str, Any]]:
    """Per inspection: how many (distinct `count`: the line's page lists them) and the oldest."""
    n = Count(count) if count == "pk" else Count(count, distinct=True)
    rows = qs.values(ins=F(f"{via}_id")).annotate(n=n, oldest=Min(oldest)).order_by("ins")
    return [{"inspection_id": r["ins"], "n": r["n"], "oldest": r["oldest"]} for r in rows]


def _names(ids: Iterable[int]) -> dict[int, str]:
    rows = Inspection.objects.filter(pk__in=set(ids)).values_list("pk", "target__name")
    return {pk: name for pk, name in rows}


def _team_lines(user: User) -> list[tuple[str, str, str, dict[str, Any], dict[str, str]]]:
    """(kind, title, url name, row, query) for each inspection with work of the kind; names filled later."""
    out: list[tuple[str, str, str, dict[str, Any], dict[str, str]]] = []
    approve = scope(user, Kind.CASE, Purpose.APPROVE, via="report__inspection")
    proposed = Disposition.objects.filter(approve, live_q("report__inspection"), state=Disposition.State.PROPOSED)
    for row in _per_inspection(proposed, "report__inspection", "proposed_at"):
        out.append(("disposition_approve", "待审批的处置意见", "triage:approvals", row, {}))
    for row in _per_inspection(Finding.objects.filter(scope(user, Kind.CASE, Purpose.APPROVE), live_q("inspection"), state=Finding.State.SUBMITTED),
                               "inspection", "created_at"):
        out.append(("finding_approve", "待审定的问题底稿", "rectification:findings", row, {"state": Finding.State.SUBMITTED}))
    for row in _per_inspection(Finding.objects.filter(scope(user, Kind.CASE, Purpose.APPROVE), live_q("inspection"), state=Finding.State.DEPUTY),
                               "inspection", "created_at"):
        out.append(("finding_review", "待副组长审核的问题底稿", "rectification:findings", row, {"state": Finding.State.DEPUTY}))
    pending = DocumentRequest.objects.filter(scope(user, Kind.REQUEST, Purpose.APPROVE), live_q("inspection"),
                                             state=DocumentRequest.State.PENDING)
    for row in _per_inspection(pending, "inspection", "created_at"):
        out.append(("document_request_approve", "待批准的调阅资料通知（敏感）", "fieldwork:documents", row, {"state": "pending"}))
    answered = ImmediateNotice.objects.filter(scope(user, Kind.CASE, Purpose.APPROVE), live_q("inspection"),
                                              state=ImmediateNotice.State.ANSWERED)
    for row in _per_inspection(answered, "inspection", "issued_at"):
        out.append(("notice_check", "待核查的立行立改答复", "rectification:notices", row, {}))
    work = scope(user, Kind.CASE, Purpose.WORK, via="report__inspection")
    # Labels not confirmed on a report still in the team's hands (one referred or filed needs no more triage).
    # The queue's filter todo=triage lists exactly these reports (xuncha.triage.selectors.queue).
    untriaged = Triage.objects.filter(work, live_q("report__inspection"), labels_confirmed=False, report__status__in=OPEN_FOR_TRIAGE)
    for row in _per_inspection(untriaged, "report__inspection", "triaged_at"):
        out.append(("report_triage", "待研判的信访件（分类未确认）", "triage:queue", row, {"todo": "triage"}))
    # Counted by report, as the queue's filter todo=returned lists them (one row per report).
    returned = returned_dispositions(user).filter(work, live_q("report__inspection"))
    for row in _per_inspection(returned, "report__inspection", "decided_at", count="report"):
        out.append(("disposition_returned", "被退回的处置意见", "triage:queue", row, {"todo": "returned", "sort": "old"}))
    findings = Finding.objects.filter(scope(user, Kind.CASE, Purpose.WORK), live_q("inspection"), state=Finding.State.RETURNED, created_by=user)
    for row in _per_inspection(findings, "inspection", "created_at"):
        out.append(("finding_returned", "被退回的问题底稿", "rectification:findings", row,
                    {"state": Finding.State.RETURNED, "mine": "1"}))
    # Reports (巡察报告): the 组务会's decision is the leader's; a returned report is the team's (reporting:list?state=).
    meeting = InspectionReport.objects.filter(scope(user, Kind.CASE, Purpose.APPROVE), live_q("inspection"),
                                              state=ReportState.TEAM_MEETING)
    for row in _per_inspection(meeting, "inspection", "submitted_at"):
        out.append(("report_team_meeting", "待组务会审议的巡察报告", "reporting:list", row, {"state": ReportState.TEAM_MEETING}))
    sent_back = InspectionReport.objects.filter(scope(user, Kind.CASE, Purpose.WORK), live_q("inspection"), state=ReportState.RETURNED)
    for row in _per_inspection(sent_back, "inspection", "submitted_at"):
        out.append(("report_returned", "被退回修改的巡察报告", "reporting:list", row, {"state": ReportState.RETURNED}))
    return out


def _reply_lines(user: User) -> list[tuple[str, str, str, dict[str, Any], dict[str, str]]]:
    ids = list(Inspection.objects.filter(scope(user, Kind.CASE, Purpose.WORK, via=""), live_q()).values_list("pk", flat=True))
    out: list[tuple[str, str, str, dict[str, Any], dict[str, str]]] = []
    if not ids:
        return out
    # One line per tab of the replies page (due, and overdue apart), so that a line's count is its tab's rows.
    for pk, counts in sorted(reply_counts(inspection_ids=ids).items()):
        for kind, title, tab in (("reply_receipt", "待告知受理情况（已逾期）", "receipt_overdue"),
                                 ("reply_receipt", "待告知受理情况", "receipt_due"),
                                 ("reply_result", "待告知办理结果（已逾期）", "result_overdue"),
                                 ("reply_result", "待告知办理结果", "result_due")):
            if counts[tab]:
                out.append((kind, title, "replies:replies", {"inspection_id": pk, "n": counts[tab], "oldest": None}, {"tab": tab}))
    return out


def _with_names(rows: list[tuple[str, str, str, dict[str, Any], dict[str, str]]]) -> list[Line]:
    names = _names(r[3]["inspection_id"] for r in rows)
    lines = []
    for kind, title, url_name, row, query in rows:
        url = reverse(url_name, args=[row["inspection_id"]])
        if query:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        lines.append(Line(kind, f"{title}（{names.get(row['inspection_id'], '')}）", row["n"], url, row["oldest"]))
    return lines


def _agg(qs: QuerySet[Any], oldest: str) -> tuple[int, Any]:
    row = qs.aggregate(n=Count("pk"), oldest=Min(oldest))
    return int(row["n"]), row["oldest"]


def _day_start(day: dt.date | None) -> dt.datetime | None:
    return None if day is None else timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _liaison_lines(user: User, today: dt.date) -> list[Line]:
    lines = []
    notices = ImmediateNotice.objects.filter(scope(user, Kind.TARGET, Purpose.WORK), live_q("inspection"),
                                             state__in=[ImmediateNotice.State.ISSUED, ImmediateNotice.State.RETURNED])
    n, oldest = _agg(notices, "issued_at")
    if n:
        lines.append(Line("notice_answer", "待答复的立行立改通知", n, reverse("liaison:notices") + "?state=waiting", oldest))
    # Items of document requests sent to the organisation, still to deliver (the list page shows them by request).
    n, oldest = _agg(waiting_items(user=user), "request__sent_at")
    if n:
        lines.append(Line("document_deliver", "待报送的调阅资料", n, reverse("fieldwork:liaison_requests"), oldest))
    # The same filters as the page each line links to (liaison:items, not archived inspections' items).
    items = RectificationItem.objects.filter(scope(user, Kind.TARGET, Purpose.WORK), live_q("inspection"))
    n, oldest = _agg(LedgerFilters(overdue=True).apply(items, today), "deadline")
    if n:
        lines.append(Line("item_overdue", "逾期未完成的整改事项", n, reverse("liaison:items") + "?overdue=1", _day_start(oldest)))
    n, oldest = _agg(LedgerFilters(due_soon=True).apply(items, today), "deadline")
    if n:
        lines.append(Line("item_due", "即将到期的整改事项", n, reverse("liaison:items") + "?due=soon", None))
    n, oldest = _agg(LedgerFilters(returned=True).apply(items, today), "updated_at")
    if n:
        lines.append(Line("item_returned", "被退回的整改事项", n, reverse("liaison:items") + "?state=returned", oldest))
    return lines + _plan_lines(user, today)


def _plan_lines(user: User, today: dt.date) -> list[Line]:
    """The plan and the reports still to submit after the feedback: the rows of /target/rectification/?todo=…"""
    rows = target_rows(inspections=liaison_targets(user=user), today=today)
    lines = []
    plans = [r for r in rows if r.plan_waiting]
    reports = [r for r in rows if r.reports_waiting]
    for kind, title, todo, waiting, late in (
            ("plan_submit", "待报送的整改方案", "plan", plans, sum(1 for r in plans if r.plan_due.overdue)),
            ("rectification_report_submit", "待报送的整改报告", "report", reports, sum(1 for r in reports if r.report_due.overdue))):
        if waiting:
            oldest = min(r.feedback.created_at for r in waiting)
            lines.append(Line(kind, title + (f"（{late}件已逾期）" if late else ""), len(waiting),
                              reverse("liaison:targets") + f"?todo={todo}", oldest))
    return lines


def _office_lines(user: User, today: dt.date) -> list[Line]:
    done = RectificationItem.objects.filter(scope(user, Kind.RECTIFICATION, Purpose.APPROVE), live_q("inspection"),
                                            status=ItemStatus.DONE)
    lines = _with_names([("item_sign_off", "待核验销号的整改事项", "rectification:ledger", row, {"status": "done"})
                         for row in _per_inspection(done, "inspection", "updated_at")]
                        + [("plan_review", "待审核的整改方案", "rectification:plan", row, {})
                           for row in _per_inspection(plans_to_review(user=user), "inspection", "submitted_at")]
                        + [("rectification_report_review", "待审核的整改报告", "rectification:rectification_reports", row,
                            {"state": "submitted"}) for row in _per_inspection(reports_to_review(user=user), "inspection", "submitted_at")])
    for state, kind, title in ((ReportState.OFFICE, "report_office", "待巡察办审核的巡察报告"),
                               (ReportState.LEADING_GROUP, "report_leading_group", "待领导小组审定的巡察报告")):
        reports = InspectionReport.objects.filter(scope(user, Kind.INSPECTION, Purpose.APPROVE), live_q("inspection"), state=state)
        lines += _with_names([(kind, title, "reporting:list", row, {"state": state})
                              for row in _per_inspection(reports, "inspection", "submitted_at")])
    # The inspections list's filter missing=channels (its default view: not archived).
    bare = Inspection.objects.filter(scope(user, Kind.INSPECTION, Purpose.APPROVE, via=""), live_q()).filter(missing_channels())
    n, oldest = _agg(bare, "created_at")
    if n:
        lines.append(Line("inspection_no_channel", "尚未设置受理渠道的巡察任务", n, reverse("inspections:list") + "?missing=channels",
                          oldest))
    overdue = RectificationItem.objects.filter(scope(user, Kind.RECTIFICATION, Purpose.APPROVE), live_q("inspection")).filter(
        overdue_q(today))
    n, oldest = _agg(overdue, "deadline")
    if n:
        lines.append(Line("item_overdue_all", "逾期未完成的整改事项", n, reverse("rectification:overdue"), _day_start(oldest)))
    return lines


def _recipient_lines(user: User) -> list[Line]:
    lines = []
    home = reverse("recipient:home")
    work = scope(user, Kind.HANDOVER, Purpose.WORK)
    n, oldest = _agg(TransferBatch.objects.filter(work, signed_at__isnull=True), "created_at")
    if n:
        lines.append(Line("batch_sign", "待签收的移交清单", n, home + "?state=unsigned#batches", oldest))
    n, oldest = _agg(Referral.objects.filter(work, acknowledged_at__isnull=True), "created_at")
    if n:
        lines.append(Line("referral_acknowledge", "待签收的转办件", n, home + "?state=unsigned#batches", oldest))
    n, oldest = _agg(Referral.objects.filter(work).filter(offices_q(overdue=True)), "acknowledged_at")
    if n:
        lines.append(Line("result_overdue", "逾期未反馈办理结果的转办件", n, home + "?state=overdue#referrals", oldest))
    return lines


def todo_lines(*, user: User, today: dt.date | None = None) -> list[Line]:
    """The user's to-do lines, in the order of the page (an empty list: nothing waits)."""
    today = today or timezone.localdate()
    actor = actor_of(user)
    lines: list[Line] = []
    if actor.teams:
        lines += _with_names(_team_lines(user) + _reply_lines(user))
    if actor.orgs:
        lines += _liaison_lines(user, today)
    if actor.is_office:
        lines += _office_lines(user, today)
    if actor.bodies:
        lines += _recipient_lines(user)
    # Anyone's own background exports (xuncha.exports), whatever their role: finished, not yet downloaded.
    n, oldest = _agg(ready_not_downloaded(user=user), "finished_at")
    if n:
        lines.append(Line("export_ready", "导出已完成", n, reverse("exports:index"), oldest))
    return lines


def has_todo(user: User) -> bool:
    """Whether the user holds a role with a to-do list (home sends them to it)."""
    actor = actor_of(user)
    return bool(actor.teams or actor.orgs or actor.is_office or actor.bodies)
