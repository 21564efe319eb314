"""Filing an inspection: the package, its manifest and signature, the read-only rule on services and
background jobs, the reopen, and archive_verify finding a changed file."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from xuncha.access import FILED_MESSAGE
from xuncha.archive import package
from xuncha.archive.models import Filing
from xuncha.archive.services import archive_download, archive_file, archive_reopen, filing_verify
from xuncha.audit.models import AuditEvent
from xuncha.core.sm import sm3_hex
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.inspections.models import Inspection
from xuncha.triage.models import Triage

pytestmark = pytest.mark.django_db


def _zip(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


@pytest.fixture
def filed(demo: dict[str, Any], seed001: Inspection) -> tuple[Inspection, Filing]:
    filing = archive_file(actor=demo["users"]["office"], inspection=seed001)
    return Inspection.objects.get(pk=seed001.pk), filing


def test_filing_builds_a_signed_package_whose_digests_match(demo: dict[str, Any], filed: tuple[Inspection, Filing]) -> None:
    inspection, filing = filed
    assert inspection.filed_at is not None and inspection.archived_at is not None and inspection.closed_at is not None
    content, name = archive_download(actor=demo["users"]["office"], inspection=inspection)
    assert name.endswith(".zip")
    zf = _zip(content)
    manifest = json.loads(zf.read("manifest.json"))
    assert set(manifest) == {"inspection", "filed_at", "version", "files", "signature"}
    assert manifest["signature"] == package.sign(manifest)
    assert sm3_hex(zf.read("manifest.json")) == filing.manifest_sm3
    paths = {f["path"] for f in manifest["files"]}
    assert paths == set(zf.namelist()) - {"manifest.json"}
    for f in manifest["files"]:
        assert sm3_hex(zf.read(f["path"])) == f["sm3"]
        assert f["retention"] in {"永久", "30年", "10年"}
    kinds = {f["kind"] for f in manifest["files"]}
    assert {"announcement", "report_register", "catalogue", "handover_list", "notes"} <= kinds
    by_kind = {f["kind"]: f for f in manifest["files"]}
    assert by_kind["announcement"]["path"].startswith("01-巡察准备/") and by_kind["announcement"]["retention"] == "永久"
    # The catalogue lists every file by step; the hand-over list counts them.
    catalogue = Document(io.BytesIO(zf.read("卷内目录.docx")))
    cells = {c.text for row in catalogue.tables[0].rows for c in row.cells}
    assert "巡察准备" in cells and by_kind["announcement"]["title"] in cells
    handover = "\n".join(p.text for p in Document(io.BytesIO(zf.read("移交清单.docx"))).paragraphs)
    assert f"共 {len(manifest['files']) - 3} 个文件" in handover
    assert filing_verify(filing).problems == []


def test_the_whole_round_is_filed_sealed_and_without_identities(demo: dict[str, Any], seed001: Inspection,
                                                                settings: Any) -> None:
    """Seed 001 with its reports, findings, feedback and ledger (the demo's): the package holds the feedback,
    the ledger and the case files as they are at rest; no identity is readable and the key is not there."""
    from conftest import DEMO_TODAY
    from xuncha.demo.fieldwork import load_demo_fieldwork
    from xuncha.demo.plan import load_demo_plan
    from xuncha.demo.rectification import load_demo_rectification
    from xuncha.demo.reports import load_demo_reports

    inspections = [demo["seed000"], seed001, demo["practice"]]
    load_demo_reports(inspections, today=DEMO_TODAY)
    load_demo_rectification(inspections, today=DEMO_TODAY)
    load_demo_plan(inspections, today=DEMO_TODAY)
    load_demo_fieldwork(inspections, today=DEMO_TODAY)
    archive_file(actor=demo["users"]["office"], inspection=seed001)
    inspection = Inspection.objects.get(pk=seed001.pk)
    content, _ = archive_download(actor=demo["users"]["office"], inspection=inspection)
    zf = _zip(content)
    manifest = json.loads(zf.read("manifest.json"))
    by_kind = {f["kind"]: f for f in manifest["files"]}
    assert by_kind["feedback"]["retention"] == "永久" and by_kind["feedback"]["step"] == "feedback"
    assert by_kind["rectification_ledger"]["path"].startswith("07-整改落实/")
    register = load_workbook(io.BytesIO(zf.read(by_kind["report_register"]["path"])))
    assert register.active.max_row > 1
    sealed = [f for f in manifest["files"] if f["path"].endswith(".sealed")]
    for f in sealed:
        assert zf.read(f["path"]).startswith(b"XSF1")
    key = settings.KEY_FILE.read_bytes()
    assert all(key not in zf.read(n) for n in zf.namelist())
    # No reporter's or interviewee's identity in anything readable (every sealed value of the inspection).
    secrets = _sealed_values(inspection)
    assert secrets
    readable = _readable_text(zf)
    leaked = [v for v in secrets if v in readable]
    assert leaked == []


def _sealed_values(inspection: Inspection) -> set[str]:
    from xuncha.core import crypto
    from xuncha.fieldwork.models import Interview
    from xuncha.intake.models import Report
    from xuncha.keys import key_ring

    ring = key_ring()
    out = set()
    for sealed in Report.objects.filter(inspection=inspection).values_list("reporter_sealed", flat=True):
        out |= {crypto.unseal(ring, v, context=f) for f, v in (sealed or {}).items()}
    for sealed in Interview.objects.filter(inspection=inspection).values_list("identity_sealed", flat=True):
        out |= {crypto.unseal(ring, v, context=f) for f, v in (sealed or {}).items()}
    return {v for v in out if len(v) >= 2}


def _readable_text(zf: zipfile.ZipFile) -> str:
    """Everything a person can read in the package without the key: text files, and the XML inside the
    .docx and .xlsx files."""
    parts = []
    for name in zf.namelist():
        data = zf.read(name)
        if name.endswith(".sealed"):
            continue
        if name.endswith((".docx", ".xlsx")):
            inner = zipfile.ZipFile(io.BytesIO(data))
            parts += [inner.read(n).decode("utf-8", "replace") for n in inner.namelist() if n.endswith(".xml")]
        else:
            parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


def _changed(content: bytes, path: str, new: bytes) -> bytes:
    """The package with one file's bytes replaced (the manifest left as it was)."""
    out = io.BytesIO()
    with _zip(content) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, new if name == path else src.read(name))
    return out.getvalue()


