from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("inspections/<int:pk>/export/", views.export, name="export"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
]
