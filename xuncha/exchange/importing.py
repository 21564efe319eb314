"""Applying a checked package (the service `package_import_confirm` checks the actor, locks and audits).

Rows are found by their exchange id (ExchangeRef); a row not known yet is matched by its natural key
when it is master data (a round, a target, a receiving body, a team, the inspection), else created. A
row that came from the same sender before is brought up to date (the sender owns it); a row that
originated here is never overwritten. Importing a package a second time therefore changes nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import models

from xuncha.accounts.models import User
from xuncha.audit.chain import canonical
from xuncha.core import crypto
from xuncha.core.sm import sm3_hex
from xuncha.inspections.models import Inspection, Office
from xuncha.intake.models import Report
from xuncha.intake.search import index_report
from xuncha.keys import key_ring

from .models import ExchangeRef, ImportedAuditEvent, PackageImport
from .package import BadPackage, Package
from .registry import EVIDENCE_KINDS, SEALED, SPECS
from .rows import chunks, decode_value, model_of, plain_fields, reseal_row, same


def rows_of(package: Package, label: str) -> list[dict[str, Any]]:
    rows = package.json(f"rows/{label}.json.enc", [])
    if not isinstance(rows, list):
        raise BadPackage(f"数据包中 {label} 的数据无效。")
    return rows


def known_refs(label: str, uids: list[str]) -> dict[str, ExchangeRef]:
    out: dict[str, ExchangeRef] = {}
    for part in chunks(uids):
        out.update({str(r.uid): r for r in ExchangeRef.objects.filter(model=label, uid__in=part)})
    return out


def preview(package: Package) -> dict[str, dict[str, int]]:
    """{label: {"new": n, "known": n}}: how many rows of each model this deployment has not seen yet."""
    out = {}
    for spec in SPECS:
        rows = rows_of(package, spec.label)
        if rows:
            known = known_refs(spec.label, [str(r.get("uid")) for r in rows])
            out[spec.label] = {"new": sum(1 for r in rows if str(r.get("uid")) not in known), "known": len(known)}
    return out


def local_username(package: Package, username: str, here: str) -> str:
    """An account of the sender is a disabled placeholder here, "<sender>:<name>"; one of ours that came
    back ("<here>:<name>" there) is ours again; the sender's placeholder of a third deployment's account
    ("<third>:<name>") names the same person here. (A real username has no colon: Django's validator.)"""
    if username.startswith(f"{here}:"):
        return username[len(here) + 1:]
    if ":" in username:
        return username[:150]
    return f"{package.origin}:{username}"[:150]


@dataclass
class Outcome:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    files: int = 0
    events: int = 0
    events_digest: str = ""
    accounts: int = 0
    inspection_id: int | None = None
    saved_files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"created": dict(self.created), "updated": dict(self.updated), "unchanged": dict(self.unchanged),
                "files": self.files, "events": self.events, "events_digest": self.events_digest, "accounts": self.accounts}

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + self.events + self.accounts


