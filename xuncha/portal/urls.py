from django.urls import path

from . import surveys, views, views_talks

app_name = "portal"

urlpatterns = [
    path("receipt/", views.receipt_page, name="receipt"),
    path("receipt/new/", views.receipt_new, name="receipt_new"),
    path("receipt/add/", views.receipt_add, name="receipt_add"),
    path("receipt/exit/", views.receipt_exit, name="receipt_exit"),
    path("<uuid:public_id>/", views.inspection_page, name="inspection"),
    path("<uuid:public_id>/talk/", views_talks.talk_request, name="talk_request"),
    path("talk/receipt/", views_talks.talk_receipt, name="talk_receipt"),
    path("talk/lookup/", views_talks.talk_lookup, name="talk_lookup"),
    path("<uuid:public_id>/surveys/<int:survey_id>/", surveys.survey_page, name="survey"),
    path("<uuid:public_id>/surveys/<int:survey_id>/thanks/", surveys.survey_thanks, name="survey_thanks"),
    path("<uuid:public_id>/report-this/", surveys.report_this, name="report_this"),
]
