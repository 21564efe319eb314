"""整改公开: the content comes from the ledger only, exempted items are left out, every version is kept, only
the office publishes; and nothing sealed or masked of the inspection reaches the page, the API or the .docx."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.http import Http404
from django.test import Client

from xuncha.aftercare.models import Publication, PublicationExemption
from xuncha.aftercare.services import exemption_clear, exemption_set, publication_docx_export, publication_publish
from xuncha.audit.models import AuditEvent
from xuncha.core import crypto
from xuncha.errors import Conflict, Invalid, NotAllowed
from xuncha.fieldwork.services_talks import IntervieweeInput, interview_create
from xuncha.intake.models import Report, Subject
from xuncha.intake.services import ReporterData, ReportInput, SubjectData, report_register
from xuncha.keys import key_ring

from .helpers import finding, item, ledger, user

pytestmark = pytest.mark.django_db


def docx_text(content: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_publication_is_built_from_the_ledger_without_the_exempted_items(seed001: Any) -> None:
    items = ledger(seed001)
    exemption_set(actor=user("office"), item=items[3], reason="investigation")
    pub = publication_publish(actor=user("office"), inspection=seed001, intro="")
    content = pub.content
    assert pub.version == 1
    assert [p["title"] for p in content["problems"]] == ["食堂饭菜价格上涨、质量下降", "工程项目和设备采购程序不规范"]
    measures = [i["measures"] for p in content["problems"] for i in p["items"]]
    assert "对涉嫌违规的设备采购线索配合有关部门调查" not in measures and len(measures) == 3
    assert content["summary"] == {"problems": 2, "items": 3, "completed": 1, "long_term": 1, "in_progress": 1, "exempted": 1}
    text = json.dumps(content, ensure_ascii=False)
    assert "王副院长" not in text and "问题1的事实" not in text  # no person's name, no facts
    event = AuditEvent.objects.get(action="publication.publish")
    assert "第1版" in event.summary and "不予公开1项" in event.summary


def test_a_finding_whose_items_are_all_exempted_is_left_out_and_nothing_left_is_refused(seed001: Any) -> None:
    f = finding(seed001, 1, "涉密事项")
    only = item(f, "按保密规定整改")
    exemption_set(actor=user("office"), item=only, reason="secret")
    with pytest.raises(Invalid, match="全部整改事项都已标为不予公开"):
        publication_publish(actor=user("office"), inspection=seed001)
    exemption_clear(actor=user("office"), item=only)
    assert not PublicationExemption.objects.exists()
    with pytest.raises(Conflict):
        exemption_clear(actor=user("office"), item=only)


def test_an_empty_ledger_cannot_be_published_and_other_needs_a_note(seed001: Any) -> None:
    with pytest.raises(Invalid, match="还没有整改事项"):
        publication_publish(actor=user("office"), inspection=seed001)
    items = ledger(seed001)
    with pytest.raises(Invalid, match="写明依据"):
        exemption_set(actor=user("office"), item=items[0], reason="other")
    with pytest.raises(Invalid, match="请选择"):
        exemption_set(actor=user("office"), item=items[0], reason="nonsense")


def test_publishing_again_keeps_every_version(seed001: Any) -> None:
    ledger(seed001)
    publication_publish(actor=user("office"), inspection=seed001, intro="第一次公开。")
    second = publication_publish(actor=user("office"), inspection=seed001, intro="第二次公开。")
    assert second.version == 2 and Publication.objects.filter(inspection=seed001).count() == 2
    assert second.content["intro"] == "第二次公开。"


@pytest.mark.parametrize(("who", "error"), [("leader", NotAllowed), ("member", NotAllowed), ("liaison", Http404),
                                            ("other_leader", Http404), ("recipient", Http404), ("norole", Http404)])
def test_only_the_office_publishes_and_exempts(seed001: Any, who: str, error: type[Exception]) -> None:
    items = ledger(seed001)
    with pytest.raises(error):
        publication_publish(actor=user(who), inspection=seed001)
    with pytest.raises(error):
        exemption_set(actor=user(who), item=items[0], reason="privacy")
    assert not Publication.objects.exists()


def test_a_lower_office_reads_but_does_not_publish_the_city_inspection(seed001: Any) -> None:
    ledger(seed001)
    with pytest.raises((NotAllowed, Http404)):
        publication_publish(actor=user("office_cjlu"), inspection=seed001)
    assert publication_publish(actor=user("office_city"), inspection=seed001).version == 1


def test_the_docx_reopens_with_the_published_content(seed001: Any) -> None:
    items = ledger(seed001)
    exemption_set(actor=user("office"), item=items[3], reason="investigation")
    pub = publication_publish(actor=user("office"), inspection=seed001)
    text = docx_text(publication_docx_export(actor=user("leader"), publication=pub))
    assert pub.content["title"] in text and "重新核定饭菜价格" in text and "另有1项依规不予公开" in text
    assert "配合有关部门调查" not in text
    assert AuditEvent.objects.filter(action="publication.export").count() == 1
    with pytest.raises(Http404):
        publication_docx_export(actor=user("liaison"), publication=pub)


# --- nothing sealed or masked leaks -----------------------------------------------------------------------


def _sealed_and_masked(inspection: Any) -> set[str]:
    """Every sealed value of the inspection (reporters, interviewees), its masked form, and every name reported on."""
    ring = key_ring()
    values: set[str] = set()
    for report in Report.objects.filter(inspection=inspection):
        for field, envelope in report.reporter_sealed.items():
            value = crypto.unseal(ring, envelope, context=field)
            values |= {value, crypto.mask_name(value) if field == "name" else crypto.mask_phone(value) if field == "phone" else value}
    from xuncha.fieldwork.models.talks import Interview

    for interview in Interview.objects.filter(inspection=inspection):
        for field, envelope in interview.identity_sealed.items():
            value = crypto.unseal(ring, envelope, context=field)
            values |= {value, crypto.mask_name(value) if field == "name" else crypto.mask_phone(value) if field == "contact" else value}
    for name in Subject.objects.filter(report__inspection=inspection).values_list("name", flat=True):
        values |= {name, crypto.mask_name(name)}
    return {v for v in values if len(v) >= 2}


def test_the_published_page_api_and_docx_hold_no_sealed_or_masked_value(seed001: Any) -> None:
    reporter = ReporterData(name="覃明珠", phone="13977005678", id_number="450602199001011234", unit="图书馆采编部",
                            address="防城港市港口区兴港大道1号", email="qmz@example.cn", role="staff")
    registered = report_register(actor=None, data=ReportInput(
        inspection=seed001, content="反映食堂承包人与黄建国有利益关系。", kind="online", reporter=reporter,
        subjects=[SubjectData(name="黄建国", post="后勤处处长", category="key_post")]))
    interview_create(actor=user("member"), inspection=seed001, category="chosen",
                     who=IntervieweeInput(name="韦丽萍", post="食堂管理员", contact="13800001111"))
    # The team wrote names and a number into the ledger — exactly what must not reach the public.
    f = finding(seed001, 1, "黄建国插手食堂承包（覃明珠、韦丽萍反映）")
    item(f, "约谈黄建国；向覃明珠（13977005678）、韦*萍反馈整改情况；核查黄**的亲属关系", dept="后勤处")
    pub = publication_publish(actor=user("office"), inspection=seed001, intro="覃明珠反映的问题已整改。")
    secrets = _sealed_and_masked(seed001)
    assert {"覃明珠", "覃**", "13977005678", "139****5678", "韦丽萍", "黄建国", "黄**", "图书馆采编部"} <= secrets
    page = Client().get(f"/p/{seed001.public_id}/rectification/").content.decode()
    api = Client().get(f"/api/v1/public/inspections/{seed001.public_id}/rectification").content.decode("utf-8")
    api = json.dumps(json.loads(api), ensure_ascii=False)
    docx = docx_text(publication_docx_export(actor=user("office"), publication=pub))
    for where, text in (("page", page), ("api", api), ("docx", docx)):
        assert "食堂承包" in text, where
        leaked = sorted(s for s in secrets if s in text)
        assert leaked == [], f"{where} leaks {leaked}"
    assert registered.receipt_code not in page
    event = AuditEvent.objects.get(action="publication.publish")
    assert event.data["redactions"] >= 6
    assert not any(s in event.summary for s in secrets)


def test_the_inspections_own_public_names_are_not_redacted(seed001: Any) -> None:
    from xuncha.aftercare.content import sensitive_terms

    report_register(actor=None, data=ReportInput(
        inspection=seed001, content="反映问题。", kind="online",
        reporter=ReporterData(name="覃明珠", phone="13977005678", unit=seed001.target.name)))
    terms = sensitive_terms(seed001)
    assert "覃明珠" in terms and seed001.target.name not in terms
    f = finding(seed001, 1, "食堂问题")
    item(f, f"{seed001.target.name}后勤处重新核定价格")
    pub = publication_publish(actor=user("office"), inspection=seed001)
    assert pub.content["problems"][0]["items"][0]["measures"].startswith(seed001.target.name)
    assert pub.content["title"].count("巡察巡察") == 0
