"""Team pages after approval: referrals (letters), clues and transfer batches (lists)."""

from django.urls import path

from . import views_handover as views

urlpatterns = [
    path("inspections/<int:pk>/handovers/", views.handovers, name="handovers"),
    path("inspections/<int:pk>/batches/new/", views.batch_create, name="batch_create"),
    path("referrals/<int:pk>/sent/", views.referral_sent, name="referral_sent"),
    path("referrals/<int:pk>/letter.docx", views.referral_letter, name="referral_letter"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/list.docx", views.batch_docx, name="batch_docx"),
]
