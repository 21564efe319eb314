from django.urls import include, path

app_name = "rectification"

urlpatterns = [
    path("", include("xuncha.rectification.urls_findings")),
    path("", include("xuncha.rectification.urls_ledger")),
]
