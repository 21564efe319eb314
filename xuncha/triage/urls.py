from django.urls import include, path

from . import views

app_name = "triage"

urlpatterns = [
    path("inspections/<int:pk>/", views.queue_page, name="queue"),
    path("inspections/<int:pk>/approvals/", views.approvals, name="approvals"),
    path("inspections/<int:pk>/groups/", views.groups, name="groups"),
    path("groups/<int:key>/", views.group_detail, name="group"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/labels/", views.labels, name="labels"),
    path("reports/<int:pk>/subjects/", views.subjects, name="subjects"),
    path("reports/<int:pk>/scope/", views.scope, name="scope"),
    path("reports/<int:pk>/disposition/", views.disposition, name="disposition"),
    path("dispositions/<int:pk>/decide/", views.decide, name="decide"),
    path("", include("xuncha.triage.urls_handover")),
    path("", include("xuncha.triage.urls_stats")),
]
