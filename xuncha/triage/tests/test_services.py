"""The automatic proposal (labels, scope, duplicate group) and the team's confirmations."""

from __future__ import annotations

import pytest

from xuncha.accounts.models import User
from xuncha.audit.models import AuditEvent
from xuncha.intake import services as intake
from xuncha.replies.models import Reply
from xuncha.replies.services import reply_create
from xuncha.triage import services
from xuncha.triage.models import DuplicateGroup, Scope, Triage

pytestmark = pytest.mark.django_db

GIFT = "学院副院长赵某在职称评审期间收受申报教师的购物卡和礼金，还在评审会上为其打招呼。"
GIFT_REWORDED = "学院副院长赵某在职称评审期间收受了申报教师的购物卡和礼金，并且在评审会上为其打招呼，大家很有意见。"
CANTEEN = "食堂饭菜价格连续上涨，质量却越来越差，学生意见很大。"


def test_a_report_gets_labels_with_evidence_and_scope(register) -> None:
    r = register(GIFT, [("赵某", "副院长", "leadership")])
    t = r.triage
    assert "integrity" in t.discipline_codes
    integrity = next(e for e in t.proposal["disciplines"] if e["code"] == "integrity")
    assert integrity["evidence"] and all(p in GIFT for p in integrity["evidence"])
    assert t.scope == Scope.IN and "赵某（领导班子成员）" in t.scope_reason and "廉洁纪律" in t.scope_reason


def test_scope_out_for_other_subjects_and_pending_when_unsure(register) -> None:
    assert register(GIFT, [("钱某", "食堂员工", "other")]).triage.scope == Scope.OUT
    assert register(GIFT, [("孙某", "", "unsure")]).triage.scope == Scope.PENDING
    assert register(GIFT).triage.scope == Scope.PENDING


def test_out_of_window_has_its_own_route(register, seed000) -> None:
    import datetime as dt

    r = register(GIFT, [("赵某", "副院长", "leadership")], received_at=dt.datetime(2024, 12, 2, 2, tzinfo=dt.UTC))
    assert r.in_window is False and r.triage.scope == Scope.OUT_OF_WINDOW


def test_reworded_repeats_form_a_group_counting_reporters_and_channels(register) -> None:
    a = register(GIFT, [("赵某", "副院长", "leadership")], kind="email")
    b = register(GIFT_REWORDED, kind="phone")
    c = register(GIFT, kind="email")  # exact repeat
    d = register(CANTEEN)
    assert a.triage.group_key == a.pk
    assert b.triage.group_key == a.pk and b.triage.duplicate_of_id == a.pk
    assert c.triage.exact_repeat and c.triage.group_key == a.pk
    assert d.triage.group_key == d.pk
    group = DuplicateGroup.objects.get(key=a.pk)
    assert (group.size, group.reporters, group.channels, group.first_report_id) == (3, 3, 2, a.pk)
    assert not DuplicateGroup.objects.filter(key=d.pk).exists()


def test_same_real_name_reporter_counts_once(register) -> None:
    me = intake.ReporterData(name="李明", phone="139 1234 5678")
    register(GIFT, reporter=me)
    register(GIFT_REWORDED, reporter=intake.ReporterData(name="李明", phone="13912345678"))
    register(GIFT)
    group = DuplicateGroup.objects.get()
    assert (group.size, group.reporters) == (3, 2)


def test_a_repeat_of_an_answered_matter_is_linked(register) -> None:
    leader = User.objects.get(username="leader")
    a = register(GIFT)
    b = register(GIFT_REWORDED)
    reply_create(actor=leader, report=a, kind=Reply.Kind.RESULT, content="经核查，已责成整改。")
    assert Triage.objects.get(pk=b.pk).repeat_of_answered_id == a.pk
    c = register(GIFT)
    assert c.triage.repeat_of_answered_id == a.pk
    assert DuplicateGroup.objects.get().answered_report_id == a.pk


def test_confirming_labels_and_subjects_reproposes_scope_and_audits(register) -> None:
    member = User.objects.get(username="member")
    r = register(CANTEEN, [("钱某", "", "unsure")])
    assert r.triage.scope == Scope.PENDING
    subject = r.subjects.get()
    services.subjects_update(actor=member, report=r, changes=[
        services.SubjectChange(pk=subject.pk, name="钱某", post="后勤处处长", category="key_post")])
    t = services.labels_confirm(actor=member, report=r, disciplines=["mass"], focuses=["corruption"])
    assert t.labels_confirmed and t.discipline_codes == ["mass"] and t.focus_codes == ["corruption"]
    assert t.scope == Scope.IN
    t = services.labels_confirm(actor=member, report=r, disciplines=[], focuses=[])
    assert t.scope == Scope.OUT
    assert AuditEvent.objects.filter(action="report.labels_confirm", object_id=str(r.pk)).count() == 2
    assert AuditEvent.objects.filter(action="report.subjects_update").exists()


def test_invalid_codes_are_refused(register) -> None:
    from django.core.exceptions import ValidationError

    r = register(CANTEEN)
    with pytest.raises(ValidationError):
        services.labels_confirm(actor=User.objects.get(username="member"), report=r, disciplines=["bogus"], focuses=[])


def test_scope_confirm_keeps_the_teams_decision(register) -> None:
    member = User.objects.get(username="member")
    r = register(GIFT, [("赵某", "副院长", "leadership")])
    services.scope_confirm(actor=member, report=r, scope=Scope.OUT, reason="经了解赵某已调离，属组织部门管理")
    services.labels_confirm(actor=member, report=r, disciplines=["integrity"], focuses=[])
    t = Triage.objects.get(pk=r.pk)
    assert t.scope == Scope.OUT and t.scope_confirmed and "调离" in t.scope_reason


def test_band_store_returns_the_most_recent_ids_of_each_bucket(register, seed000) -> None:
    from xuncha.triage.dedup import DjangoBandStore
    from xuncha.triage.models import DedupBand

    reports = [register(CANTEEN) for _ in range(4)]
    store = DjangoBandStore(seed000.pk, max_bucket=2)
    some_hash = DedupBand.objects.filter(report=reports[0]).values_list("band_hash", flat=True).first()
    assert store.candidates([some_hash]) == [reports[3].pk, reports[2].pk]
    assert store.candidates_many([[some_hash, 12345]]) == [[reports[3].pk, reports[2].pk]]
    assert DjangoBandStore(seed000.pk + 999).candidates([some_hash]) == []  # another inspection's bands are not seen
