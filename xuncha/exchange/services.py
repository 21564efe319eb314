"""Writes of the exchange: export an inspection as a package, upload a package (checked, kept until
confirmed), import it, or discard it. Each checks its actor and records its audit event in the same
transaction (docs/exchange.md)."""

from __future__ import annotations

from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.audit.services import audit_record
from xuncha.errors import Conflict, Invalid
from xuncha.inspections.models import Office
from xuncha.inspections.services import require_office_of
from xuncha.uploads import removed_on_failure

from .export import build_package
from .importing import Importer, events_digest, preview
from .keys import ExchangeKeyError, load_config
from .models import ImportedAuditEvent, PackageImport
from .package import BadPackage, Package, read_package
from .selectors import exportable_inspection, import_get


def _config() -> Any:
    try:
        return load_config()
    except ExchangeKeyError as exc:
        raise Invalid(str(exc)) from None


def inspection_export(*, actor: User, inspection_id: int, peer: str, request: HttpRequest | None = None) -> tuple[bytes, str, dict[str, Any]]:
    """The package of one inspection for `peer`: (zip bytes, file name, summary). The office that decides
    on the inspection exports it; everyone else gets 404."""
    inspection = exportable_inspection(user=actor, pk=inspection_id)
    config = _config()
    try:
        peer_key = config.peer(peer)
    except ExchangeKeyError as exc:
        raise Invalid(str(exc)) from None
    now = timezone.now()
    with transaction.atomic():
        data, summary = build_package(inspection=inspection, peer=peer_key, origin=config.deployment, now=now)
        audit_record(actor=actor, action="exchange.export", obj=inspection, request=request,
                     summary=f"导出巡察任务数据包给“{peer_key.name}”：{sum(summary['counts'].values())} 行、{summary['files']} 个文件、"
                             f"{summary['events']} 条审计事件",
                     data={"package_id": summary["package_id"], "destination": peer, "rows": sum(summary["counts"].values()),
                           "files": summary["files"], "events": summary["events"], "key": peer_key.fingerprint})
    name = f"xuncha-{config.deployment}-{peer}-{timezone.localdate(now):%Y%m%d}-{summary['package_id'][:8]}.zip"
    return data, name, summary


def _read(source: bytes | IO[bytes]) -> Package:
    try:
        return read_package(source, _config())
    except BadPackage as exc:
        raise Invalid(f"{exc} 未导入任何数据。" if "未导入" not in str(exc) else str(exc)) from None


def _already(package_id: str) -> PackageImport | None:
    return PackageImport.objects.filter(package_id=package_id, state=PackageImport.State.DONE).first()


def _already_message(done: PackageImport) -> str:
    at = timezone.localtime(done.imported_at).strftime("%Y-%m-%d %H:%M") if done.imported_at else ""
    return f"该数据包已于 {at} 导入（导入记录第 {done.pk} 号）；再次导入不会改变任何数据。"


def package_upload(*, actor: User, office_id: int, content: bytes, request: HttpRequest | None = None) -> PackageImport:
    """Check an uploaded package completely and keep it (sealed) until the office confirms the import.
    A bad package is refused with a Chinese message and nothing is kept."""
    require_office_of(actor, office_id)
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        raise Invalid("请选择导入到哪个巡察办。")
    if len(content) > settings.EXCHANGE_MAX_BYTES:
        raise Invalid(f"数据包超过 {settings.EXCHANGE_MAX_BYTES // (1024 * 1024)} MB 的上限。")
    package = _read(content)
    done = _already(package.package_id)
    if done is not None:
        raise Conflict(_already_message(done))
    summary = dict(package.json("summary.json.enc", {}) or {})
    summary["preview"] = preview(package)
    summary["origin_name"] = package.peer.name
    with removed_on_failure() as saved, transaction.atomic():
        record = PackageImport(package_id=package.package_id, origin=package.origin, office=office, summary=summary,
                               uploaded_by=actor)
        record.file.save(f"{package.package_id}.zip", ContentFile(content), save=False)
        saved.append(str(record.file.name))
        record.save()
        audit_record(actor=actor, action="exchange.upload", obj=record, request=request,
                     summary=f"上传来自“{package.peer.name}”的数据包（{summary.get('inspection', {}).get('title', '')}），待确认导入",
                     data={"package_id": package.package_id, "origin": package.origin, "office_id": office.pk})
    return record