class Importer:
    def __init__(self, package: Package, *, office: Office, here: str, record: PackageImport) -> None:
        self.package, self.office, self.here, self.record = package, office, here, record
        self.ring = package.peer.transit_ring(key_ring(), active_transit=False)
        self.local: dict[str, dict[str, int | str]] = {}  # label -> uid -> local pk
        self.users: dict[str, int] = {}
        self.out = Outcome()

    # --- values ---------------------------------------------------------------------------------------
    def _user(self, username: str) -> int:
        if username not in self.users:
            name = local_username(self.package, username, self.here)
            names = self.package.json("users.json.enc", {}) or {}
            user = User.objects.filter(username=name).first()
            if user is None:
                user = User.objects.create(username=name, display_name=str(names.get(username, ""))[:64], is_active=False,
                                           password=make_password(None))
                self.out.accounts += 1
            self.users[username] = user.pk
        return self.users[username]

    def _ref(self, label: str, value: Any, *, required: bool) -> Any:
        uid = value.get("ref") if isinstance(value, dict) else None
        pk = self.local.get(label, {}).get(str(uid)) if uid else None
        if pk is None and uid:
            ref = ExchangeRef.objects.filter(model=label, uid=uid).first()
            pk = ref.local_id if ref else None
        if pk is None and required:
            raise BadPackage(f"数据包中的一行引用了不在包中的{model_of(label)._meta.verbose_name}，数据包不完整。")
        return pk

    def _reseal(self, envelope: str, context: str) -> str:
        try:
            return crypto.seal(self.ring, crypto.unseal(self.ring, envelope, context=context), context=context)
        except crypto.KeyError_:
            raise BadPackage("数据包中的加密身份信息无法用交换密钥打开（被篡改或密钥不符）。") from None

    def _values(self, label: str, model: type[models.Model], row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """(values by attname, files by field name) of one row."""
        raw = row.get("f")
        if not isinstance(raw, dict):
            raise BadPackage(f"数据包中 {label} 的数据无效。")
        reseal_row(label, raw, self._reseal)
        spec = next(s for s in SPECS if s.label == label)
        values: dict[str, Any] = {}
        files: dict[str, Any] = {}
        for f in plain_fields(model):
            if f.name not in raw:
                continue
            value = raw[f.name]
            try:
                if isinstance(f, models.FileField):
                    if value:
                        files[f.name] = value
                    continue
                if f.is_relation:
                    target = f.related_model
                    if value is None:
                        values[f.attname] = None
                    elif target is User:
                        values[f.attname] = self._user(str(value.get("user")))
                    elif target is Office:
                        values[f.attname] = None if f.name == "co_organiser" else self.office.pk
                    else:
                        pk = self._ref(target._meta.label, value, required=not f.null)  # type: ignore[union-attr]
                        values[f.attname] = int(pk) if pk is not None else None
                elif f.name in spec.soft:
                    pk = self._ref(spec.soft[f.name], value, required=False) if value else None
                    values[f.attname] = int(pk) if pk is not None else None
                elif label == "rectification.FindingEvidence" and f.name == "object_id":
                    pk = self._ref(EVIDENCE_KINDS.get(str(raw.get("kind")), ""), value, required=False)
                    values[f.attname] = int(pk) if pk is not None else 0
                else:
                    values[f.attname] = decode_value(f, value)
            except (ValueError, TypeError, AttributeError):
                raise BadPackage(f"数据包中 {label} 的字段 {f.name} 的值无效。") from None
        return values, files

    def _open_file(self, value: Any) -> tuple[str, bytes]:
        if not isinstance(value, dict):
            raise BadPackage("数据包中文件的记录无效。")
        blob = self.package.file(str(value.get("file")))
        try:
            content = crypto.open_file(self.ring, blob)
        except crypto.KeyError_:
            raise BadPackage(f"数据包中的文件 {value.get('file')} 无法打开（被篡改或密钥不符）。") from None
        return str(value.get("name") or "file")[-120:], content

    # --- rows -------------------------------------------------------------------------------------------
    def run(self) -> Outcome:
        for spec in SPECS:
            self._model(spec.label)
        self._m2m()
        self._events()
        for report in Report.objects.filter(pk__in=[int(v) for v in self.local.get("intake.Report", {}).values()]):
            index_report(report)
        inspection_uid = (self.package.json("summary.json.enc", {}) or {}).get("inspection", {}).get("uid")
        pk = self.local.get("inspections.Inspection", {}).get(str(inspection_uid))
        self.out.inspection_id = int(pk) if pk is not None else None
        return self.out

    def _model(self, label: str) -> None:
        model = model_of(label)
        spec = next(s for s in SPECS if s.label == label)
        rows = rows_of(self.package, label)
        refs = known_refs(label, [str(r.get("uid")) for r in rows])
        alive: set[str] = set()
        for part in chunks([r.local_id for r in refs.values()]):
            alive.update(str(pk) for pk in model._default_manager.filter(pk__in=part).values_list("pk", flat=True))
        for uid in [u for u, r in refs.items() if r.local_id not in alive]:  # the row was removed here: a new row again
            refs.pop(uid).delete()
        local = self.local.setdefault(label, {})
        self_fks = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is model]
        creating: list[tuple[str, models.Model, dict[str, Any]]] = []
        deferred: list[tuple[str, dict[str, Any]]] = []
        for row in rows:
            uid = str(row.get("uid"))
            values, files = self._values_deferring(label, model, row, self_fks, deferred, uid)
            ref = refs.get(uid)
            if ref is not None:
                local[uid] = ref.local_id
                self._update(model, ref, values)
                continue
            existing = self._natural(model, spec.natural, values)
            if existing is not None:
                ExchangeRef.objects.create(model=label, local_id=str(existing), uid=uid, origin="")
                local[uid] = existing
                self.out.unchanged[label] += 1
                continue
            obj = model(**values)
            for name, value in files.items():
                filename, content = self._open_file(value)
                getattr(obj, name).save(filename, ContentFile(content), save=False)
                self.out.saved_files.append(getattr(obj, name).name)
                self.out.files += 1
            creating.append((uid, obj, values))
        if creating:
            model._default_manager.bulk_create([obj for _, obj, _ in creating])
            stamped = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
            for uid, obj, values in creating:
                local[uid] = obj.pk
                keep = {f.attname: values[f.attname] for f in stamped if f.attname in values}
                if keep:
                    model._default_manager.filter(pk=obj.pk).update(**keep)
            ExchangeRef.objects.bulk_create([ExchangeRef(model=label, local_id=str(obj.pk), uid=uid, origin=self.package.origin)
                                             for uid, obj, _ in creating])
            self.out.created[label] += len(creating)
        created = {uid for uid, _, _ in creating}
        ours = {uid for uid, ref in refs.items() if ref.origin != self.package.origin} | {
            uid for uid, _ in deferred if uid not in refs and uid not in created}
        for uid, fks in deferred:
            if uid in ours:  # a row of this deployment (or matched by its natural key): never overwritten
                continue
            resolved = {attname: self._ref(label, value, required=False) for attname, value in fks.items()}
            model._default_manager.filter(pk=local[uid]).update(**resolved)

    def _values_deferring(self, label: str, model: type[models.Model], row: dict[str, Any], self_fks: list[Any],
                          deferred: list[tuple[str, dict[str, Any]]], uid: str) -> tuple[dict[str, Any], dict[str, Any]]:
        raw = row.get("f") if isinstance(row.get("f"), dict) else {}
        assert isinstance(raw, dict)
        later = {f.attname: raw.pop(f.name) for f in self_fks if raw.get(f.name)}
        if later:
            deferred.append((uid, later))
        return self._values(label, model, row)

    def _natural(self, model: type[models.Model], natural: tuple[str, ...], values: dict[str, Any]) -> int | str | None:
        if not natural:
            return None
        lookup = {}
        for name in natural:
            f = model._meta.get_field(name)
            attname = getattr(f, "attname", name)
            if values.get(attname) is None:
                return None
            lookup[attname] = values[attname]
        found = model._default_manager.filter(**lookup).values_list("pk", flat=True).first()
        return found

    def _update(self, model: type[models.Model], ref: ExchangeRef, values: dict[str, Any]) -> None:
        label = model._meta.label
        if ref.origin != self.package.origin:  # ours, or another sender's: never overwritten
            self.out.unchanged[label] += 1
            return
        sealed = {name.partition(".")[0] for name in SEALED.get(label, {})}
        obj = model._default_manager.filter(pk=ref.local_id).first()
        if obj is None:
            self.out.unchanged[label] += 1
            return
        changes = {k: v for k, v in values.items() if k not in sealed and not same(getattr(obj, k), v)}
        if changes:
            model._default_manager.filter(pk=obj.pk).update(**changes)
            self.out.updated[label] += 1
        else:
            self.out.unchanged[label] += 1

    def _m2m(self) -> None:
        for spec in SPECS:
            model = model_of(spec.label)
            if not model._meta.many_to_many:
                continue
            for row in rows_of(self.package, spec.label):
                pk = self.local[spec.label].get(str(row.get("uid")))
                m2m = row.get("m2m") or {}
                obj = model._default_manager.get(pk=pk)
                for f in model._meta.many_to_many:
                    target = f.related_model._meta.label
                    wanted = [self._ref(target, {"ref": uid}, required=False) for uid in m2m.get(f.name, [])]
                    ids = [int(w) for w in wanted if w is not None]
                    if ids:
                        getattr(obj, f.name).add(*ids)

    def _events(self) -> None:
        events = self.package.json("audit.json.enc", []) or []
        origin = self.package.origin
        have: set[str] = set()
        hashes = [str(e.get("hash")) for e in events]
        for part in chunks(hashes):
            have.update(ImportedAuditEvent.objects.filter(origin=origin, hash__in=part).values_list("hash", flat=True))
        new = []
        for e in events:
            if e.get("hash") in have:
                continue
            try:
                new.append(ImportedAuditEvent(
                    package=self.record, origin=origin, original_id=int(e["id"]), at=dt.datetime.fromisoformat(e["at"]),
                    actor_id_original=e.get("actor_id"), actor_name=str(e.get("actor_name", ""))[:150], action=str(e["action"])[:64],
                    object_type=str(e.get("object_type", ""))[:64], object_id=str(e.get("object_id", ""))[:64],
                    object_uid=e.get("object_uid"), summary=str(e.get("summary", ""))[:500], data=e.get("data") or {},
                    ip=str(e.get("ip", ""))[:64], prev_hash=str(e["prev_hash"]), hash=str(e["hash"])))
            except (KeyError, ValueError, TypeError):
                raise BadPackage("数据包中的审计事件无效。") from None
        ImportedAuditEvent.objects.bulk_create(new)
        self.out.events = len(new)
        self.out.events_digest = events_digest(new)


def event_body(e: ImportedAuditEvent) -> bytes:
    """The sender's canonical content of an imported event (what its hash was computed over)."""
    return canonical(at=e.at, actor_id=e.actor_id_original, actor_name=e.actor_name, action=e.action,
                     object_type=e.object_type, object_id=e.object_id, summary=e.summary, data=e.data, ip=e.ip)


def events_digest(events: list[ImportedAuditEvent]) -> str:
    """SM3 over the imported events in the sender's order: recorded in this deployment's chain with the import."""
    parts = [e.prev_hash.encode() + event_body(e) + e.hash.encode() for e in sorted(events, key=lambda e: e.original_id)]
    return sm3_hex(b"\n".join(parts))


def inspection_of(pk: int | None) -> Inspection | None:
    return Inspection.objects.filter(pk=pk).first() if pk else None
