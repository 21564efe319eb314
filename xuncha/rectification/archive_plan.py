"""The plan's and the rectification reports' documents for the archive (立卷归档, issue 19): the archive app reads
`archive_files(inspection)` of each source module (the contract: (step, kind, filename, content) tuples, no import
of the archive app). Kept apart from `archive.py` (the rectification app's other documents, written by the archive
work) so that both can be listed; the archive's list of sources should name this module too.

Only what reached the office is filed: a plan or report submitted at least once, as it stands (the trail included).
"""

from __future__ import annotations

from collections.abc import Iterator

from xuncha.inspections.models import Inspection

from .documents_plan import plan_docx, report_docx
from .models import RectificationPlan, RectificationReport

STEP = "rectification"


def archive_files(inspection: Inspection) -> Iterator[tuple[str, str, str, bytes]]:
    target = inspection.target.name
    plan = RectificationPlan.objects.filter(inspection=inspection, submissions__gt=0).select_related("inspection__target").first()
    if plan is not None:
        yield STEP, "rectification_plan", f"整改方案-{target}.docx", plan_docx(plan)
    for report in RectificationReport.objects.filter(inspection=inspection, submissions__gt=0).order_by("kind"):
        yield STEP, "rectification_report", f"{report.get_kind_display()}-{target}.docx", report_docx(report)
