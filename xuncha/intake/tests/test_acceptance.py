"""The acceptance rules on the seeds' facts (issue 4): flags with reasons, never rejections."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from xuncha.accounts.models import User
from xuncha.intake import services
from xuncha.intake.models import Report

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def register(inspection, kind: str, received_at: dt.datetime, **extra) -> Report:  # type: ignore[no-untyped-def]
    member = User.objects.get(username="member")
    channel = inspection.channels.filter(kind=kind).first()
    data = services.ReportInput(inspection=inspection, content="反映某处长收受礼金", kind=kind, channel=channel,
                                received_at=received_at, **extra)
    return services.report_register(actor=member, data=data).report


@pytest.mark.parametrize(("moment", "within", "words"), [
    (at(2024, 9, 29, 10), True, "08:30-11:30"),      # Sunday, an adjusted working day
    (at(2024, 10, 1, 10), False, "国庆节"),           # National Day
    (at(2024, 9, 26, 12), False, "不在受理时段"),      # lunch break
])
def test_seed_000_phone_hours(seed000, moment: dt.datetime, within: bool, words: str) -> None:
    report = register(seed000, "phone", moment)
    assert report.within_hours is within
    assert any(words in r for r in report.acceptance_reasons)
    assert report.in_window is True


def test_seed_001_letter_counts_by_postmark_when_the_inspection_says_so(seed001) -> None:
    seed001.postmark_counts = True
    seed001.save()
    report = register(seed001, "post", at(2024, 6, 17, 9), postmarked_on=dt.date(2024, 6, 13))
    assert report.in_window is True
    assert "邮戳日期2024年6月13日在信访受理期" in report.acceptance_reasons[0]


def test_seed_001_letter_counts_by_receipt_otherwise(seed001) -> None:
    report = register(seed001, "post", at(2024, 6, 17, 9), postmarked_on=dt.date(2024, 6, 13))
    assert report.in_window is False
    assert any("未规定信件以邮戳为准" in r for r in report.acceptance_reasons)


def test_seed_001_visit_after_the_window_is_registered_and_flagged(seed001) -> None:
    report = register(seed001, "letterbox", at(2024, 6, 18, 10))
    assert report.pk and report.in_window is False
    assert "期外件" in report.acceptance_reasons[0]
    # Letterboxes have no hours: no hours verdict.
    assert report.within_hours is None


def test_real_name_report_gets_a_receipt_notice_due_date(seed000) -> None:
    member = User.objects.get(username="member")
    data = services.ReportInput(inspection=seed000, content="实名反映", kind="phone", channel=seed000.channels.get(kind="phone"),
                                received_at=at(2024, 9, 27, 9), reporter=services.ReporterData(name="王老师", phone="13800000000"))
    report = services.report_register(actor=member, data=data).report
    # 15 working days after Friday 09-27: 09-29 (adjusted) 09-30 | holiday | 10-08..11, 10-12 (adjusted), 10-14..18, 10-21..23.
    assert report.receipt_notice_due == dt.date(2024, 10, 23)
    assert not report.anonymous


def test_reports_are_numbered_per_inspection(seed000, seed001) -> None:
    a = register(seed000, "phone", at(2024, 9, 26, 9))
    b = register(seed000, "phone", at(2024, 9, 26, 10))
    c = register(seed001, "post", at(2024, 3, 8, 10))
    assert (a.number, b.number, c.number) == (1, 2, 1)
    assert b.reference.endswith("-00002")


def test_a_failed_registration_leaves_no_file_behind(seed000, monkeypatch: pytest.MonkeyPatch, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import io
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import DatabaseError
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path / "media"  # this test's own folder
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    member = User.objects.get(username="member")

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise DatabaseError("disk full")

    monkeypatch.setattr(services, "audit_record", broken)
    data = services.ReportInput(inspection=seed000, content="带附件", kind="phone", channel=seed000.channels.get(kind="phone"),
                                received_at=at(2024, 9, 26, 9), files=[SimpleUploadedFile("a.png", buffer.getvalue())])
    with pytest.raises(DatabaseError):
        services.report_register(actor=member, data=data)
    assert not Report.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_numbers(demo: dict) -> None:
    """Four threads registering at once (PostgreSQL runs them truly in parallel) never collide."""
    from django.db import connection

    from tests.threads import run_in_threads

    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time (IMMEDIATE transactions); its in-memory test database cannot host threads")
    seed = demo["seed000"]
    member = User.objects.get(username="member")
    phone = seed.channels.get(kind="phone")

    def work() -> None:
        for _ in range(5):
            services.report_register(actor=member, data=services.ReportInput(
                inspection=seed, content="并发登记", kind="phone", channel=phone, received_at=at(2024, 9, 26, 9)))

    assert run_in_threads(work) == []
    assert sorted(Report.objects.filter(inspection=seed).values_list("number", flat=True)) == list(range(1, 21))


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_at_once_from_two_requests_registers_once(demo: dict) -> None:
    """A double click: requests with the same form token race; one report, every answer names it."""
    from django.db import connection

    from tests.threads import run_in_threads

    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time (IMMEDIATE transactions); its in-memory test database cannot host threads")
    seed = demo["seed000"]
    member = User.objects.get(username="member")
    results: list[services.Registered] = []

    def work() -> None:
        results.append(services.report_register(actor=member, data=services.ReportInput(
            inspection=seed, content="双击提交", kind="phone", received_at=at(2024, 9, 26, 9), submission_key="same-form")))

    assert run_in_threads(work) == []
    assert Report.objects.filter(inspection=seed).count() == 1
    assert {r.report.pk for r in results} == {Report.objects.get(inspection=seed).pk}
    assert sum(not r.repeat for r in results) == 1
