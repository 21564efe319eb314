"""Pages of receiving bodies (纪委监委, 组织部, other departments): only what was handed to them."""

from django.urls import path

from .views import recipient as views

app_name = "recipient"

urlpatterns = [
    path("", views.home, name="home"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/sign/", views.batch_sign, name="batch_sign"),
    path("batches/<int:pk>/list.docx", views.batch_docx, name="batch_docx"),
    path("referrals/<int:pk>/", views.referral, name="referral"),
    path("referrals/<int:pk>/acknowledge/", views.referral_acknowledge, name="referral_acknowledge"),
    path("referrals/<int:pk>/result/", views.referral_result, name="referral_result"),
    path("clues/<int:pk>/", views.clue, name="clue"),
    path("clues/<int:pk>/result/", views.clue_result, name="clue_result"),
    path("clues/<int:pk>/attachments/<int:attachment_pk>", views.clue_attachment, name="clue_attachment"),
]
