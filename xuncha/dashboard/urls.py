from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:pk>/", views.round_page, name="round"),
    path("inspections/<int:pk>/", views.inspection_page, name="inspection"),
]
