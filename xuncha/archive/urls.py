from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("inspections/<int:pk>/filing/", views.archive_page, name="inspection"),
    path("inspections/<int:pk>/filing/file/", views.archive_file_view, name="file"),
    path("inspections/<int:pk>/filing/reopen/", views.archive_reopen_view, name="reopen"),
    path("inspections/<int:pk>/filing/verify/", views.archive_verify_view, name="verify"),
    path("inspections/<int:pk>/filing.zip", views.archive_zip, name="zip"),
]
