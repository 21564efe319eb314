"""The archive package (docs/architecture.md, "立卷归档"): one .zip that opens without the system.

    说明.txt                      what the package is and how to check it by hand
    卷内目录.docx                  the catalogue, by work step, with each file's retention period
    移交清单.docx                  the hand-over list for the archives office
    01-巡察准备/001-….docx         the files, one folder per work step
    manifest.json                 {"inspection", "filed_at", "version", "files": [{"path", "sm3", "step", "kind",
                                  "title", "retention"}], "signature"}

`sm3` is the SM3 of the file exactly as stored in the zip. Case files are there as they are at rest
(sealed, `.sealed`): identities stay sealed and the key file is never in the package. The signature is
HMAC-SM3 over the manifest without its signature (sorted keys, compact JSON), keyed by the
installation's key (`xuncha.keys`, the receipt-code key, which is never rotated, in its own domain), so
`manage.py archive_verify` on the installation finds any changed, added or removed file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from xuncha.core.sm import sm3_hex, sm3_hmac_hex
from xuncha.documents import cn_date, doc_bytes, doc_paragraph, doc_table, doc_title, local_date, new_document
from xuncha.keys import key_ring

# The work steps of an inspection, in the order of the catalogue (the contract of xuncha/*/archive.py).
STEPS: dict[str, str] = {
    "preparation": "巡察准备",
    "mobilization": "巡察动员",
    "fieldwork": "了解情况",
    "report": "巡察报告",
    "feedback": "巡察反馈",
    "transfer": "问题移交",
    "rectification": "整改落实",
    "assessment": "整改评估",
}
INDEX = "index"  # the package's own papers: the notes, the catalogue, the hand-over list
MANIFEST = "manifest.json"
SIGNATURE_DOMAIN = b"xuncha-archive-manifest\x1f"


def retention_of(kind: str) -> str:
    """The retention period of a kind of document, from the configurable schedule (settings)."""
    return str(settings.ARCHIVE_RETENTION.get(kind, settings.ARCHIVE_RETENTION_DEFAULT))


@dataclass(frozen=True)
class Source:
    step: str
    kind: str
    filename: str
    content: bytes


@dataclass
class Package:
    content: bytes
    manifest: dict[str, Any]
    manifest_sm3: str


def _safe(name: str) -> str:
    return "".join("_" if c in '/\\:*?"<>|\x00' else c for c in name).strip() or "文件"


def canonical(manifest: dict[str, Any]) -> bytes:
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(unsigned, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sign(manifest: dict[str, Any]) -> str:
    return sm3_hmac_hex(key_ring().receipt_key, SIGNATURE_DOMAIN + canonical(manifest))


def _notes(title: str, filed_at: dt.datetime) -> bytes:
    return "\n".join([
        f"{title} 档案包（{cn_date(local_date(filed_at))}立卷归档）", "",
        "卷内目录.docx：按工作环节列出全部文件及保管期限。",
        "移交清单.docx：向档案部门移交时签字用。",
        "manifest.json：每个文件在本压缩包中的路径、SM3 摘要、工作环节和保管期限，以及签名。",
        "文件名以 .sealed 结尾的是按系统中的加密原样保存的案件材料（含反映人、谈话对象等身份信息的不解密），",
        "须在巡察通中以密钥文件打开；密钥文件不在本档案包中。",
        "核对：对每个文件计算 SM3，应与 manifest.json 中的 sm3 一致；签名由巡察通的 manage.py archive_verify 核验。", "",
    ]).encode("utf-8")


def _catalogue(title: str, entries: list[dict[str, Any]], sizes: dict[str, int]) -> bytes:
    doc = new_document()
    doc_title(doc, "卷内目录")
    doc_paragraph(doc, title)
    rows = []
    for n, e in enumerate(entries, start=1):
        rows.append((str(n), STEPS.get(e["step"], "目录"), e["title"], e["retention"], f"{sizes[e['path']]:,} 字节",
                     e["sm3"][:16]))
    doc_table(doc, ("序号", "工作环节", "文件题名", "保管期限", "大小", "SM3（前16位）"), rows)
    return doc_bytes(doc)


def _handover(title: str, entries: list[dict[str, Any]], filed_at: dt.datetime, filed_by: str) -> bytes:
    doc = new_document()
    doc_title(doc, "档案移交清单")
    doc_paragraph(doc, f"案卷题名：{title}")
    doc_paragraph(doc, f"立卷归档日期：{cn_date(local_date(filed_at))}；立卷人：{filed_by}")
    by_retention: dict[str, int] = {}
    by_step: dict[str, int] = {}
    for e in entries:
        by_retention[e["retention"]] = by_retention.get(e["retention"], 0) + 1
        by_step[e["step"]] = by_step.get(e["step"], 0) + 1
    doc_table(doc, ("工作环节", "文件数"), [(STEPS[s], str(by_step[s])) for s in STEPS if s in by_step])
    doc_paragraph(doc)
    doc_table(doc, ("保管期限", "文件数"), [(k, str(v)) for k, v in sorted(by_retention.items())])
    doc_paragraph(doc, f"共 {len(entries)} 个文件，另附卷内目录和 manifest.json（各文件的 SM3 摘要及签名）。")
    doc_paragraph(doc, "移交人（签字）：                    接收人（签字）：")
    doc_paragraph(doc, "移交日期：      年    月    日")
    return doc_bytes(doc)


def build(*, inspection_id: int, title: str, version: int, filed_at: dt.datetime, filed_by: str,
          sources: Iterable[Source]) -> Package:
    """The zip and its signed manifest. Files come in step order (the catalogue's), numbered per step."""
    ordered = sorted(sources, key=lambda s: list(STEPS).index(s.step))
    files: list[tuple[dict[str, Any], bytes]] = []
    numbers: dict[str, int] = {}
    steps = list(STEPS)
    for src in ordered:
        numbers[src.step] = n = numbers.get(src.step, 0) + 1
        path = f"{steps.index(src.step) + 1:02d}-{STEPS[src.step]}/{n:03d}-{_safe(src.filename)}"
        files.append(({"path": path, "sm3": sm3_hex(src.content), "step": src.step, "kind": src.kind,
                       "title": src.filename, "retention": retention_of(src.kind)}, src.content))
    sizes = {e["path"]: len(c) for e, c in files}
    notes = _notes(title, filed_at)
    catalogue = _catalogue(title, [e for e, _ in files], sizes)
    handover = _handover(title, [e for e, _ in files], filed_at, filed_by)
    index = [("说明.txt", "notes", notes), ("卷内目录.docx", "catalogue", catalogue), ("移交清单.docx", "handover_list", handover)]
    entries = [{"path": p, "sm3": sm3_hex(c), "step": INDEX, "kind": k, "title": p, "retention": retention_of(k)}
               for p, k, c in index] + [e for e, _ in files]
    manifest: dict[str, Any] = {
        "inspection": {"id": inspection_id, "title": title},
        "filed_at": filed_at.isoformat(),
        "version": version,
        "files": entries,
    }
    manifest["signature"] = sign(manifest)
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path, _kind, content in index:
            zf.writestr(path, content)
        for entry, content in files:
            zf.writestr(entry["path"], content)
        zf.writestr(MANIFEST, manifest_bytes)
    return Package(content=out.getvalue(), manifest=manifest, manifest_sm3=sm3_hex(manifest_bytes))


def verify(content: bytes, *, manifest_sm3: str | None = None) -> list[str]:
    """Every problem of a package, in Chinese (an empty list: intact). Checks the manifest's signature,
    each file's SM3, files missing from the zip or not in the manifest, and (given the digest recorded
    at filing) that the manifest itself is the one filed."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return ["档案包不是有效的 zip 文件。"]
    with zf:
        names = set(zf.namelist())
        if MANIFEST not in names:
            return ["档案包中没有 manifest.json。"]
        raw = zf.read(MANIFEST)
        problems = []
        if manifest_sm3 is not None and sm3_hex(raw) != manifest_sm3:
            problems.append("manifest.json 与归档时记录的 SM3 不一致（清单被修改或替换）。")
        try:
            manifest = json.loads(raw)
            entries = list(manifest["files"])
        except (ValueError, KeyError, TypeError):
            return [*problems, "manifest.json 无法解析。"]
        if manifest.get("signature") != sign(manifest):
            problems.append("manifest.json 的签名不符（清单被修改，或不是本系统签发的）。")
        listed = set()
        for entry in entries:
            path = str(entry.get("path", ""))
            listed.add(path)
            if path not in names:
                problems.append(f"缺少文件：{path}")
            elif sm3_hex(zf.read(path)) != entry.get("sm3"):
                problems.append(f"文件被修改（SM3 不符）：{path}")
        for extra in sorted(names - listed - {MANIFEST}):
            problems.append(f"清单之外的文件：{extra}")
        return problems
