"""The liaison's pages of immediate-rectification notices (namespace "liaison", under /target/)."""

from django.urls import path

from . import views_liaison_notices as views

urlpatterns = [
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/answer/", views.notice_answer, name="notice_answer"),
    path("notices/<int:pk>/notice.docx", views.notice_docx, name="notice_docx"),
    path("notice-evidence/<int:pk>/", views.notice_evidence, name="notice_evidence"),
]
