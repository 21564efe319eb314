"""A filed round (立卷归档) stays read-only, except the one write that arrives long after: the recipient of a
handed-over clue records its result (audited as recorded after filing). Everything else the recipient or the
team would write on the filed round is refused with the read-only message."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from xuncha.access import FILED_MESSAGE
from xuncha.accounts.models import User
from xuncha.archive.services import archive_file
from xuncha.audit.models import AuditEvent
from xuncha.errors import Conflict
from xuncha.notify.models import Notification
from xuncha.triage.models import Clue, Handling, Referral
from xuncha.triage.services import AFTER_FILING_MESSAGE, handover_acknowledge, handover_result, transfer_batch_create

from .test_views_recipient import items, make_batch, practice, reg  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

RESULT = "经初步核实，赵某收受购物卡问题属实，已立案审查。"


def _user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def filed(clients: dict[str, Any], items: dict[str, Any], practice: Any, reg: Any) -> dict[str, Any]:  # noqa: F811
    """The clue's batch signed and its handling chosen, the referral acknowledged, a second batch left unsigned;
    then the round filed."""
    recipient = _user("recipient")
    clients["recipient"].post(reverse("recipient:batch_sign", args=[items["batch"].pk]))
    handover_result(actor=recipient, item=Clue.objects.get(pk=items["clue"].pk), handling=Handling.VERIFY, result="")
    handover_acknowledge(actor=recipient, item=items["referral"])
    unsigned = make_batch(practice, [items["loose"]])
    archive_file(actor=_user("office"), inspection=practice)
    practice.refresh_from_db()
    assert practice.filed_at is not None
    return {**items, "unsigned": unsigned}


def test_the_recipient_records_a_clue_result_after_filing(clients: dict[str, Any], filed: dict[str, Any]) -> None:
    c, clue = clients["recipient"], filed["clue"]
    page = c.get(reverse("recipient:clue", args=[clue.pk])).content.decode()
    assert 'id="filed-notice"' in page and "办理结果仍可在这里反馈" in page and 'name="result"' in page
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    r = c.post(reverse("recipient:clue_result", args=[clue.pk]), {"handling": Handling.INVESTIGATE,
                                                                   "result": RESULT}, follow=True)
    assert r.status_code == 200 and "办理结果已反馈巡察组。" in r.content.decode() and RESULT in r.content.decode()
    clue.refresh_from_db()
    assert clue.result == RESULT and clue.result_by == _user("recipient") and clue.result_at is not None
    event = AuditEvent.objects.get(pk__gt=before, action="clue.result")
    assert event.data == {"after_filing": True} and event.summary.endswith("（巡察任务立卷归档后反馈）")
    assert event.actor == _user("recipient")
    # the team's leaders are told, as before filing
    assert Notification.objects.filter(user=_user("leader"), key=f"clue-result:{clue.pk}").exists()
    # a later, fuller result replaces it (audited again)
    handover_result(actor=_user("recipient"), item=clue, handling=clue.handling, result=RESULT + "已给予党内警告处分。")
    assert AuditEvent.objects.filter(pk__gt=before, action="clue.result").count() == 2


def test_everything_else_stays_read_only_after_filing(clients: dict[str, Any], filed: dict[str, Any], practice: Any) -> None:  # noqa: F811
    c, clue, referral = clients["recipient"], filed["clue"], filed["referral"]
    # the handling alone (no result) is not the result: refused, nothing changes
    r = c.post(reverse("recipient:clue_result", args=[clue.pk]), {"handling": Handling.TALK, "result": ""})
    assert r.status_code == 400 and AFTER_FILING_MESSAGE in r.content.decode()
    clue.refresh_from_db()
    assert (clue.handling, clue.result, clue.result_at) == (Handling.VERIFY, "", None)
    # a referral's result, signing a transfer list: refused with the read-only message
    r = c.post(reverse("recipient:referral_result", args=[referral.pk]), {"handling": "", "result": "已整改"})
    assert r.status_code in (400, 409) and FILED_MESSAGE in r.content.decode()
    assert Referral.objects.get(pk=referral.pk).result == ""
    page = c.get(reverse("recipient:referral", args=[referral.pk])).content.decode()
    assert 'id="filed-notice"' in page and 'name="result"' not in page
    r = c.post(reverse("recipient:batch_sign", args=[filed["unsigned"].pk]))
    assert r.status_code == 409 and FILED_MESSAGE in r.content.decode()
    assert Clue.objects.get(pk=filed["loose"].pk).acknowledged_at is None
    # the team cannot hand over more on the filed round
    with pytest.raises(Conflict):
        transfer_batch_create(actor=_user("member"), inspection=practice, body=clue.body, clue_ids=[filed["loose"].pk])
    # a clue not signed for before filing cannot be answered (nor signed for) after it
    with pytest.raises(Conflict, match="归档前没有签收"):
        handover_result(actor=_user("recipient"), item=Clue.objects.get(pk=filed["loose"].pk), handling=Handling.VERIFY,
                        result=RESULT)


def test_only_the_recipient_of_the_body_reaches_the_clue_after_filing(clients: dict[str, Any], filed: dict[str, Any]) -> None:
    url = reverse("recipient:clue_result", args=[filed["clue"].pk])
    for persona in ("other_recipient", "leader", "member", "office", "liaison", "auditor"):
        assert clients[persona].post(url, {"handling": Handling.VERIFY, "result": RESULT}).status_code == 404, persona
    assert Clue.objects.get(pk=filed["clue"].pk).result == ""


def test_before_filing_the_handling_alone_is_still_saved(clients: dict[str, Any], items: dict[str, Any]) -> None:  # noqa: F811
    c, clue = clients["recipient"], items["clue"]
    c.post(reverse("recipient:batch_sign", args=[items["batch"].pk]))
    r = c.post(reverse("recipient:clue_result", args=[clue.pk]), {"handling": Handling.TALK, "result": ""}, follow=True)
    assert "处置方式已保存。" in r.content.decode() and 'id="filed-notice"' not in r.content.decode()
    assert not AuditEvent.objects.filter(action="clue.result", data__after_filing=True).exists()