def package_import_confirm(*, actor: User, import_id: int, request: HttpRequest | None = None) -> PackageImport:
    """Import a checked package into its office: every row, file and audit event in one transaction,
    with this deployment's own audit event (which records a digest of the imported events)."""
    record = import_get(user=actor, pk=import_id)
    require_office_of(actor, record.office_id)
    if record.state != PackageImport.State.PENDING:
        raise Conflict("该数据包已处理（已导入或已放弃），不能再导入。")
    done = _already(record.package_id)
    if done is not None:
        raise Conflict(_already_message(done))
    with record.file.open("rb") as f:
        package = _read(f.read())
    config = _config()
    try:
        with removed_on_failure() as saved, transaction.atomic():
            locked = PackageImport.objects.select_for_update().get(pk=record.pk)
            if locked.state != PackageImport.State.PENDING:
                raise Conflict("该数据包已处理（已导入或已放弃），不能再导入。")
            importer = Importer(package, office=record.office, here=config.deployment, record=locked)
            importer.out.saved_files = saved
            outcome = importer.run()
            locked.state = PackageImport.State.DONE
            locked.result = outcome.as_dict()
            locked.imported_by = actor
            locked.imported_at = timezone.now()
            locked.inspection_id = outcome.inspection_id
            locked.save()
            audit_record(actor=actor, action="exchange.import", obj=locked, request=request,
                         summary=f"导入来自“{package.peer.name}”的数据包：新增 {sum(outcome.created.values())} 行、更新 "
                                 f"{sum(outcome.updated.values())} 行、{outcome.files} 个文件、{outcome.events} 条对方审计事件",
                         data={"package_id": package.package_id, "origin": package.origin, "office_id": record.office_id,
                               "created": sum(outcome.created.values()), "updated": sum(outcome.updated.values()),
                               "files": outcome.files, "events": outcome.events, "events_digest": outcome.events_digest})
    except BadPackage as exc:
        raise Invalid(f"{exc} 未导入任何数据。") from None
    except IntegrityError:
        raise Conflict("数据包中的数据与本部署已有的数据冲突（例如编号重复），未导入任何数据。") from None
    return locked


def package_discard(*, actor: User, import_id: int, request: HttpRequest | None = None) -> PackageImport:
    record = import_get(user=actor, pk=import_id)
    require_office_of(actor, record.office_id)
    if record.state != PackageImport.State.PENDING:
        raise Conflict("该数据包已处理，不能放弃。")
    with transaction.atomic():
        record.state = PackageImport.State.DISCARDED
        record.save(update_fields=["state"])
        name = str(record.file.name)
        audit_record(actor=actor, action="exchange.discard", obj=record, request=request,
                     summary="放弃导入数据包", data={"package_id": record.package_id})
        transaction.on_commit(lambda: record.file.storage.delete(name))
    return record


def imported_events_check(*, record: PackageImport) -> list[str]:
    """Problems with the audit events a package brought (empty: they verify): the digest over the stored
    events must equal the one this deployment's chain recorded when they were imported."""
    if record.state != PackageImport.State.DONE:
        return []
    event = AuditEvent.objects.filter(action="exchange.import", object_type="exchange.packageimport", object_id=str(record.pk)).first()
    if event is None:
        return ["找不到这次导入的审计事件（本部署的审计链中缺少记录）。"]
    stored = list(ImportedAuditEvent.objects.filter(package=record))
    problems = []
    if len(stored) != event.data.get("events"):
        problems.append(f"导入时记录了 {event.data.get('events')} 条对方审计事件，现有 {len(stored)} 条（被删除或插入）。")
    if events_digest(stored) != event.data.get("events_digest"):
        problems.append("导入的对方审计事件与导入时记录的摘要不符（被修改）。")
    return problems
