"""An inspection exported by one deployment and imported into another that does not have it: the same
data, identities re-sealed under the receiver's key, files that open, audit events that verify; a second
import changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import models

from conftest import DEMO_TODAY
from xuncha.audit.chain import link_hash
from xuncha.audit.keys import load_audit_key
from xuncha.audit.verify import verify_chain
from xuncha.core import crypto
from xuncha.demo.fieldwork import load_demo_fieldwork
from xuncha.demo.fieldwork_docs import load_demo_fieldwork_docs
from xuncha.demo.rectification import load_demo_rectification
from xuncha.demo.reports import load_demo_reports
from xuncha.demo.surveys import load_demo_surveys
from xuncha.errors import Conflict
from xuncha.exchange.export import _collect
from xuncha.exchange.importing import event_body
from xuncha.exchange.keys import load_config
from xuncha.exchange.models import ExchangeRef, ImportedAuditEvent, PackageImport
from xuncha.exchange.package import read_package
from xuncha.exchange.registry import SEALED, SPECS
from xuncha.exchange.rows import model_of
from xuncha.exchange.services import imported_events_check, inspection_export, package_import_confirm, package_upload
from xuncha.fieldwork.models import DeliveredFile
from xuncha.fieldwork.models.talks import Interview
from xuncha.inspections.models import Inspection, Office
from xuncha.intake.models import Report
from xuncha.keys import key_ring
from xuncha.rectification.models import Evidence, Finding

pytestmark = pytest.mark.django_db

MASTER = {"inspections.Round", "inspections.TargetOrg", "inspections.ReceivingBody", "inspections.Team"}


def _plain(label: str, obj: models.Model) -> tuple[Any, ...]:
    spec = next(s for s in SPECS if s.label == label)
    sealed = {p.partition(".")[0] for p in SEALED.get(label, {})}
    out = []
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.is_relation or isinstance(f, models.FileField) or f.name in spec.soft or f.name in spec.skip:
            continue
        if f.name in sealed or (label == "rectification.FindingEvidence" and f.name == "object_id"):
            continue
        value = getattr(obj, f.attname)
        out.append((f.name, bytes(value) if isinstance(value, memoryview) else value))
    return tuple(out)


def _content(inspection: Inspection) -> dict[str, list[str]]:
    return {label: sorted(repr(_plain(label, o)) for o in objs) for label, objs in _collect(inspection).items()}


def _identities(inspection: Inspection) -> dict[str, Any]:
    ring = key_ring()
    reporters = {r.number: {k: crypto.unseal(ring, v, context=k) for k, v in r.reporter_sealed.items()}
                 for r in Report.objects.filter(inspection=inspection)}
    talks = {i.number: {k: crypto.unseal(ring, v, context=k) for k, v in i.identity_sealed.items()}
             for i in Interview.objects.filter(inspection=inspection)}
    return {"reporters": reporters, "talks": talks}


def _links(inspection: Inspection) -> dict[str, Any]:
    return {
        "subjects": sorted((r.number, s.name) for r in Report.objects.filter(inspection=inspection) for s in r.subjects.all()),
        "finding_reports": sorted((f.number, r.number) for f in Finding.objects.filter(inspection=inspection) for r in f.reports.all()),
        "records": sorted((i.number, bool(getattr(i, "record", None))) for i in Interview.objects.filter(inspection=inspection)),
    }


def _files(inspection: Inspection) -> dict[str, bytes]:
    out = {}
    for d in DeliveredFile.objects.filter(item__request__inspection=inspection):
        with d.file.open("rb") as f:
            out[f"delivered:{d.item.number}"] = f.read()
    for e in Evidence.objects.filter(progress__item__inspection=inspection) | Evidence.objects.filter(answer__notice__inspection=inspection):
        with e.file.open("rb") as f:
            out[f"evidence:{e.file.name.rsplit('/', 1)[-1][:8]}"] = f.read()
    return out


def _remove(inspection: Inspection) -> None:
    """This deployment never had the inspection: its rows go (master data such as the round stays, found
    again by its natural key), and so do the exchange ids."""
    rows = _collect(inspection)
    for spec in reversed(SPECS):
        if spec.label not in MASTER:
            model_of(spec.label)._default_manager.filter(pk__in=[o.pk for o in rows[spec.label]]).delete()
    ExchangeRef.objects.all().delete()


def _table_counts() -> dict[str, int]:
    return {s.label: model_of(s.label)._default_manager.count() for s in SPECS} | {
        "refs": ExchangeRef.objects.count(), "events": ImportedAuditEvent.objects.count(), "imports": PackageImport.objects.count()}


def test_exported_inspection_imported_into_a_deployment_without_it(demo: dict[str, Any], as_deployment: Any) -> None:
    inspections = [demo["seed000"], demo["seed001"], demo["practice"]]
    load_demo_reports(inspections, today=DEMO_TODAY)
    load_demo_rectification(inspections, today=DEMO_TODAY)
    load_demo_fieldwork(inspections, today=DEMO_TODAY)
    load_demo_fieldwork_docs(inspections, today=DEMO_TODAY)
    load_demo_surveys(inspections, today=DEMO_TODAY)
    practice = Inspection.objects.get(pk=demo["practice"].pk)
    office = demo["users"]["office"]
    before = (_content(practice), _identities(practice), _links(practice), _files(practice))
    assert before[1]["reporters"] and before[1]["talks"] and len(before[3]) >= 2
    old_public_id = practice.public_id

    data, _, summary = inspection_export(actor=office, inspection_id=practice.pk, peer="prov")
    assert summary["stripped_sealed"] == 0 and summary["files"] >= 2 and summary["events"] > 50
    _remove(practice)
    assert not Inspection.objects.filter(public_id=old_public_id).exists()

    as_deployment("prov", fresh_identity_key=True)  # the receiver: its own identity key
    # Identities stay sealed inside the package, even once its members are decrypted.
    opened = read_package(data, load_config())
    everything = json.dumps(opened._json, ensure_ascii=False)
    # (Interviewees' names are not checked: a must-talk interviewee is a leadership member, whose name is
    # plain master data on both sides; their contacts are sealed.)
    names = [v for identity in before[1]["reporters"].values() for k, v in identity.items() if k in ("name", "phone")]
    names += [v for identity in before[1]["talks"].values() for k, v in identity.items() if k == "contact"]
    assert names and not [n for n in names if n in everything]
    root = Office.objects.get(parent=None)
    record = package_upload(actor=office, office_id=root.pk, content=data)
    assert record.summary["preview"]["intake.Report"] == {"new": 40, "known": 0}
    record = package_import_confirm(actor=office, import_id=record.pk)
    imported = Inspection.objects.get(pk=record.inspection_id)
    assert imported.public_id == old_public_id and imported.office_id == root.pk

    after = (_content(imported), _identities(imported), _links(imported), _files(imported))
    assert after[0] == before[0]
    assert after[1] == before[1]  # opened with the receiver's key: re-sealed on import
    assert after[2] == before[2]
    assert after[3] == before[3]  # the real files, reopened
    ring = key_ring()
    assert {crypto.envelope_key_id(v) for r in Report.objects.filter(inspection=imported) for v in r.reporter_sealed.values()} == {ring.active}

    # The audit trail: this deployment's chain verifies (with the import in it); the sender's events keep
    # their hashes (recomputed with the sender's audit key) and match the digest chained at import.
    assert verify_chain().ok
    assert imported_events_check(record=record) == []
    key = load_audit_key()
    assert key is not None
    events = list(ImportedAuditEvent.objects.filter(package=record))
    assert len(events) == summary["events"]
    assert all(link_hash(e.prev_hash, event_body(e), key.key if e.original_id >= key.keyed_from else None) == e.hash for e in events)

    # Importing the same package twice changes nothing.
    counts = _table_counts()
    with pytest.raises(Conflict, match="再次导入不会改变任何数据"):
        package_upload(actor=office, office_id=root.pk, content=data)
    assert _table_counts() == counts

    # A new package of the same inspection: every row is found by its exchange id, nothing changes.
    as_deployment("cjlu")
    again, _, _ = inspection_export(actor=office, inspection_id=imported.pk, peer="prov")
    as_deployment("prov")
    second = package_import_confirm(actor=office, import_id=package_upload(actor=office, office_id=root.pk, content=again).pk)
    assert second.result["created"] == {} and second.result["updated"] == {}
    assert (_content(imported), _identities(imported), _links(imported)) == before[:3]

    # A changed stored event no longer matches the digest this deployment chained.
    ImportedAuditEvent.objects.filter(pk=events[0].pk).update(summary="改过")
    assert imported_events_check(record=record)
