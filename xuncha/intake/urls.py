from django.urls import include, path

from . import views

app_name = "intake"

urlpatterns = [
    path("inspections/<int:pk>/reports/", views.reports, name="reports"),
    path("inspections/<int:pk>/reports/new/<str:kind>/", views.register, name="register"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("reports/<int:pk>/reply/", views.reply, name="reply"),
    path("", include("xuncha.intake.urls_replies")),
]