def test_archive_verify_finds_a_changed_file(demo: dict[str, Any], filed: tuple[Inspection, Filing], tmp_path: Any,
                                              capsys: Any) -> None:
    inspection, filing = filed
    content, _ = archive_download(actor=demo["users"]["office"], inspection=inspection)
    good = tmp_path / "good.zip"
    good.write_bytes(content)
    call_command("archive_verify", file=good)
    assert "完好" in capsys.readouterr().out
    announcement = next(f["path"] for f in filing.files if f["kind"] == "announcement")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(_changed(content, announcement, b"changed"))
    with pytest.raises(CommandError):
        call_command("archive_verify", file=bad)
    assert f"文件被修改（SM3 不符）：{announcement}" in capsys.readouterr().out
    # A forged manifest (a file's digest updated to match) breaks the signature.
    manifest = json.loads(_zip(content).read("manifest.json"))
    for f in manifest["files"]:
        if f["path"] == announcement:
            f["sm3"] = sm3_hex(b"changed")
    forged = _changed(_changed(content, announcement, b"changed"), "manifest.json", json.dumps(manifest).encode())
    assert package.verify(forged) == ["manifest.json 的签名不符（清单被修改，或不是本系统签发的）。"]
    # The kept package itself, changed on disk: found by the command over every filing.
    call_command("archive_verify")
    storage = filing.package.storage
    from django.core.files.base import ContentFile

    storage.delete(filing.package.name)
    storage.save(filing.package.name, ContentFile(_changed(content, announcement, b"changed")))
    with pytest.raises(CommandError):
        call_command("archive_verify", inspection=inspection.pk)
    out = capsys.readouterr().out
    assert "档案包与归档时记录的 SM3 不一致" in out and announcement in out
    assert AuditEvent.objects.filter(action="archive.verify").count() >= 2


def test_only_the_office_files_and_reopens_with_a_reason(demo: dict[str, Any], seed001: Inspection) -> None:
    users = demo["users"]
    with pytest.raises(NotAllowed):
        archive_file(actor=users["leader"], inspection=seed001)
    with pytest.raises(NotFound):
        archive_file(actor=users["other_leader"], inspection=seed001)
    with pytest.raises(Conflict):
        archive_reopen(actor=users["office"], inspection=seed001, reason="不需要")
    archive_file(actor=users["office"], inspection=seed001)
    with pytest.raises(Conflict) as again:
        archive_file(actor=users["office"], inspection=seed001)
    assert again.value.messages == [FILED_MESSAGE]
    with pytest.raises(NotAllowed):
        archive_reopen(actor=users["leader"], inspection=seed001, reason="想改")
    with pytest.raises(Invalid):
        archive_reopen(actor=users["office"], inspection=seed001, reason="  ")
    filing = archive_reopen(actor=users["office"], inspection=seed001, reason="补录反馈会记录")
    assert filing.reopen_reason == "补录反馈会记录" and Inspection.objects.get(pk=seed001.pk).filed_at is None
    event = AuditEvent.objects.filter(action="archive.reopen").latest("id")
    assert event.data["reason"] == "补录反馈会记录"
    second = archive_file(actor=users["office"], inspection=seed001)
    assert second.version == 2 and Filing.objects.filter(inspection=seed001).count() == 2


def test_a_filed_inspection_refuses_its_services(demo: dict[str, Any], seed001: Inspection) -> None:
    """The central guard on a service call without a request (as a background job or script would)."""
    from xuncha.inspections.services import channel_save
    from xuncha.rectification.services import FindingData, finding_create

    archive_file(actor=demo["users"]["office"], inspection=seed001)
    seed = Inspection.objects.get(pk=seed001.pk)
    data = FindingData(title="问题", facts="事实", rule_broken="规定", focus="corruption")
    with pytest.raises(Conflict):
        finding_create(actor=demo["users"]["member"], inspection=seed, data=data)
    with pytest.raises(Conflict):
        channel_save(actor=demo["users"]["office"], inspection=seed, kind="phone", value="0770-1111111")
    # Someone the rules would not let still gets their usual answer (no hint that it exists).
    with pytest.raises(NotFound):
        finding_create(actor=demo["users"]["other_member"], inspection=seed, data=data)


def test_filing_triages_a_report_still_waiting_for_the_drain(demo: dict[str, Any], seed001: Inspection, register: Any) -> None:
    """The drain passes filed inspections by: a report registered just before filing is triaged by the filing."""
    report = register("反映学院采购设备时指定品牌，价格明显高于市场价。", inspection=seed001, triage=False)
    assert not Triage.objects.filter(pk=report.pk).exists()
    archive_file(actor=demo["users"]["office"], inspection=seed001)
    assert Triage.objects.filter(pk=report.pk).exists()
