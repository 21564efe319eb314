from django.urls import path

from . import views, views_offices

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:pk>/", views.round_page, name="round"),
    path("inspections/<int:pk>/", views.inspection_page, name="inspection"),
    path("offices/", views_offices.office_index, name="offices"),
    path("offices/<int:pk>/", views_offices.office_page, name="office"),
    path("offices/<int:pk>/registry/", views_offices.office_registry, name="registry"),
]
