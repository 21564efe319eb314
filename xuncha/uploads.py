"""Uploads, for every app that takes files: the checks (size and count limits, the type decided by the
content, not the file name), the multi-file form field, and saving files so that nothing is left on disk
when the transaction that saved them rolls back."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import UploadedFile

# (label, content type, accepted extensions)
IMAGE_JPEG = ("JPEG 图片", "image/jpeg", {".jpg", ".jpeg"})
IMAGE_PNG = ("PNG 图片", "image/png", {".png"})
IMAGE_GIF = ("GIF 图片", "image/gif", {".gif"})
IMAGE_WEBP = ("WebP 图片", "image/webp", {".webp"})
PDF = ("PDF 文档", "application/pdf", {".pdf"})
OLE = ("Office 97-2003 文档", "application/x-ole-storage", {".doc", ".xls", ".ppt", ".wps", ".et"})
DOCX = ("Word 文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", {".docx"})
XLSX = ("Excel 表格", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"})
PPTX = ("PowerPoint 演示文稿", "application/vnd.openxmlformats-officedocument.presentationml.presentation", {".pptx"})

ALLOWED_HELP = "图片（JPG、PNG、GIF、WebP）、PDF、Word、Excel、PowerPoint 文件"


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    sha256: str


def sniff(content: bytes) -> tuple[str, str, set[str]] | None:
    """The file's real type from its first bytes (and, for Office Open XML, its parts)."""
    if content.startswith(b"\xff\xd8\xff"):
        return IMAGE_JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return IMAGE_PNG
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return IMAGE_GIF
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return IMAGE_WEBP
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return DOCX
            if any(n.startswith("xl/") for n in names):
                return XLSX
            if any(n.startswith("ppt/") for n in names):
                return PPTX
    return None


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def check_files(files: Sequence[UploadedFile[Any]], *, already: int = 0) -> list[CheckedFile]:
    """Validate uploads; raises ValidationError with one Chinese message per problem file."""
    problems: list[str] = []
    if len(files) + already > settings.ATTACHMENT_MAX_COUNT:
        problems.append(f"附件最多 {settings.ATTACHMENT_MAX_COUNT} 个，本次选择了 {len(files)} 个。")
    checked: list[CheckedFile] = []
    limit_mb = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
    for upload in files:
        name = (upload.name or "附件").replace("/", "_").replace("\\", "_")[-120:]
        if upload.size is not None and upload.size > settings.ATTACHMENT_MAX_BYTES:
            problems.append(f"“{name}”超过 {limit_mb} MB，请压缩或拆分后上传。")
            continue
        content = upload.read()
        if len(content) > settings.ATTACHMENT_MAX_BYTES:
            problems.append(f"“{name}”超过 {limit_mb} MB，请压缩或拆分后上传。")
            continue
        kind = sniff(content)
        if kind is None:
            problems.append(f"“{name}”不是可接受的文件类型。可上传：{ALLOWED_HELP}。")
            continue
        label, content_type, extensions = kind
        if _extension(name) not in extensions:
            problems.append(f"“{name}”的扩展名与内容不符（内容是{label}），请确认文件后重新选择。")
            continue
        checked.append(CheckedFile(name, content, content_type, hashlib.sha256(content).hexdigest()))
    if problems:
        raise ValidationError(problems)
    return checked


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file input that takes several files; cleans to a list (empty when none was chosen)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


@contextmanager
def removed_on_failure() -> Iterator[list[str]]:
    """Wrap a transaction that writes files: append each saved file's storage name to the list this
    yields; if the block fails (and so its transaction rolled back), the files are deleted again, so
    nothing orphaned stays on disk.

        with removed_on_failure() as saved, transaction.atomic():
            obj.file.save(name, ContentFile(content), save=False)
            saved.append(obj.file.name)
    """
    saved: list[str] = []
    try:
        yield saved
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise


def attachment_storage() -> Storage:
    """The storage of every attachment kept as evidence or case material (reports' files, additions,
    interview records, delivered documents): pass it as FileField(storage=attachment_storage) so the
    way files are kept at rest is decided here, in one place."""
    return default_storage
