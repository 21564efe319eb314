from django.urls import path

from . import views, views_attachments

app_name = "intake"

urlpatterns = [
    path("inspections/<int:pk>/reports/", views.reports, name="reports"),
    path("inspections/<int:pk>/reports/new/<str:kind>/", views.register, name="register"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/registered/", views.registered, name="registered"),
    path("reports/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("reports/<int:pk>/content/", views_attachments.content_confirm, name="content_confirm"),
    path("attachments/<int:pk>/", views_attachments.attachment_viewer, name="attachment"),
    path("attachments/<int:pk>/file", views_attachments.attachment_file, name="attachment_file"),
    path("attachments/<int:pk>/identity/", views_attachments.attachment_identity, name="attachment_identity"),
    path("attachments/<int:pk>/reveal/", views_attachments.attachment_reveal_view, name="attachment_reveal"),
]
