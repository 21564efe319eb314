"""Reads of reporting: each takes the acting user and returns only what they may see (`.access`);
what they may not see is a NotFound."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.db.models import QuerySet

from xuncha.errors import NotFound
from xuncha.inspections.models import Inspection
from xuncha.rectification.models import Feedback, Finding

from .access import Reader, report_inspections
from .models import FeedbackMeeting, InspectionReport, ReportKind, ReportVersion, ReviewStep


def reports_of(*, user: Reader, inspection: Inspection) -> QuerySet[InspectionReport]:
    """The reports of an inspection the user may read (all of them, or none)."""
    return InspectionReport.objects.filter(inspection__in=report_inspections(user=user), inspection=inspection)


def report_get(*, user: Reader, pk: int) -> InspectionReport:
    report = (InspectionReport.objects.filter(inspection__in=report_inspections(user=user), pk=pk)
              .select_related("inspection__team", "inspection__target", "inspection__round", "approved_version").first())
    if report is None:
        raise NotFound
    return report


def main_report_get(*, user: Reader, inspection: Inspection) -> InspectionReport:
    """The 巡察报告 of an inspection (404 when there is none or the user may not see it)."""
    report = reports_of(user=user, inspection=inspection).filter(kind=ReportKind.COMPREHENSIVE).first()
    if report is None:
        raise NotFound
    return report


def special_reports_of(*, user: Reader, inspection: Inspection) -> QuerySet[InspectionReport]:
    """The 专题报告 of an inspection the user may read, in their order."""
    return reports_of(user=user, inspection=inspection).filter(kind=ReportKind.SPECIAL).order_by("number")


def special_report_get(*, user: Reader, inspection: Inspection, pk: int) -> InspectionReport:
    """One 专题报告 of the inspection (404 when it is not one, or the user may not see it)."""
    report = (special_reports_of(user=user, inspection=inspection).filter(pk=pk)
              .select_related("inspection__team", "inspection__target", "inspection__round", "approved_version").first())
    if report is None:
        raise NotFound
    return report


def versions_of(report: InspectionReport) -> list[ReportVersion]:
    return list(report.versions.select_related("created_by").order_by("number"))


def steps_of(report: InspectionReport) -> list[ReviewStep]:
    return list(report.steps.select_related("version", "by").order_by("at", "id"))


def approved_findings(inspection: Inspection) -> list[Finding]:
    return list(Finding.objects.filter(inspection=inspection, state=Finding.State.APPROVED).order_by("number"))


def meetings_of(inspection: Inspection) -> dict[str, FeedbackMeeting]:
    return {m.audience: m for m in FeedbackMeeting.objects.filter(inspection=inspection).select_related("recorded_by")}


def meeting_get(*, user: Reader, inspection: Inspection, audience: str) -> FeedbackMeeting:
    meeting = (FeedbackMeeting.objects.filter(inspection__in=report_inspections(user=user), inspection=inspection,
                                              audience=audience)
               .select_related("report__approved_version", "inspection__team", "inspection__target", "inspection__round")
               .first())
    if meeting is None:
        raise NotFound
    return meeting


def feedback_of(inspection: Inspection) -> Feedback | None:
    return Feedback.objects.filter(inspection=inspection).first()


@dataclass(frozen=True)
class DiffLine:
    op: str  # "same", "add", "del"
    text: str


def version_diff(old: ReportVersion, new: ReportVersion) -> list[DiffLine]:
    """The line differences between two versions (what was removed, what was added, in order)."""
    a, b = old.text.splitlines(), new.text.splitlines()
    out: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [DiffLine("same", line) for line in a[i1:i2]]
            continue
        out += [DiffLine("del", line) for line in a[i1:i2]]
        out += [DiffLine("add", line) for line in b[j1:j2]]
    return out
