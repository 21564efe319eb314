"""Archive bombs are refused before anything inflates them."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from xuncha.core.announcement.sources import UnreadableFile, read_announcement_file
from xuncha.core.archives import ArchiveTooLarge, Bounds, check_archive


def _bomb(megabytes: int, name: str = "word/document.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(name, b"<w:t>" + b"a" * (megabytes * 1024 * 1024) + b"</w:t>")
    return buffer.getvalue()


def test_a_docx_that_inflates_to_36_mb_is_refused_at_once() -> None:
    bomb = _bomb(36)
    assert len(bomb) < 200 * 1024
    started = time.perf_counter()
    with pytest.raises(UnreadableFile, match="解压后过大|压缩比异常"):
        read_announcement_file("公告.docx", bomb)
    assert time.perf_counter() - started < 1.0  # bounded work, not a timed benchmark: 36 s before


def test_the_ratio_bound_catches_a_small_but_suspicious_member() -> None:
    with pytest.raises(ArchiveTooLarge, match="压缩比异常"):
        check_archive(_bomb(5), Bounds())


def test_many_members_are_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for i in range(30):
            z.writestr(f"m{i}", b"x")
    with pytest.raises(ArchiveTooLarge, match="部件过多"):
        check_archive(buffer.getvalue(), Bounds(members=20))


def test_a_real_docx_passes() -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("市委第五巡察组巡察防城港职业技术学院党委公告")
    buffer = io.BytesIO()
    doc.save(buffer)
    check_archive(buffer.getvalue())
    assert "公告" in read_announcement_file("公告.docx", buffer.getvalue())


def test_not_a_zip_is_a_clear_message() -> None:
    with pytest.raises(UnreadableFile, match="无法打开该 Word 文件"):
        read_announcement_file("公告.docx", b"not a zip at all")
