"""The team's reply list (every matter answered). No app_name: included into intake's URLs, so the
names are intake:replies, intake:reply_exempt, intake:reply_exempt_clear and intake:reply_exempt_bulk."""

from django.urls import path

from . import views_replies

urlpatterns = [
    path("inspections/<int:pk>/replies/", views_replies.replies, name="replies"),
    path("inspections/<int:pk>/replies/exempt-proposed/", views_replies.reply_exempt_bulk, name="reply_exempt_bulk"),
    path("reports/<int:pk>/reply-exempt/", views_replies.reply_exempt, name="reply_exempt"),
    path("reports/<int:pk>/reply-exempt/clear/", views_replies.reply_exempt_clear, name="reply_exempt_clear"),
]
