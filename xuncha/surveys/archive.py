"""Archive source (docs/architecture.md, "立卷归档"): the report of every published survey (results only,
small groups hidden as on the page; no answer sheet, no code)."""

from __future__ import annotations

from collections.abc import Iterator

from xuncha.inspections.models import Inspection

from .exports import results_docx
from .models import Survey
from .results import survey_results


def archive_files(inspection: Inspection) -> Iterator[tuple[str, str, str, bytes]]:
    for survey in Survey.objects.filter(inspection=inspection, state=Survey.State.PUBLISHED).order_by("id"):
        yield "fieldwork", "survey_results", f"{survey.title}情况报告.docx", results_docx(survey_results(survey))
