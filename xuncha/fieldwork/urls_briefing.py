"""The briefing before entry (巡前情况通报): xuncha.fieldwork.views_briefing."""

from django.urls import URLPattern, URLResolver, path

from . import views_briefing

urlpatterns: list[URLPattern | URLResolver] = [
    path("inspections/<int:pk>/briefings/", views_briefing.briefings, name="briefings"),
    path("briefings/<int:pk>/", views_briefing.briefing_detail, name="briefing"),
    path("briefings/<int:pk>/letter.docx", views_briefing.briefing_letter, name="briefing_letter"),
    path("briefing-attachments/<int:pk>/", views_briefing.briefing_attachment_download, name="briefing_attachment"),
]
