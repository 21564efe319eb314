"""Notifications of rectification's events (xuncha.notify): a notice issued, answered or returned, and
progress reported. Called by the services inside their transaction; the email follows the commit.
Texts carry numbers and links only (never measures, findings, names or identities)."""

from __future__ import annotations

from django.urls import reverse

from xuncha.access.recipients import liaisons_to_tell, office_to_tell, team_to_tell
from xuncha.inspections.models import Inspection
from xuncha.notify.services import notify

from ..models import ImmediateNotice, ItemStatus, NoticeAnswer, ProgressReport, RectificationItem

CLAIMED = (ItemStatus.DONE, ItemStatus.LONG_TERM)  # progress that awaits the sign-off


def notice_issued(inspection: Inspection, notice: ImmediateNotice) -> None:
    """The target's liaisons: a notice to answer by its deadline."""
    due = f"，整改期限{notice.due_on:%Y-%m-%d}" if notice.due_on else ""
    notify(users=liaisons_to_tell(inspection), key=f"notice-issued:{notice.pk}",
           text=f"【立行立改通知】第{notice.number}号立行立改通知已签发{due}，请查看并按期答复。",
           url=reverse("liaison:notice", args=[notice.pk]))


def notice_answered(inspection: Inspection, notice: ImmediateNotice, answer: NoticeAnswer, files: int) -> None:
    """The team: an answer to check."""
    notify(users=team_to_tell(inspection), key=f"notice-answered:{answer.pk}",
           text=f"【立行立改答复】第{notice.number}号立行立改通知已答复，附佐证材料{files}份，请核查。",
           url=reverse("rectification:notice", args=[notice.pk]))


def notice_returned(inspection: Inspection, notice: ImmediateNotice, answer: NoticeAnswer) -> None:
    """The target's liaisons: an answer returned, to answer again."""
    notify(users=liaisons_to_tell(inspection), key=f"notice-returned:{answer.pk}",
           text=f"【立行立改答复退回】第{notice.number}号立行立改通知的答复被退回，请查看意见后重新答复。",
           url=reverse("liaison:notice", args=[notice.pk]))


def progress_reported(inspection: Inspection, item: RectificationItem, report: ProgressReport) -> None:
    """The team; and the office too when the item is reported done or long-term (it awaits sign-off)."""
    awaits = report.status in CLAIMED
    users = team_to_tell(inspection) + (office_to_tell(inspection) if awaits else [])
    tail = "，待核查销号" if awaits else ""
    notify(users=users, key=f"progress:{report.pk}",
           text=f"【整改进展】巡察任务（编号{inspection.pk}）整改事项第{item.number}项报送进展：{report.get_status_display()}{tail}。",
           url=reverse("rectification:ledger_item", args=[item.pk]))
