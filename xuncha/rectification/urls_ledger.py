"""Team and office pages of the feedback and the ledger (namespace "rectification", under /rectification/)."""

from django.urls import path

from . import views_ledger as views

urlpatterns = [
    path("inspections/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("inspections/<int:pk>/feedback.docx", views.feedback_docx, name="feedback_docx"),
    path("inspections/<int:pk>/ledger/", views.ledger, name="ledger"),
    path("inspections/<int:pk>/ledger/new/", views.item_new, name="ledger_item_new"),
    path("inspections/<int:pk>/ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("inspections/<int:pk>/ledger.pdf", views.ledger_pdf, name="ledger_pdf"),
    path("ledger-items/<int:pk>/", views.item_detail, name="ledger_item"),
    path("ledger-items/<int:pk>/edit/", views.item_edit, name="ledger_item_edit"),
    path("ledger-items/<int:pk>/sign-off/", views.item_sign_off_view, name="ledger_item_sign_off"),
    path("ledger-items/<int:pk>/return/", views.item_return_view, name="ledger_item_return"),
    path("evidence/<int:pk>/", views.evidence, name="ledger_evidence"),
    path("overdue/", views.overdue, name="overdue"),
    path("notifications/", views.notifications, name="notifications"),
]
