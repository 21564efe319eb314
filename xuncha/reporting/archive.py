"""The documents of reporting for the archive (立卷归档): plain tuples (step, kind, filename, content), read by
the archive app without it being imported here. The approved reports (with their approval trail) and the
feedback opinion of each recorded feedback session."""

from __future__ import annotations

from collections.abc import Iterator

from xuncha.inspections.models import Inspection

from .documents import feedback_docx, report_docx
from .models import FeedbackMeeting, InspectionReport, ReportKind, ReportState


def archive_files(inspection: Inspection) -> Iterator[tuple[str, str, str, bytes]]:
    target = inspection.target.name
    for report in InspectionReport.objects.filter(inspection=inspection, state=ReportState.APPROVED).order_by("number"):
        if report.kind == ReportKind.COMPREHENSIVE:
            yield "report", "inspection_report", f"巡察报告-{target}.docx", report_docx(report)
        else:
            yield "report", "special_report", f"专题报告{report.number}-{report.topic}.docx", report_docx(report)
    for meeting in FeedbackMeeting.objects.filter(inspection=inspection).select_related("report").order_by("held_on", "id"):
        yield "feedback", "feedback_opinion", f"反馈意见（{meeting.get_audience_display()}）-{target}.docx", feedback_docx(meeting)
