"""The liaison's ledger pages (/target/items/): their organisation's items only, the progress form with
evidence, the return reason; never a finding's facts or evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONAS
from xuncha.audit.models import AuditEvent
from xuncha.inspections.services_master import inspection_archive, inspection_close
from xuncha.rectification.models import Evidence, ItemStatus, RectificationItem
from xuncha.rectification.services import item_return, item_sign_off

from .test_services_ledger import PNG, make_finding, make_item, report_done, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(demo: dict) -> dict[str, Any]:
    mine = make_item(make_finding(demo["seed000"]), deadline=dt.date(2024, 9, 30))
    also_mine = make_item(make_finding(demo["seed001"]), deadline=None, long_term=True, measures="长期坚持民主生活会制度")
    other = make_item(make_finding(demo["other"]), actor="other_member", measures="其他单位的整改措施")
    return {"mine": mine, "also_mine": also_mine, "other": other}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_liaison_of_the_organisation(clients: dict, items: dict, persona: str) -> None:
    report_done(items["mine"])
    evidence = Evidence.objects.get()
    codes = [clients[persona].get(reverse("liaison:items")).status_code,
             clients[persona].get(reverse("liaison:item", args=[items["mine"].pk])).status_code,
             clients[persona].get(reverse("liaison:item_evidence", args=[evidence.pk])).status_code,
             clients[persona].post(reverse("liaison:item", args=[items["mine"].pk]), {"status": "done", "text": "x"}).status_code]
    if persona == "liaison":
        assert codes == [200, 200, 200, 302]
    elif persona == "other_liaison":
        assert codes == [200, 404, 404, 404]  # their own list; not this organisation's item
    else:
        assert codes == [404, 404, 404, 404]
    assert items["mine"].reports.count() == (2 if persona == "liaison" else 1)


def test_anonymous_goes_to_login(clients: dict, items: dict) -> None:
    for url in (reverse("liaison:items"), reverse("liaison:item", args=[items["mine"].pk])):
        r = clients["anonymous"].get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))


def test_the_list_has_the_organisations_items_only(clients: dict, items: dict) -> None:
    page = clients["liaison"].get(reverse("liaison:items")).content.decode()
    assert f'id="item-{items["mine"].pk}"' in page and f'id="item-{items["also_mine"].pk}"' in page
    assert "其他单位的整改措施" not in page and "逾期" in page and "长期坚持" in page
    assert "某处长收受购物卡" not in page  # a finding's facts never reach the liaison
    other = clients["other_liaison"].get(reverse("liaison:items")).content.decode()
    assert f'id="item-{items["other"].pk}"' in other and f'id="item-{items["mine"].pk}"' not in other
    only_overdue = clients["liaison"].get(reverse("liaison:items"), {"overdue": "1"}).content.decode()
    assert f'id="item-{items["mine"].pk}"' in only_overdue and f'id="item-{items["also_mine"].pk}"' not in only_overdue


def test_progress_with_files(clients: dict, items: dict) -> None:
    url = reverse("liaison:item", args=[items["mine"].pk])
    page = clients["liaison"].get(url).content.decode()
    assert 'id="progress-form"' in page and 'enctype="multipart/form-data"' in page and "违反的规定" not in page
    r = clients["liaison"].post(url, {"status": "done", "text": "已清退全部礼金。",
                                      "evidence": [SimpleUploadedFile("凭证.png", PNG), SimpleUploadedFile("说明.png", PNG)]})
    assert r.status_code == 302 and r["Location"] == url
    item = RectificationItem.objects.get(pk=items["mine"].pk)
    assert (item.status, item.progress) == (ItemStatus.DONE, "已清退全部礼金。")
    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == ["凭证.png", "说明.png"]
    page = clients["liaison"].get(url).content.decode()
    assert "已清退全部礼金。" in page and "凭证.png" in page
    evidence = Evidence.objects.get(original_name="凭证.png")
    r = clients["liaison"].get(reverse("liaison:item_evidence", args=[evidence.pk]))
    assert r.status_code == 200 and r.content == PNG
    assert AuditEvent.objects.filter(action="evidence.download", actor_name="liaison").exists()


def test_bad_input_keeps_the_form(clients: dict, items: dict) -> None:
    url = reverse("liaison:item", args=[items["mine"].pk])
    r = clients["liaison"].post(url, {"status": "done", "text": "已完成", "evidence": [SimpleUploadedFile("凭证.png", b"not an image")]})
    assert r.status_code == 400 and "不是可接受的文件类型" in r.content.decode() and "已完成" in r.content.decode()
    r = clients["liaison"].post(url, {"status": "signed_off", "text": "自行销号"})
    assert r.status_code == 400
    assert not RectificationItem.objects.get(pk=items["mine"].pk).reports.exists()


def test_the_return_reason_is_shown_and_a_signed_off_item_takes_no_more_progress(clients: dict, items: dict) -> None:
    item = items["mine"]
    report_done(item)
    item_return(actor=user("office"), item=item, reason="凭证不能证明已全部清退")
    url = reverse("liaison:item", args=[item.pk])
    page = clients["liaison"].get(url).content.decode()
    assert 'id="returned-reason"' in page and "凭证不能证明已全部清退" in page
    assert "已退回" in clients["liaison"].get(reverse("liaison:items")).content.decode()
    report_done(item)
    item_sign_off(actor=user("office"), item=item)
    page = clients["liaison"].get(url).content.decode()
    assert 'id="progress-form"' not in page and "该事项已销号" in page and 'id="returned-reason"' not in page
    r = clients["liaison"].post(url, {"status": "done", "text": "再报一次"})
    assert r.status_code == 400 and "该事项已销号，无需再报送进展。" in r.content.decode()


def _listed(clients: dict, query: dict[str, str]) -> list[int]:
    response = clients["liaison"].get(reverse("liaison:items"), query)
    assert response.status_code == 200
    return [row.pk for row in response.context["rows"]]


def test_filters_due_soon_and_returned(clients: dict, items: dict) -> None:
    """due=soon: open items due between today and the reminder cutoff; state=returned: items the office sent back
    that are open again (the liaison's to-do lines link to these)."""
    soon = make_item(items["mine"].finding, deadline=timezone.localdate(), measures="本周内完成的整改")
    back = make_item(items["mine"].finding, deadline=timezone.localdate() + dt.timedelta(days=120), measures="被退回的整改")
    report_done(back)
    item_return(actor=user("office"), item=back, reason="佐证不足")
    assert _listed(clients, {"due": "soon"}) == [soon.pk]
    assert _listed(clients, {"state": "returned"}) == [back.pk]
    assert _listed(clients, {"due": "soon", "state": "returned"}) == []
    assert len(_listed(clients, {"due": "later", "state": "nonsense"})) == 4  # unknown values: no filter, no error
    page = clients["liaison"].get(reverse("liaison:items"), {"state": "returned"}).content.decode()
    assert 'name="state" value="returned" checked' in page
    report_done(soon)  # reported done: waits for sign-off, no longer due
    assert _listed(clients, {"due": "soon"}) == []


def test_items_of_an_archived_inspection_leave_the_list(clients: dict, items: dict, demo: dict) -> None:
    inspection_close(actor=user("office"), inspection=demo["seed000"])
    assert items["mine"].pk in _listed(clients, {})  # closed: the rectification goes on
    inspection_archive(actor=user("office"), inspection=demo["seed000"])
    assert _listed(clients, {}) == [items["also_mine"].pk]
    assert clients["liaison"].get(reverse("liaison:item", args=[items["mine"].pk])).status_code == 200  # still reachable
