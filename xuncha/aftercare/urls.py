from django.urls import path

from . import views

app_name = "aftercare"

urlpatterns = [
    path("inspections/<int:pk>/publication/", views.publication, name="publication"),
    path("inspections/<int:pk>/publication.docx", views.publication_docx, name="publication_docx"),
    path("inspections/<int:pk>/publication/items/<int:item_id>/exempt/", views.exemption_set, name="exemption_set"),
    path("inspections/<int:pk>/publication/items/<int:item_id>/publish/", views.exemption_clear, name="exemption_clear"),
    path("inspections/<int:pk>/assessment/", views.assessment, name="assessment"),
    path("inspections/<int:pk>/assessment.docx", views.assessment_docx, name="assessment_docx"),
    path("assessment/indicators/", views.indicators, name="indicators"),
    path("inspections/<int:pk>/revisit/new/", views.revisit_new, name="revisit_new"),
    path("inspections/<int:pk>/revisit/", views.revisit, name="revisit"),
]
