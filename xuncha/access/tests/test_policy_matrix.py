"""The access policy walked for every persona and every kind of object, against a table written by hand
(not derived from the policy): `allows()`, `scope()`, the pages and the API must all give the same
answer. Besides the twelve personas of conftest, `conflicted` is a member of the object's team who
declared a conflict of interest with its target: the policy keeps them out of everything there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client

from conftest import PERSONAS, client_for
from xuncha.access import Kind, Purpose, allows, scope
from xuncha.accounts.models import User
from xuncha.accounts.services import api_token_create
from xuncha.inspections import services as planning
from xuncha.inspections.models import Inspection, TeamMember

pytestmark = pytest.mark.django_db

ALL = [*PERSONAS, "conflicted"]
TEAM = {"leader", "member"}
OTHER_TEAM = {"other_leader", "other_member"}

# Who reaches the object, for reading, by kind — the rule as the users' documents state it.
EXPECTED_OWN: dict[Kind, set[str]] = {
    Kind.INSPECTION: {"office", *TEAM, "liaison"},
    Kind.CASE: TEAM,
    Kind.HANDOVER: {*TEAM, "recipient"},
    Kind.RECTIFICATION: {"office", *TEAM},
    Kind.TARGET: {"office", *TEAM, "liaison"},
    Kind.DASHBOARD: {"office", *TEAM},
    Kind.REQUEST: {*TEAM, "liaison"},
    Kind.FIELDWORK: TEAM,
    Kind.SCHEDULE: {"office", *TEAM, "liaison"},
    Kind.SURVEY: {"office", *TEAM},
}
EXPECTED_OTHER: dict[Kind, set[str]] = {
    Kind.INSPECTION: {"office", *OTHER_TEAM, "other_liaison"},
    Kind.CASE: OTHER_TEAM,
    Kind.DASHBOARD: {"office", *OTHER_TEAM},
    Kind.REQUEST: {*OTHER_TEAM, "other_liaison"},
    Kind.FIELDWORK: OTHER_TEAM,
    Kind.SCHEDULE: {"office", *OTHER_TEAM, "other_liaison"},
    Kind.SURVEY: {"office", *OTHER_TEAM},
}
# Deciding (approve, issue, sign off, reveal): the leader of the team; the office signs ledger items off.
EXPECTED_APPROVE_OWN: dict[Kind, set[str]] = {
    Kind.CASE: {"leader"},
    Kind.HANDOVER: {"leader"},
    Kind.RECTIFICATION: {"office", "leader"},
    Kind.TARGET: {"office", "leader"},
    Kind.REQUEST: {"leader"},
    Kind.FIELDWORK: {"leader"},
    Kind.SCHEDULE: {"leader"},
    Kind.SURVEY: {"leader"},
}


@dataclass
class Case:
    kind: Kind
    obj: Model
    inspection: Inspection
    queryset: Any                 # the object's model manager, to check scope()
    via: str                      # path from the object to its inspection
    pages: list[str]              # every page that shows the object (a persona reaches it if one answers 200)
    api: str | None               # the API resource, when there is one
    body_id: int | None = None


def _conflicted(inspections: list[Inspection]) -> User:
    """A member of each inspection's team who declared a conflict of interest with its target (joined
    first, declared after: the policy must keep them out although the role assignment stays)."""
    office = User.objects.get(username="office")
    user = User.objects.create(username="conflicted", display_name="回避组员")
    for inspection in {i.pk: i for i in inspections}.values():
        member = planning.team_member_add(actor=office, team=inspection.team, name="回避组员", position=TeamMember.Position.MEMBER,
                                          user=user)
        planning.conflict_declare(actor=office, member=member, org=inspection.target, reason="配偶在该单位任职")
    return user


def _cases(demo: dict[str, Any], register: Any) -> list[tuple[str, Case]]:
    from conftest import OTHER_RECIPIENT_BODY
    from xuncha.rectification.models import RectificationItem
    from xuncha.surveys.models import Survey
    from xuncha.surveys.services import survey_create
    from xuncha.triage.models import Referral

    own_report = register("食堂承包合同未经集体研究，院长指定其亲属经营。", [("赵某", "院长", "leadership")])
    other_report = register("学院采购设备价格明显偏高，经办人收受回扣。", [("钱某", "处长", "key_post")], inspection=demo["other"],
                            kind="phone")
    from xuncha.inspections.models import ReceivingBody
    from xuncha.rectification.models import Finding
    from xuncha.triage.services import disposition_propose

    leader = User.objects.get(username="leader")
    referred = register("食堂饭菜价格连续上涨，质量却越来越差。", [("钱某", "食堂承包商", "other")])
    body = ReceivingBody.objects.exclude(name=OTHER_RECIPIENT_BODY).first()
    disposition_propose(actor=leader, report=referred, kind="refer", reason="后勤管理问题", body=body, approve=True)
    referral = Referral.objects.select_related("report__inspection").get(report=referred)
    finding = Finding.objects.create(inspection=demo["seed000"], number=1, title="违规收受礼品礼金", facts="某处长收受购物卡。",
                                     rule_broken="《中国共产党纪律处分条例》第九十七条", focus="corruption", state="approved",
                                     created_by=User.objects.get(username="member"))
    item = RectificationItem.objects.create(inspection=demo["seed000"], finding=finding, number=1, measures="清退礼品礼金",
                                            responsible_leader="王副院长", responsible_dept="后勤处")
    out: list[tuple[str, Case]] = []
    out.extend(_attachment_cases(demo, own_report, other_report))
    for side, inspection in (("own", demo["seed000"]), ("other", demo["other"])):
        out.append((side, Case(Kind.INSPECTION, inspection, inspection, Inspection.objects, "",
                               [f"/inspections/{inspection.pk}/"], f"/api/v1/inspections/{inspection.pk}")))
        report = own_report if side == "own" else other_report
        out.append((side, Case(Kind.CASE, report, inspection, type(report).objects, "inspection",
                               [f"/reports/{report.pk}/", f"/triage/reports/{report.pk}/"], f"/api/v1/reports/{report.pk}")))
        out.append((side, Case(Kind.DASHBOARD, inspection, inspection, Inspection.objects, "",
                               [f"/dashboard/inspections/{inspection.pk}/"], None)))
        req, delivered = _document_request(inspection)
        out.append((side, Case(Kind.REQUEST, req, inspection, type(req).objects, "inspection",
                               [f"/fieldwork/document-files/{delivered.pk}/"], f"/api/v1/document-requests/{req.pk}")))
        talk, record = _fieldwork(inspection)
        out.append((side, Case(Kind.FIELDWORK, talk, inspection, type(talk).objects, "inspection",
                               [f"/talks/{talk.pk}/", f"/inspections/{inspection.pk}/talks/", f"/inspections/{inspection.pk}/fieldwork/",
                                f"/inspections/{inspection.pk}/fieldwork/leads/", f"/field-records/{record.pk}/",
                                f"/field-attachments/{record.attachments.get().pk}/"],
                               f"/api/v1/interviews/{talk.pk}")))
        out.append((side, Case(Kind.SCHEDULE, inspection, inspection, Inspection.objects, "",
                               [f"/inspections/{inspection.pk}/fieldwork/schedule/"], None)))
        survey = survey_create(actor=User.objects.get(username="member" if side == "own" else "other_member"),
                               inspection=inspection, template="questionnaire")
        out.append((side, Case(Kind.SURVEY, survey, inspection, Survey.objects, "inspection",
                               [f"/surveys/{survey.pk}/", f"/surveys/{survey.pk}/results/", f"/surveys/{survey.pk}/results.xlsx"],
                               f"/api/v1/surveys/{survey.pk}/results")))
    out.append(("own", Case(Kind.HANDOVER, referral, referral.report.inspection, Referral.objects, "report__inspection",
                            [f"/triage/referrals/{referral.pk}/letter.docx", f"/recipient/referrals/{referral.pk}/"], None,
                            body_id=referral.body_id)))
    insp = item.inspection
    out.append(("own", Case(Kind.RECTIFICATION, insp, insp, Inspection.objects, "",
                            [f"/rectification/inspections/{insp.pk}/findings/", f"/rectification/inspections/{insp.pk}/ledger/"], None)))
    out.append(("own", Case(Kind.TARGET, item, insp, RectificationItem.objects, "inspection",
                            [f"/rectification/ledger-items/{item.pk}/", f"/target/items/{item.pk}/"], f"/api/v1/ledger-items/{item.pk}")))
    return out


def _attachment_cases(demo: dict[str, Any], own_report: Any, other_report: Any) -> list[tuple[str, Case]]:
    """A report's attachment: its viewer page, the file and the text read from it, and the API's list, file
    and text, are the team's case file (Kind.CASE): liaisons, recipients and everyone else get 404."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from xuncha.intake.models import Attachment
    from xuncha.intake.services import report_add_information

    out: list[tuple[str, Case]] = []
    for side, report, inspection in (("own", own_report, demo["seed000"]), ("other", other_report, demo["other"])):
        png = io.BytesIO()
        Image.new("RGB", (40, 20), "white").save(png, format="PNG")
        report_add_information(report=report, content="补充一张照片", files=[SimpleUploadedFile("照片.png", png.getvalue())])
        att = Attachment.objects.filter(report=report).latest("id")
        pages = [f"/attachments/{att.pk}/", f"/attachments/{att.pk}/file"]
        for api in (f"/api/v1/attachments/{att.pk}", f"/api/v1/attachments/{att.pk}/text", f"/api/v1/reports/{report.pk}/attachments"):
            out.append((side, Case(Kind.CASE, att, inspection, Attachment.objects, "report__inspection", pages, api)))
    return out


