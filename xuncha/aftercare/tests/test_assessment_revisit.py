"""整改评估 and 回头看: configurable indicators copied when an assessment starts, the sheet scored per item and
overall, finished (frozen), the report .docx; a follow-up inspection inherits the target, sees the earlier
findings and open items, and marks its own findings 整改不到位 against them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404

from xuncha.accounts.roles import Role
from xuncha.accounts.services import role_assign
from xuncha.aftercare.models import Assessment, Indicator, RevisitMark
from xuncha.aftercare.selectors import DEFAULT_INDICATORS, earlier_findings, earlier_open_items
from xuncha.aftercare.services_assessment import (
    ItemScoreIn,
    ScoreIn,
    assessment_docx_export,
    assessment_finish,
    assessment_score,
    assessment_start,
    indicator_save,
)
from xuncha.aftercare.services_revisit import revisit_create, revisit_mark, revisit_unmark
from xuncha.audit.models import AuditEvent
from xuncha.errors import Conflict, Invalid, NotAllowed
from xuncha.inspections import services as inspections
from xuncha.inspections.models import Inspection, RoundKind
from xuncha.rectification.models import Finding

from .helpers import finding, ledger, user
from .test_publication import docx_text

pytestmark = pytest.mark.django_db


def _full_sheet(assessment: Assessment, score: str = "12") -> tuple[dict[int, ScoreIn], dict[int, ItemScoreIn]]:
    return ({line.pk: ScoreIn(score=score, note="") for line in assessment.indicator_scores.all()},
            {s.item_id: ItemScoreIn(rating="done", score="90", note="") for s in assessment.item_scores.all()})


def test_assessment_starts_from_the_default_indicators_and_the_ledger(seed001: Any) -> None:
    items = ledger(seed001)
    a = assessment_start(actor=user("office"), inspection=seed001)
    assert [(x.name, x.max_score) for x in a.indicator_scores.all()] == [(n, m) for n, m, _ in DEFAULT_INDICATORS]
    ratings = {s.item_id: (s.rating, s.score) for s in a.item_scores.all()}
    assert ratings[items[0].pk] == ("done", Decimal(100)) and ratings[items[3].pk][0] == "not_done"
    with pytest.raises(Conflict):
        assessment_start(actor=user("office"), inspection=seed001)


def test_configured_indicators_are_copied_and_later_changes_do_not_alter_a_started_assessment(seed001: Any) -> None:
    ledger(seed001)
    indicator_save(actor=user("office"), name="问责追责", max_score=10, hint="对整改不力的问责情况", order=9)
    assert Indicator.objects.count() == len(DEFAULT_INDICATORS) + 1
    a = assessment_start(actor=user("office"), inspection=seed001)
    assert a.indicator_scores.count() == 6
    indicator_save(actor=user("office"), name="另一项", max_score=5)
    assert a.indicator_scores.count() == 6
    with pytest.raises(Invalid):
        indicator_save(actor=user("office"), name="问责追责", max_score=0)
    with pytest.raises(Http404):
        indicator_save(actor=user("leader"), name="组长不能设", max_score=5)


def test_the_sheet_is_checked_scored_finished_and_reported(seed001: Any) -> None:
    ledger(seed001)
    a = assessment_start(actor=user("office"), inspection=seed001)
    lines, items = _full_sheet(a)
    first = next(iter(lines))
    bad = {**lines, first: ScoreIn(score="99")}  # above the indicator's 30
    with pytest.raises(Invalid, match="应在0到30之间"):
        assessment_score(actor=user("office"), assessment=a, indicators=bad, items=items, conclusion="")
    with pytest.raises(Invalid, match="请填写数字"):
        assessment_score(actor=user("office"), assessment=a, indicators={first: ScoreIn(score="好")}, items={}, conclusion="")
    with pytest.raises(Invalid, match="尚未评分"):
        assessment_finish(actor=user("office"), assessment=a)
    assessment_score(actor=user("office"), assessment=a, indicators=lines, items=items, conclusion="整改总体到位。\n建章立制成效明显。")
    assessment_finish(actor=user("office"), assessment=a)
    a.refresh_from_db()
    assert a.state == Assessment.State.FINAL and a.finalized_by == user("office")
    with pytest.raises(Conflict):
        assessment_score(actor=user("office"), assessment=a, indicators=lines, items=items, conclusion="改")
    text = docx_text(assessment_docx_export(actor=user("leader"), assessment=a))
    assert "巡察整改评估报告" in text and "总体评分：60.0分（满分100分）" in text and "建章立制成效明显" in text
    assert "整改完成率" in text and "食堂饭菜价格上涨" in text
    assert {"assessment.start", "assessment.score", "assessment.finish", "assessment.export"} <= set(
        AuditEvent.objects.values_list("action", flat=True))


@pytest.mark.parametrize(("who", "error"), [("leader", NotAllowed), ("member", NotAllowed), ("liaison", Http404), ("other_leader", Http404)])
def test_only_the_office_assesses(seed001: Any, who: str, error: type[Exception]) -> None:
    ledger(seed001)
    with pytest.raises(error):
        assessment_start(actor=user(who), inspection=seed001)


# --- 回头看 -------------------------------------------------------------------------------------------


def make_revisit(earlier: Inspection) -> Inspection:
    office = user("office")
    rnd = inspections.round_create(actor=office, name="市委巡察“回头看”", kind=RoundKind.FOLLOWUP, year=2026, office=earlier.office)
    team = inspections.team_create(actor=office, round=rnd, name="市委回头看第一组")
    revisit = revisit_create(actor=office, earlier=earlier, round=rnd, team=team, start_date=dt.date(2026, 3, 2),
                             end_date=dt.date(2026, 4, 30))
    sysadmin = user("sysadmin")
    role_assign(actor=sysadmin, user=user("leader"), role=Role.TEAM_LEADER, team=team, system=True)
    role_assign(actor=sysadmin, user=user("member"), role=Role.TEAM_MEMBER, team=team, system=True)
    return revisit


def test_a_revisit_inherits_the_target_and_starts_from_the_earlier_findings_and_open_items(seed001: Any) -> None:
    items = ledger(seed001)
    finding(seed001, 3, "尚未审定的问题", state=Finding.State.DRAFT)
    revisit = make_revisit(seed001)
    assert revisit.target_id == seed001.target_id and revisit.revisit_of_id == seed001.pk
    assert [f.number for f in earlier_findings(revisit)] == [1, 2]
    assert [i.pk for i in earlier_open_items(revisit)] == [i.pk for i in items[1:]]  # the signed-off one is done
    assert AuditEvent.objects.filter(action="revisit.create", object_id=str(revisit.pk)).exists()


def test_a_revisit_must_start_after_the_earlier_inspection(seed001: Any) -> None:
    office = user("office")
    rnd = inspections.round_create(actor=office, name="回头看轮次", kind=RoundKind.FOLLOWUP, year=2024, office=seed001.office)
    team = inspections.team_create(actor=office, round=rnd, name="回头看组")
    with pytest.raises(Invalid, match="晚于"):
        revisit_create(actor=office, earlier=seed001, round=rnd, team=team, start_date=dt.date(2024, 1, 2), end_date=dt.date(2024, 2, 1))
    with pytest.raises(Http404):
        revisit_create(actor=user("leader"), earlier=seed001, round=rnd, team=team, start_date=dt.date(2026, 1, 5),
                       end_date=dt.date(2026, 2, 1))


def test_findings_of_the_revisit_are_marked_against_earlier_ones(seed001: Any, demo: Any) -> None:
    ledger(seed001)
    revisit = make_revisit(seed001)
    new = finding(revisit, 1, "食堂价格公示流于形式")
    earlier = Finding.objects.get(inspection=seed001, number=1)
    mark = revisit_mark(actor=user("member"), finding=new, earlier=earlier, note="价格公示未坚持")
    assert list(RevisitMark.objects.filter(finding=new)) == [mark]
    with pytest.raises(Conflict):
        revisit_mark(actor=user("member"), finding=new, earlier=earlier)
    other = finding(demo["practice"], 1, "别的巡察的问题")
    with pytest.raises(Invalid, match="原巡察任务已审定的问题"):
        revisit_mark(actor=user("member"), finding=new, earlier=other)
    with pytest.raises(Http404):
        revisit_mark(actor=user("office"), finding=new, earlier=earlier)
    with pytest.raises(Http404):
        revisit_mark(actor=user("other_member"), finding=new, earlier=earlier)
    with pytest.raises(Invalid, match="不是回头看"):
        revisit_mark(actor=user("member"), finding=other, earlier=earlier)
    revisit_unmark(actor=user("leader"), mark=mark)
    assert not RevisitMark.objects.exists()
    assert {"revisit.mark", "revisit.unmark"} <= set(AuditEvent.objects.values_list("action", flat=True))
