"""The team's replies: the reply list of an inspection, a reply to a report, reasons why none is due.
The paths are the ones they had under intake; only the namespace changed (intake: → replies:)."""

from django.urls import path

from . import views

app_name = "replies"

urlpatterns = [
    path("inspections/<int:pk>/replies/", views.replies, name="replies"),
    path("inspections/<int:pk>/replies/exempt-proposed/", views.reply_exempt_bulk, name="reply_exempt_bulk"),
    path("reports/<int:pk>/reply/", views.reply, name="reply"),
    path("reports/<int:pk>/reply-exempt/", views.reply_exempt, name="reply_exempt"),
    path("reports/<int:pk>/reply-exempt/clear/", views.reply_exempt_clear, name="reply_exempt_clear"),
]
