from django.urls import path

from .views import bulk, handovers, quality, reports, stats

app_name = "triage"

urlpatterns = [
    # The team's work on reports.
    path("inspections/<int:pk>/", reports.queue_page, name="queue"),
    path("inspections/<int:pk>/bulk/", bulk.bulk, name="bulk"),
    path("inspections/<int:pk>/approvals/", reports.approvals, name="approvals"),
    path("inspections/<int:pk>/groups/", reports.groups, name="groups"),
    path("groups/<int:key>/", reports.group_detail, name="group"),
    path("reports/<int:pk>/", reports.report, name="report"),
    path("reports/<int:pk>/labels/", reports.labels, name="labels"),
    path("reports/<int:pk>/subjects/", reports.subjects, name="subjects"),
    path("reports/<int:pk>/scope/", reports.scope, name="scope"),
    path("reports/<int:pk>/disposition/", reports.disposition, name="disposition"),
    path("dispositions/<int:pk>/decide/", reports.decide, name="decide"),
    # After approval: referrals (letters), clues and transfer batches (lists).
    path("inspections/<int:pk>/handovers/", handovers.handovers, name="handovers"),
    path("inspections/<int:pk>/batches/new/", handovers.batch_create, name="batch_create"),
    path("referrals/<int:pk>/sent/", handovers.referral_sent, name="referral_sent"),
    path("referrals/<int:pk>/letter.docx", handovers.referral_letter, name="referral_letter"),
    path("clues/<int:pk>/attachments/", handovers.clue_attachments_page, name="clue_attachments"),
    path("batches/<int:pk>/", handovers.batch_detail, name="batch"),
    path("batches/<int:pk>/list.docx", handovers.batch_docx, name="batch_docx"),
    # The team's statistics.
    path("inspections/<int:pk>/stats/", stats.stats, name="stats"),
    path("inspections/<int:pk>/stats/csv/", stats.stats_csv, name="stats_csv"),
    path("inspections/<int:pk>/stats/xlsx/", stats.stats_xlsx_view, name="stats_xlsx"),
    # The office: measured quality of classification.
    path("classification/quality/", quality.quality, name="quality"),
]
