from django.urls import URLPattern, URLResolver

from . import urls_briefing, urls_documents, urls_talks

app_name = "fieldwork"

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += urls_documents.urlpatterns
urlpatterns += urls_talks.urlpatterns
urlpatterns += urls_briefing.urlpatterns
