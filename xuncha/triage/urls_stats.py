"""Team statistics."""

from django.urls import path

from . import views_stats

urlpatterns = [
    path("inspections/<int:pk>/stats/", views_stats.stats, name="stats"),
    path("inspections/<int:pk>/stats/csv/", views_stats.stats_csv, name="stats_csv"),
]
