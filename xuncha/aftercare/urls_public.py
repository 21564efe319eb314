from django.urls import path

from . import views_public

app_name = "aftercare_public"

urlpatterns = [
    path("<uuid:public_id>/rectification/", views_public.rectification, name="rectification"),
]
