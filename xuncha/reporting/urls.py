from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("inspections/<int:pk>/inspection-reports/", views.report_list, name="list"),
    path("inspection-reports/<int:pk>/", views.report_detail, name="detail"),
    path("inspection-reports/<int:pk>/edit/", views.report_edit, name="edit"),
    path("inspection-reports/<int:pk>/regenerate/", views.report_regenerate, name="regenerate"),
    path("inspection-reports/<int:pk>/submit/", views.report_submit, name="submit"),
    path("inspection-reports/<int:pk>/decide/", views.report_decide, name="decide"),
    path("inspection-reports/<int:pk>/diff/", views.report_diff, name="diff"),
    path("inspection-reports/<int:pk>/report.docx", views.report_docx, name="docx"),
    path("inspections/<int:pk>/feedback-meetings/", views.feedback_meetings, name="feedback"),
    path("inspections/<int:pk>/feedback-meetings/<str:audience>.docx", views.feedback_meeting_docx, name="feedback_docx"),
]
