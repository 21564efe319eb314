"""Building an inspection's package (the service `inspection_export` checks the actor and audits)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections import defaultdict
from typing import Any

from django.db import models
from django.db.models import Q

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.audit.sealing import audit_seal
from xuncha.core import crypto
from xuncha.inspections.models import CalendarDay, Inspection, Office
from xuncha.inspections.models_offices import LIMITS
from xuncha.inspections.selectors import calendar_of
from xuncha.inspections.selectors_offices import office_chain, office_limit_map
from xuncha.keys import key_ring

from .keys import PeerKey
from .models import ExchangeRef
from .package import PackageWriter
from .registry import EVIDENCE_KINDS, SPECS, Spec
from .rows import chunks, encode_value, model_of, plain_fields, reseal_row, strip_unknown_sealed


def _rows_of(spec: Spec, inspection: Inspection) -> list[models.Model]:
    model = model_of(spec.label)
    assert spec.paths is not None
    q = Q()
    for path in spec.paths:
        q |= Q(pk=inspection.pk) if path == "" else Q(**{path: inspection})
    return list(model._default_manager.filter(q).distinct().order_by("pk"))


def _collect(inspection: Inspection) -> dict[str, list[models.Model]]:
    rows: dict[str, list[models.Model]] = {}
    for spec in SPECS:
        if spec.paths is not None:
            rows[spec.label] = _rows_of(spec, inspection)
    # Master data pulled in by reference (receiving bodies of dispositions, referrals, clues, batches).
    for spec in SPECS:
        if spec.paths is None:
            model = model_of(spec.label)
            wanted: set[Any] = set()
            for objs in rows.values():
                for obj in objs:
                    for f in obj._meta.concrete_fields:
                        if f.is_relation and f.related_model is model and getattr(obj, f.attname) is not None:
                            wanted.add(getattr(obj, f.attname))
            rows[spec.label] = list(model._default_manager.filter(pk__in=wanted).order_by("pk"))
    return rows


def _uids(rows: dict[str, list[models.Model]]) -> dict[str, dict[str, str]]:
    """{label: {local id: exchange id}}, giving an exchange id to each row that has none yet."""
    out: dict[str, dict[str, str]] = {}
    for label, objs in rows.items():
        ids = [str(o.pk) for o in objs]
        known: dict[str, str] = {}
        for part in chunks(ids):
            known.update({r.local_id: str(r.uid) for r in ExchangeRef.objects.filter(model=label, local_id__in=part)})
        new = [ExchangeRef(model=label, local_id=i, uid=uuid.uuid4(), origin="") for i in ids if i not in known]
        ExchangeRef.objects.bulk_create(new)
        known.update({r.local_id: str(r.uid) for r in new})
        out[label] = known
    return out


class _Files:
    def __init__(self, writer: PackageWriter, peer: PeerKey) -> None:
        self.writer, self.peer, self.count, self.missing = writer, peer, 0, 0
        self.ring = peer.transit_ring(key_ring(), active_transit=True)

    def add(self, field_file: Any) -> dict[str, str] | None:
        storage = field_file.storage
        try:
            blob = storage.raw(field_file.name) if hasattr(storage, "raw") else field_file.read()
        except FileNotFoundError:
            self.missing += 1
            return None
        # As at rest: the sealed body stays; only its file key is re-wrapped under the transit key.
        sealed = (crypto.rewrap_file(self.ring, blob) or blob) if crypto.is_sealed_file(blob) else crypto.seal_file(self.ring, blob)
        self.count += 1
        member = f"files/{self.count:06d}.bin"
        self.writer.add_file(member, sealed)
        return {"file": member, "name": os.path.basename(field_file.name)}


def build_package(*, inspection: Inspection, peer: PeerKey, origin: str, now: dt.datetime) -> tuple[bytes, dict[str, Any]]:
    package_id = str(uuid.uuid4())
    writer = PackageWriter(peer, origin=origin, package_id=package_id, created_at=now)
    rows = _collect(inspection)
    uids = _uids(rows)
    files = _Files(writer, peer)
    ring = files.ring
    users: dict[str, str] = {}
    usernames: dict[Any, str] = {}
    stripped = 0

    def reseal(envelope: str, context: str) -> str:
        return crypto.seal(ring, crypto.unseal(ring, envelope, context=context), context=context)

    counts: dict[str, int] = {}
    for spec in SPECS:
        model = model_of(spec.label)
        out = []
        for obj in rows[spec.label]:
            values: dict[str, Any] = {}
            for f in plain_fields(model):
                if f.name in spec.skip:
                    continue
                raw = getattr(obj, f.attname)
                if isinstance(f, models.FileField):
                    values[f.name] = files.add(getattr(obj, f.name)) if raw else None
                elif f.is_relation:
                    target = f.related_model
                    if raw is None:
                        values[f.name] = None
                    elif target is User:
                        if raw not in usernames:
                            user = User.objects.only("username", "display_name").get(pk=raw)
                            users[user.username] = user.display_name
                            usernames[raw] = user.username
                        values[f.name] = {"user": usernames[raw]}
                    elif target is Office:
                        values[f.name] = {"office": f.name}
                    else:
                        uid = uids.get(target._meta.label, {}).get(str(raw))  # type: ignore[union-attr]
                        values[f.name] = {"ref": uid} if uid else None
                elif f.name in spec.soft:
                    values[f.name] = {"ref": uids[spec.soft[f.name]].get(str(raw))} if raw is not None else None
                elif spec.label == "rectification.FindingEvidence" and f.name == "object_id":
                    target_label = EVIDENCE_KINDS.get(obj.kind)  # type: ignore[attr-defined]
                    values[f.name] = {"ref": uids.get(target_label or "", {}).get(str(raw))}
                else:
                    values[f.name] = encode_value(f, obj)
            reseal_row(spec.label, values, reseal)
            for name in list(values):
                values[name], n = strip_unknown_sealed(values[name], peer.transit_key_id)
                stripped += n
            m2m = {}
            for f in model._meta.many_to_many:
                target_uids = uids.get(f.related_model._meta.label, {})
                m2m[f.name] = sorted(target_uids[str(pk)] for pk in getattr(obj, f.name).values_list("pk", flat=True)
                                     if str(pk) in target_uids)
            out.append({"uid": uids[spec.label][str(obj.pk)], "f": values, "m2m": m2m})
        if out:
            writer.add_json(f"rows/{spec.label}.json.enc", out)
        counts[spec.label] = len(out)
    events = _events(rows, uids)
    writer.add_json("audit.json.enc", events)
    writer.add_json("users.json.enc", users)
    summary = {
        "package_id": package_id, "origin": origin, "destination": peer.code, "created_at": now.isoformat(),
        "inspection": {"uid": uids["inspections.Inspection"][str(inspection.pk)], "title": inspection.title,
                       "start_date": inspection.start_date.isoformat(), "end_date": inspection.end_date.isoformat()},
        "counts": counts, "files": files.count, "missing_files": files.missing, "events": len(events),
        "users": len(users), "stripped_sealed": stripped, "calendar": office_calendar_record(inspection),
    }
    writer.add_json("summary.json.enc", summary)
    return writer.finish(), summary


# The calendar days carried: those of the inspection's period and of this many days after it, where its
# later due dates fall (rectification plan and report, handover results: months after the feedback).
CALENDAR_TAIL_DAYS = 400


def office_calendar_record(inspection: Inspection) -> dict[str, Any]:
    """What the receiver needs to count the inspection's due dates as the sender does: the calendar days of
    the platform and of the office chain in the period (each with the office that entered it, nearest first
    winning), the effective overrides they make, and the office's effective time limits."""
    chain = office_chain(inspection.office_id)
    names = dict(Office.objects.filter(pk__in=chain).values_list("pk", "name"))
    since, until = inspection.start_date, inspection.end_date + dt.timedelta(days=CALENDAR_TAIL_DAYS)
    rows = CalendarDay.objects.filter(Q(office__isnull=True) | Q(office_id__in=chain), date__gte=since, date__lte=until)
    days = [{"date": d.date.isoformat(), "kind": d.kind, "name": d.name, "office": names.get(d.office_id) if d.office_id else None}
            for d in rows.order_by("date", "office_id")]
    effective = {d.isoformat(): kind for d, kind in sorted(calendar_of(inspection).overrides.items()) if since <= d <= until}
    return {"office": names.get(chain[0]) if chain else None, "from": since.isoformat(), "until": until.isoformat(),
            "days": days, "overrides": effective,
            "limits": {name: office_limit_map(name, inspection.office_id)[inspection.office_id] for name in LIMITS}}


def _events(rows: dict[str, list[models.Model]], uids: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """The sender's audit events about the exported rows, with everything needed to recompute their hashes."""
    audit_seal()  # events that committed a moment ago carry their hash too
    found: dict[int, dict[str, Any]] = {}
    by_type: dict[str, list[str]] = defaultdict(list)
    for label, objs in rows.items():
        by_type[label.lower()].extend(str(o.pk) for o in objs)
    labels = {label.lower(): label for label in rows}
    for object_type, ids in by_type.items():
        for part in chunks(ids):
            for e in AuditEvent.objects.filter(object_type=object_type, object_id__in=part):
                found[e.pk] = {
                    "id": e.pk, "at": e.at.astimezone(dt.UTC).isoformat(timespec="microseconds"), "actor_id": e.actor_id,
                    "actor_name": e.actor_name, "action": e.action, "object_type": e.object_type, "object_id": e.object_id,
                    "object_uid": uids[labels[object_type]].get(e.object_id), "summary": e.summary, "data": e.data,
                    "ip": e.ip, "prev_hash": e.prev_hash, "hash": e.hash,
                }
    return [found[k] for k in sorted(found)]
