"""What the public side writes: a report submitted online (the portal's form and the public API alike,
one set of checks and one wording), and a receipt look-up (audited). No actor: the public has no
account, and no request is passed on, so that the audit log never ties a (possibly anonymous)
reporter to an address.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from xuncha.audit.services import audit_record
from xuncha.documents import cn_date
from xuncha.errors import NotAllowed
from xuncha.inspections.models import ChannelKind, Inspection
from xuncha.intake.models import Report
from xuncha.intake.selectors import receipt_find
from xuncha.intake.services import Registered, ReporterData, ReportInput, SubjectData, report_register
from xuncha.replies.services import lookup_changes


def closed_notice(inspection: Inspection) -> str:
    return (f"本次巡察信访受理期已于{cn_date(inspection.intake_end)}结束，网上反映已关闭，不再接收新的反映。"
            "如需反映问题，请通过纪检监察机关、组织部门、信访部门的常设渠道反映。")


def inspection_closed_notice(inspection: Inspection) -> str:
    return ("本次巡察任务已由巡察办关闭，网上反映已停止受理，不再接收新的反映。"
            "如需反映问题，请通过纪检监察机关、组织部门、信访部门的常设渠道反映。")


def not_yet_notice(inspection: Inspection) -> str:
    return f"本次巡察将于{cn_date(inspection.intake_start)}开始受理，网上反映届时开放。在此之前提交的内容不会被受理。"


class IntakeNotOpen(NotAllowed):
    """Online reporting is not open today: the intake window is over (`closed`) or has not begun.
    The portal answers 410 or 403 with the message; the public API the same, with `intake_end`."""

    def __init__(self, inspection: Inspection, *, closed: bool) -> None:
        self.closed = closed
        self.intake_end = inspection.intake_end
        if inspection.closed_at is not None:
            message = inspection_closed_notice(inspection)
        else:
            message = closed_notice(inspection) if closed else not_yet_notice(inspection)
        super().__init__(message)


def public_intake_check(*, inspection: Inspection, today: dt.date | None = None) -> None:
    """Raise IntakeNotOpen unless the inspection takes online reports today. The callers ask first (a
    closed window answers before anything typed is looked at); public_report_submit asks again."""
    today = today or timezone.localdate()
    if not inspection.intake_open_on(today):  # False too once the office closed the inspection
        raise IntakeNotOpen(inspection, closed=inspection.closed_at is not None or today > inspection.intake_end)


def public_report_submit(*, inspection: Inspection, content: str, reporter: ReporterData | None = None,
                         subjects: list[SubjectData] | None = None, files: list[UploadedFile[Any]] | None = None) -> Registered:
    """A report from the public (the portal's form, the public API): the online channel, no actor, no
    request. Raises IntakeNotOpen outside the intake window and Invalid for what the rules refuse."""
    public_intake_check(inspection=inspection)
    online = next((c for c in inspection.channels.all() if c.kind == ChannelKind.ONLINE), None)
    return report_register(actor=None, data=ReportInput(
        inspection=inspection, content=content, kind=ChannelKind.ONLINE, channel=online, reporter=reporter,
        subjects=subjects or [], files=files or []))


def receipt_lookup(*, code: str, via: str) -> Report | None:
    """The report behind a receipt code, or None. A successful look-up records its time (and withdraws
    a recorded "anonymous, never looked up", replies.services.lookup_changes) and is audited, in one
    transaction, without the client's address (an anonymous reporter is not traced through the log)."""
    report = receipt_find(code)
    if report is not None:
        with transaction.atomic():
            Report.objects.filter(pk=report.pk).update(**lookup_changes())
            audit_record(actor=None, action="report.receipt_lookup", obj=report,
                         summary=f"反映人凭查询码查看信访件 {report.reference}（{via}）")
    return report
