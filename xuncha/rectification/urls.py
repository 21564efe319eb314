"""The pages of rectification, in two URL namespaces: "rectification" (the team's and the office's,
under /rectification/) and "liaison" (the inspected organisation's liaison, under /target/)."""

from django.urls import include, path
from django.views.generic import RedirectView

from .views import evidence, findings, ledger, liaison, notices, plan

team_patterns = [
    # findings
    path("inspections/<int:pk>/findings/", findings.findings, name="findings"),
    path("inspections/<int:pk>/findings/new/", findings.finding_new, name="finding_new"),
    path("findings/<int:pk>/", findings.finding_detail, name="finding"),
    path("findings/<int:pk>/edit/", findings.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/submit/", findings.finding_submit, name="finding_submit"),
    path("findings/<int:pk>/decide/", findings.finding_decide, name="finding_decide"),
    path("findings/<int:pk>/evidence/add/", evidence.evidence_add, name="finding_evidence_add"),
    path("findings/<int:pk>/evidence/remove/", evidence.evidence_remove, name="finding_evidence_remove"),
    path("findings/<int:pk>/leads/merge/", evidence.lead_merge, name="finding_lead_merge"),
    path("findings/<int:pk>/approval.docx", evidence.review_docx, name="finding_review_docx"),
    path("inspections/<int:pk>/leads/close/", evidence.lead_close, name="lead_close"),
    path("inspections/<int:pk>/findings/review-setting/", evidence.review_setting, name="finding_review_setting"),
    # immediate rectification
    path("inspections/<int:pk>/notice-candidates/", notices.candidates, name="notice_candidates"),
    path("inspections/<int:pk>/notices/", notices.notices, name="notices"),
    path("inspections/<int:pk>/notices/new/", notices.notice_new, name="notice_new"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice"),
    path("notices/<int:pk>/edit/", notices.notice_edit, name="notice_edit"),
    path("notices/<int:pk>/issue/", notices.notice_issue, name="notice_issue"),
    path("notices/<int:pk>/decide/", notices.notice_decide, name="notice_decide"),
    path("notices/<int:pk>/notice.docx", notices.notice_docx, name="notice_docx"),
    path("notice-evidence/<int:pk>/", notices.notice_evidence, name="notice_evidence"),
    # feedback and the ledger
    path("inspections/<int:pk>/feedback/", ledger.feedback, name="feedback"),
    path("inspections/<int:pk>/feedback.docx", ledger.feedback_docx, name="feedback_docx"),
    path("inspections/<int:pk>/ledger/", ledger.ledger, name="ledger"),
    path("inspections/<int:pk>/ledger/new/", ledger.item_new, name="ledger_item_new"),
    path("inspections/<int:pk>/ledger.xlsx", ledger.ledger_xlsx, name="ledger_xlsx"),
    path("inspections/<int:pk>/ledger.pdf", ledger.ledger_pdf, name="ledger_pdf"),
    path("ledger-items/<int:pk>/", ledger.item_detail, name="ledger_item"),
    path("ledger-items/<int:pk>/edit/", ledger.item_edit, name="ledger_item_edit"),
    path("ledger-items/<int:pk>/sign-off/", ledger.item_sign_off, name="ledger_item_sign_off"),
    path("ledger-items/<int:pk>/return/", ledger.item_return, name="ledger_item_return"),
    path("evidence/<int:pk>/", ledger.evidence, name="ledger_evidence"),
    path("overdue/", ledger.overdue, name="overdue"),
    # the rectification plan and reports (the office reviews)
    path("inspections/<int:pk>/plan/", plan.staff_plan, name="plan"),
    path("inspections/<int:pk>/plan/decide/", plan.staff_plan_decide, name="plan_decide"),
    path("inspections/<int:pk>/plan.docx", plan.staff_plan_docx, name="plan_docx"),
    path("inspections/<int:pk>/rectification-reports/", plan.staff_reports, name="rectification_reports"),
    path("rectification-reports/<int:pk>/decide/", plan.staff_report_decide, name="rectification_report_decide"),
    path("rectification-reports/<int:pk>/report.docx", plan.staff_report_docx, name="rectification_report_docx"),
    # 提醒 moved to /notifications/ (xuncha.notify); old bookmarks follow.
    path("notifications/", RedirectView.as_view(pattern_name="notify:index"), name="notifications"),
]

liaison_patterns = [
    path("notices/", liaison.notices, name="notices"),
    path("notices/<int:pk>/", liaison.notice_detail, name="notice"),
    path("notices/<int:pk>/answer/", liaison.notice_answer, name="notice_answer"),
    path("notices/<int:pk>/notice.docx", liaison.notice_docx, name="notice_docx"),
    path("notice-evidence/<int:pk>/", liaison.notice_evidence, name="notice_evidence"),
    path("items/", liaison.items, name="items"),
    path("items/<int:pk>/", liaison.item, name="item"),
    path("items/evidence/<int:pk>/", liaison.item_evidence, name="item_evidence"),
    path("rectification/", plan.targets, name="targets"),
    path("inspections/<int:pk>/plan/", plan.plan, name="plan"),
    path("inspections/<int:pk>/plan/summary/", plan.plan_summary, name="plan_summary"),
    path("inspections/<int:pk>/plan/submit/", plan.plan_submit, name="plan_submit"),
    path("inspections/<int:pk>/plan.docx", plan.plan_docx_liaison, name="plan_docx"),
    path("plan-tasks/<int:pk>/edit/", plan.plan_task_edit, name="plan_task_edit"),
    path("plan-tasks/<int:pk>/remove/", plan.plan_task_remove, name="plan_task_remove"),
    path("inspections/<int:pk>/reports/<str:kind>/", plan.report, name="rectification_report"),
    path("inspections/<int:pk>/reports/<str:kind>/generate/", plan.report_generate, name="rectification_report_generate"),
    path("inspections/<int:pk>/reports/<str:kind>/submit/", plan.report_submit, name="rectification_report_submit"),
    path("inspections/<int:pk>/reports/<str:kind>/report.docx", plan.report_docx_liaison, name="rectification_report_docx"),
]

urlpatterns = [
    path("rectification/", include((team_patterns, "rectification"))),
    path("target/", include((liaison_patterns, "liaison"))),
]
