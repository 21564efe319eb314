"""The tallies the database keeps for the team's statistics (xuncha/triage/tallies.py): after every kind
of change — registration, labels, subjects added, recategorised and removed, scope, dispositions, status
and date edits, bulk updates, deletions — the statistics from the tallies equal a recount of the rows,
before and after compaction and after a rebuild."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xuncha.accounts.models import User
from xuncha.intake.models import Report, Subject
from xuncha.triage import services as sd
from xuncha.triage import tallies
from xuncha.triage.models import DayTally, Disposition, ReportTally, Triage
from xuncha.triage.selectors import _compute

pytestmark = pytest.mark.django_db

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
CANTEEN = "食堂承包给后勤处长孙某的亲戚，饭菜价格连续上涨，质量却越来越差，学生意见很大。"
ENROL = "招生办主任在自主招生中违规给考生加分，收取家长好处费。"


def _same(inspection: Any) -> dict[str, Any]:
    kept, counted = _compute(inspection), _compute(inspection, recount=True)
    for figures in (kept, counted):
        figures.pop("generated_at")
        figures.pop("overdue_cutoff")
    assert kept == counted
    return kept


def test_tallies_equal_a_recount_through_every_change(register, seed000, seed001) -> None:
    leader, member = User.objects.get(username="leader"), User.objects.get(username="member")
    before = _same(seed000)
    a = register(GIFT, [("赵某", "副院长", "leadership")], kind="email")
    b = register(CANTEEN, [("钱某", "食堂员工", "other"), ("孙某", "后勤处长", "key_post")], kind="phone")
    # 17:30 UTC is 01:30 the next day in Asia/Shanghai: the day tally counts it on the 27th.
    c = register(ENROL, [("王某", "主任", "key_post")], received_at=dt.datetime(2024, 9, 26, 17, 30, tzinfo=dt.UTC))
    after = _same(seed000)
    assert after["total"] == before["total"] + 3
    assert {"day": dt.date(2024, 9, 27), "count": 1} in after["days"]

    sd.labels_confirm(actor=member, report=a, disciplines=["integrity", "work"], focuses=["corruption"])
    sd.scope_confirm(actor=leader, report=b, scope="out", reason="不属于受理对象。")
    subjects = list(b.subjects.order_by("pk"))
    sd.subjects_update(actor=member, report=b, changes=[
        sd.SubjectChange(name=subjects[0].name, post=subjects[0].post, category="key_post", pk=subjects[0].pk),
        sd.SubjectChange(name=subjects[1].name, post=subjects[1].post, category="key_post", pk=subjects[1].pk),
        sd.SubjectChange(name="李某", post="科长", category="leadership")])
    _same(seed000)

    proposed = sd.disposition_propose(actor=member, report=a, kind="accept", reason="属于受理范围。")
    sd.disposition_decide(actor=leader, disposition=proposed, approve=True)
    returned = sd.disposition_propose(actor=member, report=c, kind="close", reason="了结。")
    sd.disposition_decide(actor=leader, disposition=returned, approve=False, note="再查。")
    sd.disposition_propose(actor=member, report=c, kind="accept", reason="受理。")
    figures = _same(seed000)
    assert figures["dispositions"]["pending"] >= 1 and figures["dispositions"]["returned"] >= 1

    # Writes that bypass the services (bulk updates, deletes, a report moved) are counted all the same.
    Report.objects.filter(pk=b.pk).update(status="filed", in_window=False, anonymous=False, received_at=dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    Triage.objects.filter(pk=c.pk).update(disciplines=0, focuses=0, scope="pending")
    Subject.objects.filter(report=a).delete()
    Disposition.objects.filter(report=c).update(state="approved")
    _same(seed000)
    Report.objects.filter(pk=c.pk).update(inspection=seed001)
    Triage.objects.filter(pk=c.pk).update(inspection=seed001)
    _same(seed000)
    _same(seed001)
    Report.objects.filter(pk=b.pk).delete()
    _same(seed000)

    tallies.compact()
    assert ReportTally.objects.filter(inspection_id=seed000.pk, n__lt=0).count() == 0
    assert DayTally.objects.filter(inspection_id=seed000.pk).count() == len(_same(seed000)["days"])
    _same(seed001)
    tallies.rebuild([seed000.pk])
    _same(seed000)
    tallies.rebuild()
    _same(seed001)


def test_compaction_keeps_rows_appended_after_it(register, seed000) -> None:
    register(GIFT, [("赵某", "副院长", "leadership")])
    tallies.compact([seed000.pk])
    rows = ReportTally.objects.filter(inspection_id=seed000.pk).count()
    register(CANTEEN, [("孙某", "后勤处长", "key_post")])
    assert ReportTally.objects.filter(inspection_id=seed000.pk).count() == rows + 1  # appended, never updated in place
    tallies.compact([seed000.pk])
    _same(seed000)


def test_statistics_read_a_bounded_number_of_tally_rows(register, seed000, django_assert_max_num_queries) -> None:
    for _ in range(3):
        register(GIFT, [("赵某", "副院长", "leadership")])
    tallies.compact([seed000.pk])
    keys = ReportTally.objects.filter(inspection_id=seed000.pk).count()
    register(GIFT, [("赵某", "副院长", "leadership")])
    tallies.compact([seed000.pk])
    assert ReportTally.objects.filter(inspection_id=seed000.pk).count() == keys  # same key: folded into its row
    with django_assert_max_num_queries(12):
        _compute(seed000)
