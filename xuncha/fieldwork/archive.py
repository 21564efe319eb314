"""Archive source (docs/architecture.md, "立卷归档"): the documents the target delivered on request
(调阅资料), as they are at rest (sealed). The interview schedule is not filed: it names the interviewees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from xuncha.inspections.models import Inspection
from xuncha.uploads import stored_bytes

from .models.documents import DeliveredFile


def archive_files(inspection: Inspection) -> Iterator[tuple[str, str, str, bytes]]:
    files = (DeliveredFile.objects.filter(item__request__inspection=inspection).select_related("item", "item__request")
             .order_by("item__request__number", "item__number", "id"))
    for n, delivered in enumerate(files, start=1):
        content, sealed = stored_bytes(delivered.file)
        item = delivered.item
        name = (f"调阅资料{item.request.number}-{item.number}-{n}{PurePath(delivered.original_name).suffix.lower()}"
                + (".sealed" if sealed else ""))
        yield "fieldwork", "delivered_document", name, content
