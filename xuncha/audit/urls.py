from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("verify/", views.verify, name="verify"),
    path("export.csv", views.export_csv, name="export"),
    path("anchors/", views.anchors, name="anchors"),
    path("anchors/<int:seq>.txt", views.anchor_download, name="anchor_download"),
]
