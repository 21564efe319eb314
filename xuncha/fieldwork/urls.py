from django.urls import URLPattern, URLResolver

from . import urls_documents

app_name = "fieldwork"

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += urls_documents.urlpatterns
