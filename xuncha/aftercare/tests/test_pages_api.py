"""The pages and the API of aftercare as users reach them: the persona × page access matrix, publishing and
exempting through the pages, the public page and API, the receipt look-up telling the reporter it was
published, the assessment sheet through its form, and 回头看 creation and marks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import PERSONAS
from xuncha.aftercare.models import Assessment, Publication, PublicationExemption, RevisitMark
from xuncha.aftercare.services import publication_publish
from xuncha.aftercare.services_assessment import assessment_start
from xuncha.intake.services import ReporterData, ReportInput, report_register
from xuncha.rectification.models import Finding

from .helpers import finding, ledger, user
from .test_assessment_revisit import make_revisit

pytestmark = pytest.mark.django_db

STAFF = {"office", "leader", "member"}
OFFICE = {"office"}


@pytest.fixture
def published(seed001: Any) -> Any:
    items = ledger(seed001)
    publication_publish(actor=user("office"), inspection=seed001)
    assessment_start(actor=user("office"), inspection=seed001)
    return items


def test_access_matrix_of_the_pages_and_endpoints(seed001: Any, published: Any, clients: dict[str, Client]) -> None:
    revisit = make_revisit(seed001)
    pages = {
        f"/inspections/{seed001.pk}/publication/": STAFF,
        f"/inspections/{seed001.pk}/publication.docx": STAFF,
        f"/inspections/{seed001.pk}/assessment/": STAFF,
        f"/inspections/{seed001.pk}/assessment.docx": STAFF,
        "/assessment/indicators/": OFFICE,
        f"/inspections/{seed001.pk}/revisit/new/": OFFICE,
        f"/inspections/{revisit.pk}/revisit/": STAFF,
        f"/inspections/{seed001.pk}/revisit/": set(),  # not a revisit
        f"/api/v1/inspections/{seed001.pk}/assessment": STAFF,
    }
    for url, allowed in pages.items():
        for who in PERSONAS:
            status = clients[who].get(url).status_code
            assert status == (200 if who in allowed else 404), (url, who, status)
    for who in [*PERSONAS, "anonymous"]:
        assert clients[who].get(f"/p/{seed001.public_id}/rectification/").status_code == 200
        assert clients[who].get(f"/api/v1/public/inspections/{seed001.pk}/rectification").status_code == 200


@pytest.mark.parametrize("who", PERSONAS)
def test_who_may_publish_through_the_page_and_the_api(seed001: Any, clients: dict[str, Client], who: str) -> None:
    ledger(seed001)
    page = clients[who].post(f"/inspections/{seed001.pk}/publication/", {"intro": ""})
    api = clients[who].post(f"/api/v1/inspections/{seed001.pk}/publication", {"intro": ""}, content_type="application/json")
    if who == "office":
        assert page.status_code == 302 and api.status_code == 201
        assert api.json()["url"].endswith(f"/p/{seed001.public_id}/rectification/") and api.json()["version"] == 2
    else:
        assert page.status_code == 404
        assert api.status_code == (403 if who in ("leader", "member") else 404)
        assert not Publication.objects.exists()


def test_office_exempts_an_item_and_publishes_through_the_pages(seed001: Any, clients: dict[str, Client]) -> None:
    items = ledger(seed001)
    office = clients["office"]
    assert Client().get(f"/p/{seed001.public_id}/rectification/").status_code == 404
    r = office.post(f"/inspections/{seed001.pk}/publication/items/{items[3].pk}/exempt/", {"reason": "other", "note": ""}, follow=True)
    assert "写明依据" in r.content.decode() and not PublicationExemption.objects.exists()
    office.post(f"/inspections/{seed001.pk}/publication/items/{items[3].pk}/exempt/", {"reason": "investigation"})
    assert PublicationExemption.objects.get().item == items[3]
    page = office.get(f"/inspections/{seed001.pk}/publication/").content.decode()
    assert "不予公开：正在调查处理" in page and 'data-confirm="公开后' in page
    too_long = office.post(f"/inspections/{seed001.pk}/publication/", {"intro": "长" * 2001})
    assert too_long.status_code == 400 and "长" * 2001 in too_long.content.decode()  # kept as typed
    r = office.post(f"/inspections/{seed001.pk}/publication/", {"intro": "现将整改进展情况公布如下。"}, follow=True)
    assert "已公开整改情况（第1版）" in r.content.decode()
    public = Client().get(f"/p/{seed001.public_id}/rectification/").content.decode()
    assert "现将整改进展情况公布如下。" in public and "重新核定饭菜价格" in public and "配合有关部门调查" not in public
    assert "另有1项依规不予公开" in public
    assert "整改情况已于" in Client().get(f"/p/{seed001.public_id}/").content.decode()
    api = Client().get(f"/api/v1/public/inspections/{seed001.public_id}/rectification").json()
    assert api["summary"]["exempted"] == 1 and api["version"] == 1
    office.post(f"/inspections/{seed001.pk}/publication/items/{items[3].pk}/publish/")
    assert not PublicationExemption.objects.exists()


def test_public_api_answers_404_before_publication_and_for_nonsense(seed001: Any) -> None:
    ledger(seed001)
    for ident in (str(seed001.pk), str(seed001.public_id), "x" * 40, "9" * 30):
        assert Client().get(f"/api/v1/public/inspections/{ident}/rectification").status_code == 404


def test_the_receipt_lookup_says_the_rectification_was_published(seed001: Any) -> None:
    code = report_register(actor=None, data=ReportInput(inspection=seed001, content="反映食堂问题。", kind="online",
                                                        reporter=ReporterData(name="覃明珠", phone="13977005678"))).receipt_code
    client = Client()
    client.post("/p/receipt/", {"code": code})
    assert "rectification-published" not in client.get("/p/receipt/").content.decode()
    assert Client().get(f"/api/v1/public/receipts/{code}").json()["rectification_published"] is None
    ledger(seed001)
    publication_publish(actor=user("office"), inspection=seed001)
    page = client.get("/p/receipt/").content.decode()
    assert "本次巡察的整改情况已于" in page and f"/p/{seed001.public_id}/rectification/" in page
    answer = Client().get(f"/api/v1/public/receipts/{code}").json()["rectification_published"]
    assert answer["url"] == f"/p/{seed001.public_id}/rectification/"


def test_the_assessment_sheet_through_its_form(seed001: Any, clients: dict[str, Client]) -> None:
    ledger(seed001)
    office = clients["office"]
    url = f"/inspections/{seed001.pk}/assessment/"
    assert clients["leader"].post(url, {"action": "start"}).status_code == 404
    office.post(url, {"action": "start"})
    a = Assessment.objects.get()
    data: dict[str, str] = {"action": "save", "conclusion": "整改基本到位。"}
    for line in a.indicator_scores.all():
        data[f"ind_{line.pk}"], data[f"ind_{line.pk}_note"] = "10", ""
    for s in a.item_scores.all():
        data[f"item_{s.item_id}_rating"], data[f"item_{s.item_id}"], data[f"item_{s.item_id}_note"] = "mostly", "85", ""
    first = a.indicator_scores.first()
    assert first is not None
    bad = office.post(url, {**data, f"ind_{first.pk}": "abc"})
    assert bad.status_code == 400 and "请填写数字" in bad.content.decode() and 'value="abc"' in bad.content.decode()
    assert office.post(url, data).status_code == 302
    office.post(url, {"action": "finish"})
    a.refresh_from_db()
    assert a.state == Assessment.State.FINAL
    page = office.get(url).content.decode()
    assert "50.0分（满分100分）" in page and "已完成" in page and 'id="score-form"' not in page
    api = clients["member"].get(f"/api/v1/inspections/{seed001.pk}/assessment").json()
    assert api["state"] == "final" and api["total"] in ("50.0", 50.0) and api["items"][0]["rating"] == "mostly"


def test_revisit_created_and_marked_through_the_pages(seed001: Any, clients: dict[str, Client]) -> None:
    from xuncha.inspections import services as inspections
    from xuncha.inspections.models import Inspection, RoundKind

    ledger(seed001)
    rnd = inspections.round_create(actor=user("office"), name="回头看轮次", kind=RoundKind.FOLLOWUP, year=2026, office=seed001.office)
    team = inspections.team_create(actor=user("office"), round=rnd, name="回头看一组")
    url = f"/inspections/{seed001.pk}/revisit/new/"
    bad = clients["office"].post(url, {"round": rnd.pk, "team": team.pk, "start_date": "2026-03-02"})
    assert bad.status_code == 400 and "请填写结束日期或工作日数" in bad.content.decode()
    r = clients["office"].post(url, {"round": rnd.pk, "team": team.pk, "start_date": "2026-03-02", "working_days": "20"})
    revisit = Inspection.objects.get(revisit_of=seed001)
    assert r.status_code == 302 and r["Location"] == f"/inspections/{revisit.pk}/revisit/"
    page = clients["office"].get(f"/inspections/{revisit.pk}/revisit/").content.decode()
    assert "食堂饭菜价格上涨" in page and "引入师生膳食监督委员会" in page and 'id="mark-form"' not in page
    from xuncha.accounts.roles import Role
    from xuncha.accounts.services import role_assign

    # A member of the new team only (never on the earlier one) starts from the earlier findings and open items.
    role_assign(actor=user("sysadmin"), user=user("other_member"), role=Role.TEAM_MEMBER, team=team, system=True)
    new = finding(revisit, 1, "价格公示流于形式")
    earlier = Finding.objects.get(inspection=seed001, number=1)
    member = Client()
    member.force_login(user("other_member"))
    assert clients["other_member"].get(f"/inspections/{seed001.pk}/publication/").status_code == 404
    assert "引入师生膳食监督委员会" in member.get(f"/inspections/{revisit.pk}/revisit/").content.decode()
    r = member.post(f"/inspections/{revisit.pk}/revisit/", {"finding": new.pk, "earlier": earlier.pk, "note": "未坚持"})
    assert r.status_code == 302 and RevisitMark.objects.get().earlier == earlier
    assert "未坚持" in member.get(f"/inspections/{revisit.pk}/revisit/").content.decode()
    mark = RevisitMark.objects.get()
    member.post(f"/inspections/{revisit.pk}/revisit/", {"unmark": mark.pk})
    assert not RevisitMark.objects.exists()
    assert clients["office"].post(f"/inspections/{revisit.pk}/revisit/", {"unmark": "1"}).status_code == 404


def test_api_publication_body_is_checked(seed001: Any, clients: dict[str, Client]) -> None:
    ledger(seed001)
    r = clients["office"].post(f"/api/v1/inspections/{seed001.pk}/publication", json.dumps({"intro": "x" * 2001}),
                               content_type="application/json")
    assert r.status_code in (400, 422)
    empty = clients["office"].post(f"/api/v1/inspections/{seed001.pk}/publication", {}, content_type="application/json")
    assert empty.status_code == 201