def _document_request(inspection: Inspection) -> tuple[Any, Any]:
    """A document request sent to the inspection's target, one item delivered as a file by its liaison."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xuncha.accounts.roles import Role
    from xuncha.fieldwork import services_documents as docs

    member = User.objects.filter(roles__team=inspection.team, roles__role=Role.TEAM_MEMBER).first()
    liaison = User.objects.filter(roles__org=inspection.target, roles__role=Role.LIAISON).first()
    assert member is not None and liaison is not None
    req = docs.document_request_create(actor=member, inspection=inspection, items=[docs.ItemData("会议记录", "2023年", "copy")], due_days=3)
    item = req.items.get()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    docs.document_item_deliver(actor=liaison, item=item, files=[SimpleUploadedFile("scan.png", png)])
    return req, item.files.get()


def _fieldwork(inspection: Inspection) -> tuple[Model, Model]:
    """A talk and a visit record of the inspection, by a member of its team."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from xuncha.fieldwork import services_talks
    from xuncha.fieldwork.services_visits import FieldRecordInput, field_record_create

    member = User.objects.filter(roles__team=inspection.team, roles__role="team_member").first()
    talk = services_talks.interview_create(actor=member, inspection=inspection, category="chosen",
                                           who=services_talks.IntervieweeInput(name="张三丰"))
    record = field_record_create(actor=member, inspection=inspection, data=FieldRecordInput(
        kind="visit", held_on=dt.date(2026, 11, 20), title="走访后勤处",
        files=[SimpleUploadedFile("现场照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)]))
    return talk, record


def _status(client: Client, url: str, headers: dict[str, str] | None = None) -> int:
    return int(client.get(url, **(headers or {})).status_code)


def test_every_persona_reaches_exactly_what_the_rules_say(demo: dict[str, Any], register: Any) -> None:
    cases = _cases(demo, register)
    users = dict(demo["users"])
    users["conflicted"] = _conflicted([c.inspection for side, c in cases if side == "own"])
    tokens = {name: api_token_create(user=users[name]) for name in ALL}
    mismatches: list[str] = []
    for side, case in cases:
        expected = (EXPECTED_OWN if side == "own" else EXPECTED_OTHER)[case.kind]
        for name in ALL:
            user = User.objects.get(username=name)  # fresh: no cached roles across the matrix
            want = name in expected
            said: dict[str, bool] = {
                "allows": allows(user, case.kind, Purpose.READ, case.inspection, body_id=case.body_id),
                "scope": case.queryset.filter(scope(user, case.kind, Purpose.READ, via=case.via), pk=case.obj.pk).exists(),
            }
            client = client_for(user)
            codes = [_status(client, url) for url in case.pages]
            assert all(code in (200, 404) for code in codes), (case.kind, name, case.pages, codes)
            said["pages"] = 200 in codes
            if case.api:
                code = _status(Client(), case.api, {"HTTP_AUTHORIZATION": f"Bearer {tokens[name]}"})
                assert code in (200, 404), (case.kind, name, case.api, code)
                said["api"] = code == 200
            wrong = {k: v for k, v in said.items() if v != want}
            if wrong:
                mismatches.append(f"{side} {case.kind} {name}: expected {want}, got {wrong}")
            if side == "own" and case.kind in EXPECTED_APPROVE_OWN:
                approve = allows(user, case.kind, Purpose.APPROVE, case.inspection, body_id=case.body_id)
                if approve != (name in EXPECTED_APPROVE_OWN[case.kind]):
                    mismatches.append(f"{side} {case.kind} {name}: approve {approve}")
    assert not mismatches, "\n".join(mismatches)


def test_the_anonymous_visitor_reaches_nothing(demo: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    for kind in Kind:
        for purpose in Purpose:
            assert not Inspection.objects.filter(scope(AnonymousUser(), kind, purpose, via="")).exists()


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_and_purpose_has_a_rule(kind: Kind) -> None:
    from xuncha.access.policy import RULES

    for purpose in Purpose:
        assert (kind, purpose) in RULES



def test_the_office_scope_survives_being_combined(demo: dict[str, Any]) -> None:
    """'everything' OR-ed with another condition is still everything (an empty Q() would vanish)."""
    from django.db.models import Q

    office = demo["users"]["office"]
    everything = scope(office, Kind.INSPECTION, Purpose.READ, via="")
    assert Inspection.objects.filter(everything | Q(pk__in=[])).count() == Inspection.objects.count()
    assert Inspection.objects.filter(Q(pk__in=[]) | everything).count() == Inspection.objects.count()


# Pages of the office that belong to no inspection: only the office reaches them; anyone else is told they
# do not exist (the policy's planning standing, allows(user, Kind.INSPECTION, Purpose.WORK, None)).
OFFICE_PAGES = ["/triage/classification/quality/"]


def test_office_pages_are_the_office_s_alone(demo: dict[str, Any]) -> None:
    for name in PERSONAS:
        user = User.objects.get(username=name)
        want = name == "office"
        assert allows(user, Kind.INSPECTION, Purpose.WORK, None) == want, name
        for url in OFFICE_PAGES:
            assert _status(client_for(user), url) == (200 if want else 404), (name, url)
