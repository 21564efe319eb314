"""Writes of rectification (docs/architecture.md §5 rules 6–7). Every one is keyword-only, takes its `actor: User`,
checks the actor itself (xuncha.rectification.access), raises xuncha.errors, and writes its audit event
in its own transaction:

- findings (问题底稿): `services.findings`;
- immediate-rectification notices (立行立改) and the target's answers: `services.notices`;
- the feedback (反馈) and the ledger (整改台账): `services.ledger`;
- the rectification plan (整改方案): `services.plan`; the rectification reports (整改报告): `services.plan_reports`;
- the daily reminders and notifications: `services.reminders`;
- audited reads and downloads: `services.reads`.
"""

from ..dues import plan_due_for, report_due_for
from .evidence import Cite, deputy_step_on, finding_evidence_add, finding_lead_merge, lead_close, review_setting_set
from .findings import EDITABLE_FINDING, FindingData, finding_create, finding_decide, finding_submit, finding_update
from .ledger import (
    CLAIMED_STATUSES,
    MAX_TEXT,
    PROGRESS_STATUSES,
    ItemData,
    deadline_text,
    feedback_direct_refusal,
    feedback_record,
    item_create,
    item_return,
    item_sign_off,
    item_update,
    progress_report,
    register_feedback_from_report,
    result_due_for,
)
from .notices import (
    ANSWERABLE,
    MAX_DEADLINE_DAYS,
    NoticeData,
    notice_answer,
    notice_create,
    notice_decide,
    notice_issue,
    notice_update,
)
from .plan import TaskData, plan_decide, plan_save, plan_submit, plan_task_add, plan_task_remove, plan_task_update
from .plan_reports import (
    plan_docx_export,
    rectification_report_decide,
    rectification_report_docx_export,
    rectification_report_generate,
    rectification_report_submit,
    rectification_report_update,
)
from .reads import (
    candidates_viewed,
    evidence_read,
    feedback_docx_export,
    finding_viewed,
    findings_viewed,
    ledger_pdf_export,
    ledger_xlsx_export,
    ledger_xlsx_write,
    notice_docx_export,
    notice_evidence_read,
    notice_viewed_by_liaison,
)
from .reminders import REMINDER_KEY, ReminderRun, reminder_text, reminders_send

__all__ = [
    "ANSWERABLE",
    "CLAIMED_STATUSES",
    "Cite",
    "deputy_step_on",
    "finding_evidence_add",
    "finding_lead_merge",
    "lead_close",
    "review_setting_set",
    "EDITABLE_FINDING",
    "MAX_DEADLINE_DAYS",
    "MAX_TEXT",
    "PROGRESS_STATUSES",
    "REMINDER_KEY",
    "FindingData",
    "ItemData",
    "NoticeData",
    "ReminderRun",
    "TaskData",
    "plan_decide",
    "plan_docx_export",
    "plan_due_for",
    "plan_save",
    "plan_submit",
    "plan_task_add",
    "plan_task_remove",
    "plan_task_update",
    "rectification_report_decide",
    "rectification_report_docx_export",
    "rectification_report_generate",
    "rectification_report_submit",
    "rectification_report_update",
    "candidates_viewed",
    "deadline_text",
    "evidence_read",
    "feedback_docx_export",
    "feedback_direct_refusal",
    "feedback_record",
    "finding_create",
    "finding_decide",
    "finding_submit",
    "finding_update",
    "finding_viewed",
    "findings_viewed",
    "item_create",
    "item_return",
    "item_sign_off",
    "item_update",
    "ledger_pdf_export",
    "ledger_xlsx_export",
    "ledger_xlsx_write",
    "notice_answer",
    "notice_create",
    "notice_decide",
    "notice_docx_export",
    "notice_evidence_read",
    "notice_issue",
    "notice_update",
    "notice_viewed_by_liaison",
    "progress_report",
    "register_feedback_from_report",
    "reminder_text",
    "reminders_send",
    "report_due_for",
    "result_due_for",
]
