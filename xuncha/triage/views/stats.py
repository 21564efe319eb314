"""The team's statistics of an inspection: a page of tables with bars, and the same figures as CSV."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from xuncha import documents
from xuncha.accounts.http import AuthedRequest
from xuncha.audit.services import audit_record
from xuncha.intake.selectors import intake_inspection_get
from xuncha.web import attachment

from ..selectors import result_months, team_statistics

# The tables of counts: (key in the figures, heading, note, queue filter that lists the reports counted).
TABLES = [
    ("channels", "按受理渠道", "", "channel"),
    ("statuses", "按办理状态", "即处置结果", "status"),
    ("scopes", "按受理范围", "", "scope"),
    ("disciplines", "按违反纪律", "六项纪律；一件可涉及多项", "discipline"),
    ("focuses", "按聚焦领域", "四个聚焦；一件可涉及多项", "focus"),
    ("categories", "按被反映人类别", "有该类被反映人的件数；一件可有多名被反映人", "category"),
]


def _percent(count: int, whole: int) -> float:
    return round(100 * count / whole, 1) if whole else 0.0


def _bars(rows: list[dict[str, Any]], total: int, queue_url: str = "", param: str = "") -> list[dict[str, Any]]:
    """Each row with its share of all reports and a bar width (0-100, the largest row of the table is 100)."""
    top = max((r["count"] for r in rows), default=0)
    out = []
    for r in rows:
        href = f"{queue_url}?{urlencode({param: r['code']})}" if queue_url and r["code"] != "none" else ""
        out.append({**r, "share": _percent(r["count"], total), "width": round(100 * r["count"] / top) if top else 0, "href": href})
    return out


def _pairs(figures: dict[str, Any]) -> list[dict[str, Any]]:
    total = figures["total"]
    rows = [{"code": "in", "label": "受理期内", "count": figures["window"]["in"], "param": "window"},
            {"code": "out", "label": "受理期外", "count": figures["window"]["out"], "param": "window"},
            {"code": "yes", "label": "实名", "count": figures["reporters"]["real_name"], "param": "real_name"},
            {"code": "no", "label": "匿名", "count": figures["reporters"]["anonymous"], "param": "real_name"}]
    return [{**r, "share": _percent(r["count"], total), "width": round(_percent(r["count"], total))} for r in rows]


@login_required
def stats(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = intake_inspection_get(user=request.user, pk=pk)
    figures = team_statistics(user=request.user, inspection=inspection)
    total = figures["total"]
    queue_url = reverse("triage:queue", args=[inspection.pk])
    tables = [{"key": key, "title": title, "note": note, "rows": _bars(figures[key], total, queue_url, param)}
              for key, title, note, param in TABLES]
    days = _bars([{"code": d["day"].isoformat(), "label": d["day"], "count": d["count"]} for d in figures["days"]], total)
    return render(request, "triage/stats.html", {
        "inspection": inspection, "f": figures, "tables": tables, "pairs": _pairs(figures), "days": days,
        "queue_url": queue_url, "result_months": figures.get("result_months") or result_months(inspection.office_id),
    })


def _safe(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula is quoted (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_rows(figures: dict[str, Any]) -> list[list[Any]]:
    """The figures of the page as (section, item, count) rows, after a heading naming the inspection."""
    rows: list[list[Any]] = [["巡察任务", str(figures["inspection"]), ""],
                             ["统计时间", f"{timezone.localtime(figures['generated_at']):%Y-%m-%d %H:%M}", ""],
                             ["分组", "项目", "件数"],
                             ["概况", "信访件总数", figures["total"]],
                             ["概况", "尚未研判", figures["untriaged"]],
                             ["概况", "受理期内", figures["window"]["in"]],
                             ["概况", "受理期外", figures["window"]["out"]],
                             ["概况", "实名", figures["reporters"]["real_name"]],
                             ["概况", "匿名", figures["reporters"]["anonymous"]]]
    for key, title, _, _ in TABLES:
        rows += [[title, r["label"], r["count"]] for r in figures[key]]
    d = figures["dispositions"]
    rows += [["处置意见", "待组长审批", d["pending"]], ["处置意见", "已批准", d["approved"]], ["处置意见", "已退回", d["returned"]]]
    r, c = figures["referrals"], figures["clues"]
    rows += [["转办", "转办件", r["total"]], ["转办", "转办函已发出", r["sent"]], ["转办", "接收单位已签收", r["acknowledged"]],
             ["转办", "已反馈办理结果", r["result"]], ["转办", "逾期未反馈", r["overdue"]],
             ["问题线索移交", "问题线索", c["total"]], ["问题线索移交", "已列入移交清单", c["listed"]],
             ["问题线索移交", "接收单位已签收", c["acknowledged"]], ["问题线索移交", "已反馈办理结果", c["result"]],
             ["问题线索移交", "逾期未反馈", c["overdue"]]]
    g = figures["groups"]
    rows += [["重复件", "重复件组", g["count"]], ["重复件", "重复件组内信访件", g["reports"]]]
    rows += [["反映人数最多的重复件组（人数）", f"组号{t['key']}（{t['size']}件、{t['channels']}个渠道）", t["reporters"]] for t in g["top"]]
    rows += [["按收件日期", f"{d['day']:%Y-%m-%d}", d["count"]] for d in figures["days"]]
    return [[_safe(cell) for cell in row] for row in rows]


def _export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    inspection = intake_inspection_get(user=request.user, pk=pk)
    figures = team_statistics(user=request.user, inspection=inspection)
    rows = csv_rows(figures)
    audit_record(actor=request.user, action="triage.stats_export", obj=inspection, request=request,
                 summary=f"导出巡察统计（{fmt.upper()}）：{inspection}（信访件{figures['total']}件）")
    name = f"巡察统计-{inspection.pk}-{timezone.localdate():%Y%m%d}"
    if fmt == "xlsx":
        return attachment(stats_xlsx(rows), documents.XLSX, f"{name}.xlsx")
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    # UTF-8 with a byte order mark, so that Excel opens the Chinese text correctly.
    return attachment(buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", f"{name}.csv")


def stats_xlsx(rows: list[list[Any]]) -> bytes:
    """The same rows as the CSV, as a worksheet: the heading lines, then 分组/项目/件数 with numbers as numbers."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("巡察统计")
    bold = book.add_format({"bold": True})
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 2, 10)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            sheet.write(i, j, value, bold if i == 2 else None)
    sheet.freeze_panes(3, 0)
    book.close()
    return buffer.getvalue()


@login_required
def stats_csv(request: AuthedRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "csv")


@login_required
def stats_xlsx_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "xlsx")
