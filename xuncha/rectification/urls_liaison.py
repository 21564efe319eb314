"""Pages of the inspected organisation's liaison (/target/): notices and ledger items only."""

from django.urls import include, path

app_name = "liaison"

urlpatterns = [
    path("", include("xuncha.rectification.urls_liaison_notices")),
    path("", include("xuncha.rectification.urls_liaison_items")),
]
