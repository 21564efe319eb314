"""Talks, visits, meetings and leads (the pages of xuncha.fieldwork.views_talks and views_fieldwork)."""

from django.urls import URLPattern, URLResolver, path

from . import views_fieldwork, views_talks

urlpatterns: list[URLPattern | URLResolver] = [
    path("inspections/<int:pk>/fieldwork/", views_fieldwork.overview, name="overview"),
    path("inspections/<int:pk>/fieldwork/schedule/", views_fieldwork.schedule, name="schedule"),
    path("inspections/<int:pk>/fieldwork/schedule.docx", views_fieldwork.schedule_docx, name="schedule_docx"),
    path("inspections/<int:pk>/fieldwork/schedule.pdf", views_fieldwork.schedule_pdf, name="schedule_pdf"),
    path("inspections/<int:pk>/fieldwork/leads/", views_fieldwork.leads, name="leads"),
    path("inspections/<int:pk>/fieldwork/records/new/", views_fieldwork.field_record_new, name="field_record_new"),
    path("inspections/<int:pk>/talks/", views_talks.interview_list, name="interviews"),
    path("inspections/<int:pk>/talks/must/", views_talks.must_generate, name="must_generate"),
    path("talks/<int:pk>/", views_talks.interview_detail, name="interview"),
    path("talks/<int:pk>/schedule/", views_talks.interview_schedule, name="interview_schedule"),
    path("talks/<int:pk>/cancel/", views_talks.interview_cancel, name="interview_cancel"),
    path("talks/<int:pk>/relation/", views_talks.interview_relation, name="interview_relation"),
    path("talks/<int:pk>/outline/", views_talks.interview_outline, name="interview_outline"),
    path("talks/<int:pk>/reveal/", views_talks.interview_reveal, name="interview_reveal"),
    path("talks/<int:pk>/record/", views_talks.interview_record, name="interview_record"),
    path("talk-matters/<int:pk>/lead/", views_talks.matter_lead, name="matter_lead"),
    path("leads/<int:pk>/close/", views_fieldwork.lead_close_view, name="lead_close"),
    path("field-records/<int:pk>/", views_fieldwork.field_record_detail, name="field_record"),
    path("field-attachments/<int:pk>/", views_fieldwork.field_attachment_download, name="field_attachment"),
]
