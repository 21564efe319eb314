"""The one list of archive sources (docs/architecture.md, "立卷归档"): every app with documents to file
has a module `xuncha/<app>/archive.py` whose `archive_files(inspection)` yields (step, kind, filename,
content); a new one is added here with one line."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from xuncha.aftercare import archive as aftercare_archive
from xuncha.fieldwork import archive as fieldwork_archive
from xuncha.inspections import archive as inspections_archive
from xuncha.inspections.models import Inspection
from xuncha.intake import archive as intake_archive
from xuncha.rectification import archive as rectification_archive
from xuncha.rectification import archive_plan as rectification_plan_archive
from xuncha.reporting import archive as reporting_archive
from xuncha.surveys import archive as surveys_archive
from xuncha.triage import archive as triage_archive

from .package import STEPS, Source

ArchiveFiles = Callable[[Inspection], Iterator[tuple[str, str, str, bytes]]]

SOURCES: list[ArchiveFiles] = [
    inspections_archive.archive_files,
    intake_archive.archive_files,
    triage_archive.archive_files,
    fieldwork_archive.archive_files,
    surveys_archive.archive_files,
    rectification_archive.archive_files,
    rectification_plan_archive.archive_files,
    reporting_archive.archive_files,
    aftercare_archive.archive_files,
]


def collect(inspection: Inspection) -> list[Source]:
    out = []
    for archive_files in SOURCES:
        for step, kind, filename, content in archive_files(inspection):
            if step not in STEPS:
                raise ValueError(f"{archive_files.__module__}: unknown archive step {step!r}")
            out.append(Source(step=step, kind=kind, filename=filename, content=content))
    return out
