"""Team pages of findings and immediate rectification (namespace "rectification", under /rectification/)."""

from django.urls import path

from . import views_findings as views

urlpatterns = [
    path("inspections/<int:pk>/findings/", views.findings, name="findings"),
    path("inspections/<int:pk>/findings/new/", views.finding_new, name="finding_new"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/submit/", views.finding_submit, name="finding_submit"),
    path("findings/<int:pk>/decide/", views.finding_decide, name="finding_decide"),
    path("inspections/<int:pk>/notice-candidates/", views.candidates, name="notice_candidates"),
    path("inspections/<int:pk>/notices/", views.notices, name="notices"),
    path("inspections/<int:pk>/notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/edit/", views.notice_edit, name="notice_edit"),
    path("notices/<int:pk>/issue/", views.notice_issue, name="notice_issue"),
    path("notices/<int:pk>/decide/", views.notice_decide, name="notice_decide"),
    path("notices/<int:pk>/notice.docx", views.notice_docx, name="notice_docx"),
    path("notice-evidence/<int:pk>/", views.notice_evidence, name="notice_evidence"),
]
