"""Reads of replies (回音, DESIGN §3 rule 7): every matter answered, or a recorded reason why none is due.

For the team of an inspection (leader and members; everyone else 404), per inspection:

- receipt notices (受理告知): a real-name report with a receipt due date (set at registration) and no
  receipt notice yet: due while the date has not passed, overdue after it. A result already sent also
  tells the reporter the report was received, so it counts as the notice;
- results (结果告知): a report whose result due date is set (when the team's handling closes) and no
  result reply yet: due, then overdue;
- unanswered (未答复): a report whose handling has closed, without a result reply and without a reason
  why none is due;
- exempted (已说明无需答复): a report with a recorded reason why no reply is due.

A report with a recorded reason is in no due list. The one reason that can stop being true, "an
anonymous reporter who never looked up with the receipt code", is withdrawn by the look-up itself
(services.lookup_changes, applied by the portal): the report is then unanswered again.

"Today" is an argument (default: the local date), so that tests freeze it instead of waiting.
The counts are one pass over the reports (report_rollup), for any number of reports and inspections
(the dashboard groups the same pass by status and channel); the lists are querysets in the order of
the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection
from xuncha.intake.models import Report, ReportStatus
from xuncha.intake.selectors import analytic_transaction, intake_inspections
from xuncha.paging import Page, page_number
from xuncha.rectification.models import Feedback
from xuncha.triage.models import Disposition, DispositionKind

from .models import Reply

# Statuses in which the team's handling has closed (the result is due to a real-name reporter).
CLOSED_STATUSES = (ReportStatus.REFERRED, ReportStatus.TRANSFERRED, ReportStatus.FILED, ReportStatus.CLOSED)

TABS = ("receipt_due", "receipt_overdue", "result_due", "result_overdue", "unanswered", "exempt")
TAB_LABELS = {
    "receipt_due": "受理告知待办",
    "receipt_overdue": "受理告知逾期",
    "result_due": "结果告知待办",
    "result_overdue": "结果告知逾期",
    "unanswered": "未答复",
    "exempt": "已说明无需答复",
}


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _feedback_inspections() -> QuerySet[Feedback, Any]:
    return Feedback.objects.values("inspection_id")


def has_reply(*kinds: str) -> Exists:
    return Exists(Reply.objects.filter(report=OuterRef("pk"), kind__in=kinds))


def closed_q() -> Q:
    """The team's handling of the report has closed: a final disposition (转办, 移交, 存查, 了结), a result
    due date set otherwise, or, for an accepted report, the feedback given (rectification)."""
    return (Q(status__in=CLOSED_STATUSES) | Q(result_due__isnull=False)
            | Q(status=ReportStatus.ACCEPTED, inspection_id__in=_feedback_inspections()))


def closed_at() -> Any:
    """When the handling closed: the approval of the final disposition; for an accepted report, the feedback."""
    decided = (Disposition.objects.filter(report=OuterRef("pk"), state=Disposition.State.APPROVED)
               .exclude(kind=DispositionKind.ACCEPT).order_by("-decided_at").values("decided_at")[:1])
    feedback = Feedback.objects.filter(inspection=OuterRef("inspection")).values("created_at")[:1]
    return Coalesce(Subquery(decided), Subquery(feedback))


def _receipt_pending(qs: QuerySet[Report]) -> QuerySet[Report]:
    return (qs.filter(anonymous=False, receipt_notice_due__isnull=False, reply_exempt="")
            .exclude(has_reply(Reply.Kind.RECEIPT, Reply.Kind.RESULT)))


def _result_pending(qs: QuerySet[Report]) -> QuerySet[Report]:
    return qs.filter(result_due__isnull=False, reply_exempt="").exclude(has_reply(Reply.Kind.RESULT))


def _unanswered(qs: QuerySet[Report]) -> QuerySet[Report]:
    return qs.filter(closed_q(), reply_exempt="").exclude(has_reply(Reply.Kind.RESULT))


# --- counts: one pass over the reports ----------------------------------------------------------------

ROLLUP_GROUPS = ("status", "channel_kind")
# The classes of a report in the one pass (see _rollup_sql) and the tab each code counts in.
CLASS_TABS = {
    "receipt": {1: "receipt_due", 2: "receipt_overdue"},
    "result": {1: "result_due", 2: "result_overdue"},
    "unanswered": {1: "unanswered"},
    "exempt": {1: "exempt"},
}


def _rollup_sql(ids: list[int], fed: list[int], day: dt.date, by: tuple[str, ...]) -> tuple[str, list[Any]]:
    """The SQL of report_rollup (PostgreSQL and SQLite alike), with its parameters.

    The reports are read once: each row is classified once (receipt: 0 nothing due, 1 due, 2 overdue;
    result: the same; unanswered and exempt: 0 or 1; see CLASS_TABS), then counted per class in groups
    of inspection (and `by`). The replies of a report come from a LEFT JOIN to the replies grouped by
    report: one hash join, no sub-query per report, so PostgreSQL aggregates in parallel workers. Only the
    replies of these inspections' reports are grouped (a semi-join on the reports' inspection index), not
    the whole reply table: the cost follows the inspections in view, not the deployment. Only
    table names and the grouping columns (checked against ROLLUP_GROUPS) are interpolated; every value
    is a parameter."""
    report, reply = Report._meta.db_table, Reply._meta.db_table

    def marks(values: list[Any]) -> str:
        return ", ".join(["%s"] * len(values))

    closed_statuses = [str(s) for s in CLOSED_STATUSES]
    closed = (f"(r.status IN ({marks(closed_statuses)}) OR r.result_due IS NOT NULL"
              + (f" OR (r.status = %s AND r.inspection_id IN ({marks(fed)}))" if fed else "") + ")")
    closed_params: list[Any] = closed_statuses + ([ReportStatus.ACCEPTED.value, *fed] if fed else [])
    classes: list[tuple[str, str, list[Any]]] = [
        ("receipt", "CASE WHEN r.anonymous = %s AND r.receipt_notice_due IS NOT NULL AND r.reply_exempt = '' AND COALESCE(p.notice, 0) = 0 "
                    "THEN (CASE WHEN r.receipt_notice_due >= %s THEN 1 ELSE 2 END) ELSE 0 END", [False, day]),
        ("result", "CASE WHEN r.result_due IS NOT NULL AND r.reply_exempt = '' AND COALESCE(p.result, 0) = 0 "
                   "THEN (CASE WHEN r.result_due >= %s THEN 1 ELSE 2 END) ELSE 0 END", [day]),
        ("unanswered", f"CASE WHEN {closed} AND r.reply_exempt = '' AND COALESCE(p.result, 0) = 0 THEN 1 ELSE 0 END", closed_params),
        ("exempt", "CASE WHEN r.reply_exempt <> '' THEN 1 ELSE 0 END", []),
    ]
    columns = ["inspection_id", *by]
    inner = ", ".join([f"r.{c}" for c in columns] + [f"{expr} AS c_{name}" for name, expr, _ in classes])
    keys = ", ".join(columns)
    sums = ", ".join(f"SUM(CASE WHEN c_{name} = {code} THEN 1 ELSE 0 END) AS n_{tab}"
                     for name, codes in CLASS_TABS.items() for code, tab in codes.items())
    sql = (f"SELECT {keys}, COUNT(*) AS n, {sums} FROM (SELECT {inner} FROM {report} r "  # noqa: S608 - names, not values
           f"LEFT JOIN (SELECT report_id, MAX(CASE WHEN kind IN (%s, %s) THEN 1 ELSE 0 END) AS notice, "
           f"MAX(CASE WHEN kind = %s THEN 1 ELSE 0 END) AS result FROM {reply} WHERE kind IN (%s, %s) "
           f"AND report_id IN (SELECT id FROM {report} WHERE inspection_id IN ({marks(ids)})) GROUP BY report_id) p "
           f"ON p.report_id = r.id WHERE r.inspection_id IN ({marks(ids)})) classified GROUP BY {keys}")
    kinds = [Reply.Kind.RECEIPT.value, Reply.Kind.RESULT.value]
    params = [p for _, _, ps in classes for p in ps] + kinds + [Reply.Kind.RESULT.value] + kinds + ids + ids
    return sql, params


def report_rollup(*, inspection_ids: Iterable[int], today: dt.date | None = None,
                  by: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """One pass over the reports of the inspections: per inspection (and per `by`, a subset of status
    and channel_kind) the number of reports ("n") and of each tab. No access check: for the caller."""
    ids = sorted({int(i) for i in inspection_ids})
    if not ids:
        return []
    if any(col not in ROLLUP_GROUPS for col in by):
        raise ValueError(f"report_rollup groups by {ROLLUP_GROUPS} only")
    fed = sorted(_feedback_inspections().filter(inspection_id__in=ids).values_list("inspection_id", flat=True))
    sql, params = _rollup_sql(ids, fed, _today(today), by)
    with analytic_transaction(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    counted = {"n", *(f"n_{t}" for t in TABS)}
    return [{k.removeprefix("n_"): (int(v or 0) if k in counted else v) for k, v in row.items()} for row in rows]


def reply_counts(*, inspection_ids: Iterable[int], today: dt.date | None = None) -> dict[int, dict[str, int]]:
    """Per inspection: receipt notices and results due and overdue, unanswered and exempted reports.
    No access check: the caller decides whose inspections these are (the team's page, the dashboard)."""
    ids = list(inspection_ids)
    out = {pk: dict.fromkeys(TABS, 0) for pk in ids}
    for row in report_rollup(inspection_ids=ids, today=today):
        out[row["inspection_id"]] = {t: row[t] for t in TABS}
    return out


# --- the team's lists -------------------------------------------------------------------------------


def reply_inspection_get(*, user: User | AnonymousUser, pk: int) -> Inspection:
    """The inspection, if the user's team holds it (the team only: 404 for everyone else)."""
    inspection = intake_inspections(user=user).filter(pk=pk).select_related("team", "target", "round").prefetch_related(None).first()
    if inspection is None:
        raise NotFound
    return inspection


def reply_summary(*, user: User | AnonymousUser, inspection: Inspection, today: dt.date | None = None) -> dict[str, int]:
    reply_inspection_get(user=user, pk=inspection.pk)
    return reply_counts(inspection_ids=[inspection.pk], today=today)[inspection.pk]


def reply_worklist(*, user: User | AnonymousUser, inspection: Inspection, tab: str, today: dt.date | None = None) -> QuerySet[Report]:
    """The reports of one tab, most urgent first (404 unless the user's team holds the inspection)."""
    reply_inspection_get(user=user, pk=inspection.pk)
    if tab not in TABS:
        raise NotFound
    day = _today(today)
    base = Report.objects.filter(inspection_id=inspection.pk)
    if tab == "receipt_due":
        qs = _receipt_pending(base).filter(receipt_notice_due__gte=day).order_by("receipt_notice_due", "pk")
    elif tab == "receipt_overdue":
        qs = _receipt_pending(base).filter(receipt_notice_due__lt=day).order_by("receipt_notice_due", "pk")
    elif tab == "result_due":
        qs = _result_pending(base).filter(result_due__gte=day).order_by("result_due", "pk")
    elif tab == "result_overdue":
        qs = _result_pending(base).filter(result_due__lt=day).order_by("result_due", "pk")
    elif tab == "unanswered":
        qs = _unanswered(base).order_by(F("result_due").asc(nulls_last=True), "pk")
    else:
        qs = base.exclude(reply_exempt="").order_by("-pk")
    return qs.only(
        "pk", "inspection_id", "number", "channel_kind", "received_at", "status", "anonymous",
        "receipt_notice_due", "result_due", "reply_exempt", "reply_exempt_note", "last_lookup_at")


def reply_page(*, user: User | AnonymousUser, inspection: Inspection, tab: str, number: Any, count: int, size: int = 50,
               today: dt.date | None = None) -> Page:
    """One page of a tab. `count` is the tab's count from reply_counts (the pass over the reports the
    page makes anyway), so no second count is run."""
    n = page_number(number)
    qs = reply_worklist(user=user, inspection=inspection, tab=tab, today=today)[(n - 1) * size:n * size + 1]
    with analytic_transaction():
        rows = list(qs)
    return Page(items=rows[:size], number=n, size=size, has_next=len(rows) > size, count=count, capped=False)


def anonymous_unread_ids(*, inspection: Inspection, report_ids: Iterable[int]) -> set[int]:
    """Of the given reports (a page, at most), those for which the proposed reason is ANONYMOUS_UNREAD:
    anonymous, closed, without a result reply or a recorded reason, not looked up since closing."""
    ids = list(report_ids)
    if not ids:
        return set()
    looked_up_since = Q(last_lookup_at__isnull=False) & Q(closed_at__isnull=False) & Q(last_lookup_at__gt=F("closed_at"))
    return set(_unanswered(Report.objects.filter(inspection_id=inspection.pk, pk__in=ids, anonymous=True))
               .alias(closed_at=closed_at()).exclude(looked_up_since).values_list("pk", flat=True))
