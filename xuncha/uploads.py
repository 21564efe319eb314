"""Uploads, for every app that takes files: the checks (size and count limits, the type decided by the
content, not the file name), the multi-file form field, and saving files so that nothing is left on disk
when the transaction that saved them rolls back."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import UploadedFile

from xuncha.core import crypto
from xuncha.keys import key_ring

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


class SealedStorage(FileSystemStorage):
    """The media folder, with every file sealed at rest (xuncha.core.crypto.seal_file: SM4-GCM under a
    random per-file key, that key wrapped by the installation's key, which stays outside the database).
    Reading returns the plaintext; a file written before sealing existed (no header) is read as it is
    until `manage.py attachments_seal` seals it. Sizes are the plaintext's."""

    def _save(self, name: str, content: File[Any]) -> str:
        content.seek(0)
        data = content.read()
        sealed = ContentFile(crypto.seal_file(key_ring(), data if isinstance(data, bytes) else data.encode()))
        return str(super()._save(name, sealed))  # type: ignore[misc]  # _save is missing from django-stubs

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("sealed files are written with save(), never opened for writing")
        blob = self.raw(name)
        data = crypto.open_file(key_ring(), blob) if crypto.is_sealed_file(blob) else blob
        return ContentFile(data, name=name)

    def raw(self, name: str) -> bytes:
        """The bytes on disk (sealed)."""
        with open(self.path(name), "rb") as f:
            return f.read()

    def size(self, name: str) -> int:
        path = self.path(name)
        with open(path, "rb") as f:
            header = f.read(6)
        if not crypto.is_sealed_file(header):
            return os.path.getsize(path)
        return crypto.sealed_file_size(os.path.getsize(path), header)

    def is_sealed(self, name: str) -> bool:
        with open(self.path(name), "rb") as f:
            return crypto.is_sealed_file(f.read(len(crypto.FILE_MAGIC)))

    def reseal(self, name: str) -> bool:
        """Bring one file up to date in place: seal it when it is not sealed yet, re-wrap its key when it
        is wrapped with a retired key. Written under a temporary name and renamed over the file, so a
        reader sees the old file or the new one, never half. Returns whether the file changed."""
        blob = self.raw(name)
        ring = key_ring()
        new = crypto.rewrap_file(ring, blob) if crypto.is_sealed_file(blob) else crypto.seal_file(ring, blob)
        if new is None:
            return False
        path = Path(self.path(name))
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, settings.FILE_UPLOAD_PERMISSIONS or 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(new)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return True


_sealed_storage = SealedStorage()


def attachment_storage() -> SealedStorage:
    """The storage of every attachment kept as evidence or case material (reports' files, additions,
    interview records, delivered documents): pass it as FileField(storage=attachment_storage). Every file
    it writes is sealed at rest (SealedStorage); the key ring's rotation re-wraps them
    (xuncha.intake.keys_rotation, which finds them through every FileField that uses this storage)."""
    return _sealed_storage


def sealed_file_fields() -> list[tuple[type[Any], str]]:
    """(model, field name) of every FileField kept in the sealed storage, in every installed app."""
    from django.apps import apps
    from django.db.models import FileField

    out: list[tuple[type[Any], str]] = []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if isinstance(f, FileField) and isinstance(f.storage, SealedStorage):
                out.append((model, f.name))
    return out


def stored_bytes(field_file: Any) -> tuple[bytes, bool]:
    """A stored file's bytes as they are at rest, and whether they are sealed: what an archive package
    carries (identities stay sealed; the key never travels with them)."""
    storage = field_file.storage
    if isinstance(storage, SealedStorage):
        blob = storage.raw(field_file.name)
        return blob, crypto.is_sealed_file(blob)
    with storage.open(field_file.name, "rb") as f:
        return f.read(), False
