from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("inspections/<int:pk>/reports/", views.reports, name="reports"),
    path("inspections/<int:pk>/reports/new/<str:kind>/", views.register, name="register"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/registered/", views.registered, name="registered"),
    path("reports/<int:pk>/reveal/", views.reveal, name="reveal"),
]
