from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("inspections/<int:inspection_id>/surveys/", views.survey_index, name="index"),
    path("inspections/<int:inspection_id>/surveys/new/", views.survey_new, name="new"),
    path("surveys/<int:pk>/", views.survey_detail, name="detail"),
    path("surveys/<int:pk>/settings/", views.survey_settings, name="settings"),
    path("surveys/<int:pk>/questions/new/", views.question_edit, name="question_new"),
    path("surveys/<int:pk>/questions/<int:number>/", views.question_edit, name="question_edit"),
    path("surveys/<int:pk>/questions/<int:number>/delete/", views.question_delete, name="question_delete"),
    path("surveys/<int:pk>/publish/", views.survey_publish, name="publish"),
    path("surveys/<int:pk>/codes/", views.codes_issue, name="codes"),
    path("surveys/<int:pk>/codes/<int:number>/slips.pdf", views.slips_download, name="slips"),
    path("surveys/<int:pk>/codes/<int:number>/void/", views.codes_void, name="codes_void"),
    path("surveys/<int:pk>/results/", views.survey_results_page, name="results"),
    path("surveys/<int:pk>/texts/", views.survey_texts, name="texts"),
    path("surveys/<int:pk>/results.xlsx", views.results_export_xlsx, name="xlsx"),
    path("surveys/<int:pk>/report.docx", views.results_export_docx, name="docx"),
]
