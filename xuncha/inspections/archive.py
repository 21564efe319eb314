"""Archive source (docs/architecture.md, "立卷归档"): the inspection's documents of the preparation step.
Plain tuples (step, kind, filename, content); the archive app lists this module."""

from __future__ import annotations

from collections.abc import Iterator

from .documents import announcement_docx, announcement_title
from .models import Inspection


def archive_files(inspection: Inspection) -> Iterator[tuple[str, str, str, bytes]]:
    yield "preparation", "announcement", f"{announcement_title(inspection)}.docx", announcement_docx(inspection)
