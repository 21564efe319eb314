"""The demo reports: registered through the real path into the demo inspections, triaged and worked."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from itertools import combinations
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import DEMO_TODAY
from xuncha.audit.models import AuditEvent
from xuncha.audit.selectors import audit_chain_verify
from xuncha.core.crypto import unseal
from xuncha.core.dedup import normalize, shingles
from xuncha.demo.reports import DATA, REFERRAL_BODY, TRANSFER_BODY, load_demo_reports
from xuncha.intake.models import Report, ReportStatus, SubjectCategory
from xuncha.keys import key_ring
from xuncha.replies.models import Reply
from xuncha.triage.models import DISCIPLINE_BITS, FOCUS_BITS, Clue, Disposition, DuplicateGroup, Referral, Scope, Triage, from_mask

ENTRIES: dict[str, list[dict[str, Any]]] = json.loads(DATA.read_text(encoding="utf-8"))


@pytest.fixture
def loaded(demo: dict[str, Any]) -> dict[str, Any]:
    reports = load_demo_reports([demo["seed000"], demo["seed001"], demo["practice"]], today=DEMO_TODAY)
    return {**demo, "reports": reports}


def _by_key(inspection: Any, entries: list[dict[str, Any]]) -> dict[str, Report]:
    """Report of each data entry (matched by its content)."""
    by_content = {r.content: r for r in Report.objects.filter(inspection=inspection)}
    return {e["key"]: by_content[e["content"]] for e in entries}


def test_the_data_makes_a_living_workbench() -> None:
    practice = ENTRIES["practice"]
    assert 35 <= len(practice) <= 45 and len(ENTRIES["seed001"]) == 8
    assert {e["kind"] for e in practice} == {"phone", "email", "online", "post", "letterbox", "visit"}
    assert {s[2] for e in practice for s in e["subjects"]} == set(SubjectCategory.values)
    assert {d for e in practice for d in e["labels"][0]} == set(DISCIPLINE_BITS)
    assert {f for e in practice for f in e["labels"][1]} == set(FOCUS_BITS)
    assert any(e["reporter"] is None for e in practice) and any(e["reporter"] for e in practice)
    assert any(not e["labels"][0] for e in practice)  # out-of-scope matters
    # Every reporter and phone is an obvious placeholder.
    for e in practice + ENTRIES["seed001"]:
        reporter = e["reporter"] or {}
        assert reporter.get("phone", "13800000000").startswith("1380000")
        assert reporter.get("email", "x@example.org").endswith("@example.org")
    # Repeats are light rewordings: 3-gram Jaccard >= 0.55 with the first report of their matter.
    groups: dict[str, list[str]] = {}
    for e in practice:
        if "-" in e["key"] and e["key"].rsplit("-", 1)[1].isdigit():
            groups.setdefault(e["key"].rsplit("-", 1)[0], []).append(e["content"])
    assert len(groups) >= 2 and max(len(g) for g in groups.values()) >= 5
    for texts in groups.values():
        first = shingles(normalize(texts[0]))
        for text in texts[1:]:
            other = shingles(normalize(text))
            assert len(first & other) / len(first | other) >= 0.55
    # ... and different matters are far apart.
    firsts = [shingles(normalize(e["content"])) for e in practice if not e["key"][-1].isdigit() or e["key"].endswith("-1")]
    assert max(len(a & b) / len(a | b) for a, b in combinations(firsts, 2)) < 0.3


@pytest.mark.django_db
def test_load_demo_reports(loaded: dict[str, Any]) -> None:
    practice, seed001 = loaded["practice"], loaded["seed001"]
    reports = loaded["reports"]
    assert len(reports) == len(ENTRIES["practice"]) + len(ENTRIES["seed001"])
    assert not Report.objects.filter(inspection=loaded["seed000"]).exists()

    # Counts per channel, as in the data; numbered 1..n in each inspection.
    for inspection, entries in [(practice, ENTRIES["practice"]), (seed001, ENTRIES["seed001"])]:
        qs = Report.objects.filter(inspection=inspection)
        assert Counter(qs.values_list("channel_kind", flat=True)) == Counter(e["kind"] for e in entries)
        assert sorted(qs.values_list("number", flat=True)) == list(range(1, len(entries) + 1))
        assert not qs.filter(channel__isnull=True).exists()
    assert set(Report.objects.filter(inspection=practice).values_list("channel_kind", flat=True)) == set(
        practice.channels.values_list("kind", flat=True))

    # Dates: inside the practice window up to yesterday, on working days, calls and visits within hours;
    # two reports arrived the working day before the window opened. Seed 001 in 2024, one letter late.
    ours = Report.objects.filter(inspection=practice)
    in_window = ours.filter(in_window=True)
    assert all(practice.intake_start <= timezone.localtime(r.received_at).date() < DEMO_TODAY for r in in_window)
    assert ours.filter(in_window=False).count() == 2
    assert set(ours.filter(channel_kind__in=["phone", "visit"]).values_list("within_hours", flat=True)) == {True}
    assert ours.filter(channel_kind="post", postmarked_on__isnull=False).count() == ours.filter(channel_kind="post").count()
    old = Report.objects.filter(inspection=seed001)
    assert {r.received_at.year for r in old} == {2024}
    assert old.filter(in_window=False).count() == 1
    assert set(old.filter(channel_kind="phone").values_list("within_hours", flat=True)) == {True}

    # Every report triaged; some labels confirmed by the member, as the data says.
    assert Triage.objects.filter(report__in=[r.pk for r in reports]).count() == len(reports)
    keyed = _by_key(practice, ENTRIES["practice"])
    for entry in ENTRIES["practice"]:
        triage = Triage.objects.get(pk=keyed[entry["key"]].pk)
        if entry.get("confirm"):
            assert triage.labels_confirmed and triage.labels_confirmed_by == loaded["users"]["member"]
            assert sorted(from_mask(triage.disciplines, DISCIPLINE_BITS)) == sorted(entry["labels"][0])
    assert Triage.objects.filter(report__inspection=practice, scope=Scope.IN).count() >= 10
    assert Triage.objects.filter(report__inspection=practice, scope=Scope.OUT_OF_WINDOW).count() == 2

    # The canteen matter: one group, five reports, >= 4 distinct reporters, >= 2 channels.
    strong = DuplicateGroup.objects.filter(inspection=practice).order_by("-reporters").first()
    assert strong is not None and strong.size == 5 and strong.reporters >= 4 and strong.channels >= 2
    assert strong.first_report_id == keyed["canteen-1"].pk
    assert DuplicateGroup.objects.filter(inspection=practice).count() == 3

    # The answered matter: the result reply went to the first hot-water report; the others, including
    # the call that came in afterwards, link to it.
    hot = keyed["hotwater-1"]
    assert Reply.objects.filter(report=hot, kind=Reply.Kind.RESULT).exists()
    assert DuplicateGroup.objects.get(key=Triage.objects.get(pk=hot.pk).group_key).answered_report_id == hot.pk
    for key in ("hotwater-2", "hotwater-3"):
        assert Triage.objects.get(pk=keyed[key].pk).repeat_of_answered_id == hot.pk
    assert keyed["hotwater-3"].pk > hot.pk

    # Dispositions: 受理, 转办 (sent, acknowledged, answered), 移交 in a batch, two awaiting approval.
    statuses = Counter(ours.values_list("status", flat=True))
    assert statuses[ReportStatus.ACCEPTED] == 1 and statuses[ReportStatus.REFERRED] == 1 and statuses[ReportStatus.TRANSFERRED] == 2
    referral = Referral.objects.get(report=hot)
    assert referral.body.name == REFERRAL_BODY and referral.body.kind == "other"
    assert referral.sent_at and referral.acknowledged_at and referral.result
    clues = Clue.objects.filter(report__inspection=practice)
    assert clues.count() == 2 and {c.body.name for c in clues} == {TRANSFER_BODY}
    assert len({c.batch_id for c in clues}) == 1 and None not in {c.batch_id for c in clues}
    waiting = Disposition.objects.filter(report__inspection=practice, state=Disposition.State.PROPOSED)
    assert waiting.count() == 2
    assert set(Disposition.objects.filter(state=Disposition.State.APPROVED).values_list("decided_by__username", flat=True)) == {"leader"}
    assert Report.objects.filter(inspection=seed001, status=ReportStatus.ACCEPTED).count() == 1

    # Identities sealed: no plaintext name, phone or email in the stored report; they unseal to the data.
    for entry in ENTRIES["practice"]:
        report = keyed[entry["key"]]
        stored = json.dumps(report.reporter_sealed, ensure_ascii=False) + json.dumps(report.source, ensure_ascii=False)
        if entry["reporter"] is None:
            assert report.anonymous and report.reporter_sealed == {}
            continue
        assert not report.anonymous
        for field, value in entry["reporter"].items():
            if field == "role":
                assert report.reporter_role == value
                continue
            assert value not in stored
            assert unseal(key_ring(), report.reporter_sealed[field], context=field) == value

    # Everything is audited, and the chain holds.
    assert AuditEvent.objects.filter(action="report.register").count() >= len(reports)
    verdict = audit_chain_verify()
    assert verdict.ok, verdict


@pytest.mark.django_db
def test_the_practice_dates_follow_today(demo: dict[str, Any]) -> None:
    """Whatever `today` is (here: the day after the first working day that follows the national-day holiday,
    so the window has had one working day), nothing is dated in the future or on a holiday."""
    practice = demo["practice"]
    today = dt.date(2026, 10, 9)
    practice.intake_start, practice.intake_end = dt.date(2026, 10, 2), dt.date(2026, 11, 30)
    practice.save(update_fields=["intake_start", "intake_end"])
    load_demo_reports([practice], today=today)
    dates = {timezone.localtime(r.received_at).date() for r in Report.objects.filter(inspection=practice, in_window=True)}
    assert dates == {dt.date(2026, 10, 8)}
    assert Triage.objects.filter(report__inspection=practice).count() == len(ENTRIES["practice"])


@pytest.mark.django_db(transaction=True)
def test_the_command_loads_the_reports_unless_told_not_to(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("flush", "--noinput", verbosity=0)
    call_command("load_demo", "--no-reports")
    assert "演示信访件" not in capsys.readouterr().out
    assert not Report.objects.exists()
    call_command("flush", "--noinput", verbosity=0)
    call_command("load_demo")
    out = capsys.readouterr().out
    total = len(ENTRIES["practice"]) + len(ENTRIES["seed001"])
    assert f"共加载演示信访件 {total} 件" in out
    # The demo's filed inspection (xuncha/demo/archive.py) has reports of its own, registered through the services.
    live = Report.objects.filter(inspection__filed_at__isnull=True)
    assert live.count() == total and Triage.objects.filter(report__in=live).count() == total
