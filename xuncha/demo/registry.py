"""The demo's registry of target organisations, office settings and briefing before entry (issue 20).

- load_demo_registry (from load_demo): the university's party committee above its schools (the
  party-organisation tree), each office's term (届) for the full-coverage view, and the city's template for
  the briefing request to the petitions office.
- load_demo_briefings (from the load_demo command, after the fieldwork): seed 000's team asks four bodies
  for their briefings before entry, three answer (one with a document), and a summary names the problems
  to look at (leads)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.files.uploadedfile import SimpleUploadedFile

from xuncha.accounts.models import User
from xuncha.fieldwork.services_briefing import briefing_answer_register, briefing_request_create, briefing_summary_save
from xuncha.inspections import services, services_offices
from xuncha.inspections.models import Inspection, Office, TargetOrg

UNIVERSITY = "中国计量大学党委"


def load_demo_registry(office: User, offices: dict[str, Office]) -> None:
    university = services.target_create(actor=office, office=offices["province"], name=UNIVERSITY, short_name="中国计量大学",
                                        parent="省委教育工委")
    for school in TargetOrg.objects.filter(parent=UNIVERSITY).exclude(pk=university.pk):
        services_offices.target_parent_set(actor=office, target=school, parent=university)
    services_offices.office_settings_save(actor=office, office=offices["province"], term_start=dt.date(2022, 6, 1), term_years=5,
                                          limits={}, briefing_asks={})
    services_offices.office_settings_save(
        actor=office, office=offices["city"], term_start=dt.date(2021, 9, 1), term_years=5, limits={},
        briefing_asks={"petitions": "近三年反映被巡察党组织及其领导班子成员的来信、来访、网上信访件数及办理情况，重复信访和越级信访情况。"})


def _pdf(name: str, lines: list[str]) -> SimpleUploadedFile:
    import io

    from reportlab.pdfgen import canvas

    from xuncha.documents import pdf_font

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.setFont(pdf_font(), 12)
    for i, line in enumerate(lines):
        c.drawString(60, 780 - 20 * i, line)
    c.save()
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def load_demo_briefings(inspections: Sequence[Inspection]) -> int:
    """The briefings of seed 000 (the first demo inspection); returns how many bodies were asked."""
    seed000 = inspections[0]
    member, leader = User.objects.get(username="member"), User.objects.get(username="leader")
    asked = seed000.start_date - dt.timedelta(days=14)
    due = asked + dt.timedelta(days=7)
    answers = [
        ("discipline", "省纪委监委驻省教育厅纪检监察组", "近三年收到反映该学院问题线索 3 件，已了结 2 件，1 件正在初核（涉及科研经费报销）。",
         ["通报材料：问题线索处置情况", "近三年问题线索 3 件，已了结 2 件", "1 件正在初核：科研经费报销"]),
        ("organisation", "中国计量大学党委组织部", "领导班子 9 人，近两年调整 3 人；2023 年度考核“好”等次；个人有关事项抽查核实 2 人，均一致。", []),
        ("audit", "中国计量大学审计处", "2023 年经济责任审计发现横向课题经费管理不规范、固定资产账实不符等 4 个问题，已整改 3 个。", []),
    ]
    for kind, name, answer, pdf in answers:
        b = briefing_request_create(actor=member, inspection=seed000, body_kind=kind, body_name=name, requested_on=asked, due_on=due)
        files = [_pdf("通报材料.pdf", pdf)] if pdf else []
        briefing_answer_register(actor=member, briefing=b, answered_on=asked + dt.timedelta(days=5), answer=answer, files=files)
    briefing_request_create(actor=member, inspection=seed000, body_kind="petitions", body_name="中国计量大学信访办",
                            requested_on=asked, due_on=due)
    briefing_summary_save(actor=leader, inspection=seed000,
                          text="综合各单位通报，科研经费管理和固定资产管理问题较为集中，审计整改尚未全部完成。",
                          problems=["科研经费报销中存在的问题（纪检监察组通报正在初核的线索）",
                                    "经济责任审计发现问题的整改情况，特别是尚未整改的 1 个问题"])
    return len(answers) + 1
