"""Writes of the archive (docs/architecture.md, "立卷归档"): file an inspection (the package, its signed
manifest, the inspection read-only from then on), reopen it with a reason, download and verify a package.

Read-only is not enforced here but in the access policy (`xuncha.access.allows` refuses work and
decisions on a filed inspection with Conflict); these services only set and clear `Inspection.filed_at`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from xuncha.access import Kind, Purpose, allows, require_open
from xuncha.accounts.models import User
from xuncha.audit.services import audit_record
from xuncha.core.sm import sm3_hex
from xuncha.errors import Conflict, Invalid, NotAllowed, NotFound
from xuncha.inspections.models import Inspection
from xuncha.intake.models import Report
from xuncha.triage.services import report_triage_many
from xuncha.uploads import removed_on_failure

from . import package as pkg
from .models import Filing
from .selectors import can_file, filing_current
from .sources import collect

REOPEN_REASON_MAX = 500


def _require_office(actor: User, inspection: Inspection, what: str) -> None:
    if not allows(actor, Kind.INSPECTION, Purpose.READ, inspection):
        raise NotFound
    if not can_file(actor, inspection):
        raise NotAllowed(f"只有负责该巡察任务的巡察办可以{what}。")


def _title(inspection: Inspection) -> str:
    return f"{inspection}（{inspection.start_date:%Y}年）"


def archive_file(*, actor: User, inspection: Inspection, request: HttpRequest | None = None) -> Filing:
    """立卷归档: generate the package from the documents of every source, sign its manifest, keep it
    (sealed at rest) and make the inspection read-only (also closing and archiving it, as the master
    data's archive does). Filing again after a reopen makes the next version."""
    _require_office(actor, inspection, "立卷归档")
    require_open(inspection)
    # A report registered a moment ago may still wait for the triage drain, which passes filed inspections
    # by: triage it now, so that the package and the read-only round carry every report's proposal.
    untriaged = list(Report.objects.filter(inspection=inspection, triage__isnull=True).values_list("pk", flat=True))
    if untriaged:
        report_triage_many(report_ids=untriaged)
    version = (Filing.objects.filter(inspection=inspection).aggregate(v=Max("version"))["v"] or 0) + 1
    now = timezone.now()
    built = pkg.build(inspection_id=inspection.pk, title=_title(inspection), version=version, filed_at=now,
                      filed_by=str(actor), sources=collect(inspection))
    with removed_on_failure() as saved, transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        require_open(locked)
        if Filing.objects.filter(inspection=locked, version__gte=version).exists():
            raise Conflict("该巡察任务刚刚由他人立卷归档，请刷新页面。")
        filing = Filing(inspection=locked, version=version, filed_at=now, filed_by=actor,
                        package_sm3=sm3_hex(built.content), manifest_sm3=built.manifest_sm3,
                        files=built.manifest["files"])
        filing.package.save(f"archive-{locked.pk}-v{version}.zip", ContentFile(built.content), save=False)
        saved.append(str(filing.package.name))
        filing.save()
        locked.filed_at = now
        locked.closed_at = locked.closed_at or now
        locked.archived_at = locked.archived_at or now
        locked.save(update_fields=["filed_at", "closed_at", "archived_at"])
        audit_record(actor=actor, action="archive.file", obj=locked, request=request,
                     summary=f"立卷归档：{locked}（第{version}次，{len(built.manifest['files'])}个文件）",
                     data={"filing": filing.pk, "version": version, "files": len(built.manifest["files"]),
                           "manifest_sm3": built.manifest_sm3})
    inspection.filed_at, inspection.closed_at, inspection.archived_at = locked.filed_at, locked.closed_at, locked.archived_at
    return filing


def archive_reopen(*, actor: User, inspection: Inspection, reason: str, request: HttpRequest | None = None) -> Filing:
    """The office reopens a filed inspection for a correction, with a reason (audited); the filed
    package stays as it was, and filing again makes a new version."""
    _require_office(actor, inspection, "重新打开已归档的巡察任务")
    reason = reason.strip()
    if not reason:
        raise Invalid("请写明重新打开的理由。")
    if len(reason) > REOPEN_REASON_MAX:
        raise Invalid(f"理由不超过{REOPEN_REASON_MAX}字。")
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        filing = filing_current(locked)
        if locked.filed_at is None or filing is None:
            raise Conflict("该巡察任务没有立卷归档，无需重新打开。")
        now = timezone.now()
        filing.reopened_at, filing.reopened_by, filing.reopen_reason = now, actor, reason
        filing.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
        locked.filed_at = None
        locked.save(update_fields=["filed_at"])
        audit_record(actor=actor, action="archive.reopen", obj=locked, request=request,
                     summary=f"重新打开已归档的巡察任务：{locked}（第{filing.version}次归档）",
                     data={"filing": filing.pk, "reason": reason})
    inspection.filed_at = None
    return filing


def archive_download(*, actor: User, inspection: Inspection, via: str = "",
                     request: HttpRequest | None = None) -> tuple[bytes, str]:
    """The latest package (the zip, decrypted from rest) and its file name; NotFound before filing."""
    _require_office(actor, inspection, "下载档案包")
    filing = filing_current(inspection)
    if filing is None:
        raise NotFound("该巡察任务尚未立卷归档。")
    with filing.package.open("rb") as f:
        content = f.read()
    with transaction.atomic():
        audit_record(actor=actor, action="archive.download", obj=inspection, request=request,
                     summary=f"{via}下载档案包：{inspection}（第{filing.version}次归档）", data={"filing": filing.pk})
    return content, f"档案-{inspection.target.name}-{inspection.start_date:%Y}-第{filing.version}次.zip"


@dataclass
class Checked:
    filing: Filing
    problems: list[str]


def filing_verify(filing: Filing) -> Checked:
    """Check one kept package: the zip against what was recorded at filing, then its manifest."""
    try:
        with filing.package.open("rb") as f:
            content = f.read()
    except (OSError, ValueError) as exc:
        return Checked(filing, [f"无法读取档案包：{type(exc).__name__}"])
    problems = []
    if sm3_hex(content) != filing.package_sm3:
        problems.append("档案包与归档时记录的 SM3 不一致。")
    problems += pkg.verify(content, manifest_sm3=filing.manifest_sm3)
    return Checked(filing, problems)


def archive_verify(*, actor: User | str, inspection: Inspection | None = None,
                   request: HttpRequest | None = None) -> list[Checked]:
    """Verify the kept packages (one inspection's, or all), recording the check in the audit log."""
    if isinstance(actor, User):
        if inspection is None:
            raise NotAllowed("请选择巡察任务。")
        _require_office(actor, inspection, "核验档案包")
    filings = Filing.objects.select_related("inspection", "inspection__team", "inspection__target").order_by("inspection_id", "version")
    if inspection is not None:
        filings = filings.filter(inspection=inspection)
    results = [filing_verify(f) for f in filings]
    bad = sum(1 for r in results if r.problems)
    with transaction.atomic():
        audit_record(actor=actor, action="archive.verify", obj=inspection, request=request,
                     summary=f"核验档案包{len(results)}个，{'全部完好' if not bad else f'{bad}个有问题'}",
                     object_type="" if inspection else "archive.filing",
                     data={"filings": [r.filing.pk for r in results], "bad": [r.filing.pk for r in results if r.problems]})
    return results
