"""URLs of document requests (调阅资料), added to xuncha.fieldwork.urls."""

from django.urls import URLPattern, path

from . import views_documents as v

urlpatterns: list[URLPattern] = [
    path("fieldwork/inspections/<int:pk>/documents/", v.register, name="documents"),
    path("fieldwork/inspections/<int:pk>/documents/new/", v.request_new, name="request_new"),
    path("fieldwork/inspections/<int:pk>/documents/search/", v.search, name="documents_search"),
    path("fieldwork/document-requests/<int:pk>/", v.request_detail, name="request"),
    path("fieldwork/document-requests/<int:pk>/decide/", v.request_decide, name="request_decide"),
    path("fieldwork/document-requests/<int:pk>/handover.docx", v.handover, name="request_handover"),
    path("fieldwork/document-items/<int:pk>/record/", v.item_record, name="item_record"),
    path("fieldwork/document-files/<int:pk>/", v.file_download, name="document_file"),
    path("target/document-requests/", v.liaison_requests, name="liaison_requests"),
    path("target/document-requests/<int:pk>/", v.liaison_request, name="liaison_request"),
    path("target/document-items/<int:pk>/deliver/", v.liaison_deliver, name="liaison_deliver"),
]
