from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("<uuid:public_id>/", views.inspection_page, name="inspection"),
]
