from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/open/", views.open_, name="open"),
    path("<int:pk>/read/", views.read, name="read"),
]
