"""The documents aftercare files with an inspection (the archive contract of issue 19): the latest published
rectification (.docx, step "rectification") and the finished assessment report (.docx, step "assessment").
Plain tuples (step, kind, filename, content); nothing imported from the archive app."""

from __future__ import annotations

from collections.abc import Iterator

from xuncha.inspections.models import Inspection

from .documents import assessment_docx, publication_docx
from .models import Assessment
from .selectors import latest_publication


def archive_files(inspection: Inspection) -> Iterator[tuple[str, str, str, bytes]]:
    publication = latest_publication(inspection)
    if publication is not None:
        yield "rectification", "rectification_publication", f"整改公开（第{publication.version}版）.docx", publication_docx(publication)
    assessment = Assessment.objects.filter(inspection=inspection, state=Assessment.State.FINAL).first()
    if assessment is not None:
        yield "assessment", "assessment_report", "整改评估报告.docx", assessment_docx(assessment)
