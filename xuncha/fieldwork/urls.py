from django.urls import URLPattern, URLResolver

from . import urls_talks

app_name = "fieldwork"

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += urls_talks.urlpatterns
