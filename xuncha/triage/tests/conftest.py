"""Fixtures of the triage tests: reports registered through the intake service, triaged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from xuncha.accounts.models import User
from xuncha.intake import services
from xuncha.intake.models import Report
from xuncha.triage.services import report_triage


@pytest.fixture
def register(seed000: Any) -> Callable[..., Report]:
    """register(content, subjects=[(name, post, category)], kind="phone", reporter=None, day=26) -> triaged report."""
    member = User.objects.get(username="member")
    counter = iter(range(1000))

    def make(content: str, subjects: list[tuple[str, str, str]] | None = None, *, kind: str = "email",
             reporter: services.ReporterData | None = None, received_at: dt.datetime | None = None,
             inspection: Any = None) -> Report:
        inspection = inspection or seed000
        channel = inspection.channels.filter(kind=kind).first()
        at = received_at or dt.datetime(2024, 9, 26, 2, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=next(counter))
        report = services.report_register(actor=member, data=services.ReportInput(
            inspection=inspection, content=content, kind=kind, channel=channel, received_at=at, reporter=reporter,
            subjects=[services.SubjectData(name=n, post=p, category=c) for n, p, c in (subjects or [])])).report
        report_triage(report_id=report.pk)
        return Report.objects.select_related("triage", "inspection").get(pk=report.pk)

    return make
