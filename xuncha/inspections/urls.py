from django.urls import path

from . import views, views_import, views_planning

app_name = "inspections"

urlpatterns = [
    path("inspections/", views.inspection_list_view, name="list"),
    path("inspections/new/", views.inspection_create, name="create"),
    path("inspections/import/", views_import.announcement_import_view, name="import"),
    path("inspections/<int:pk>/", views.inspection_detail, name="detail"),
    path("inspections/<int:pk>/edit/", views.inspection_edit, name="edit"),
    path("inspections/<int:pk>/channels/new/", views.channel_edit, name="channel_create"),
    path("inspections/<int:pk>/channels/<int:channel_id>/", views.channel_edit, name="channel_edit"),
    path("inspections/<int:pk>/channels/<int:channel_id>/delete/", views.channel_delete, name="channel_delete"),
    path("inspections/<int:pk>/meeting/", views.meeting_edit, name="meeting"),
    path("inspections/<int:pk>/announcement/", views.announcement_view, name="announcement"),
    path("inspections/<int:pk>/announcement.docx", views.announcement_docx, name="announcement_docx"),
    path("inspections/<int:pk>/letterbox-notice.pdf", views.letterbox_notice_pdf, name="letterbox_notice"),
    path("rounds/", views_planning.rounds, name="rounds"),
    path("rounds/<int:pk>/", views_planning.round_detail, name="round"),
    path("teams/<int:pk>/", views_planning.team_detail, name="team"),
    path("targets/", views_planning.targets, name="targets"),
    path("calendar/", views_planning.calendar_view, name="calendar"),
    path("calendar/<int:pk>/delete/", views_planning.calendar_delete, name="calendar_delete"),
]
