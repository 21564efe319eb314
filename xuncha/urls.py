from django.urls import include, path

from xuncha import web
from xuncha.api.api import api
from xuncha.inspections import views as inspection_views

urlpatterns = [
    path("", inspection_views.home, name="home"),
    path("session/keepalive/", web.keepalive, name="keepalive"),
    path("accounts/", include("xuncha.accounts.urls")),
    path("audit/", include("xuncha.audit.urls")),
    path("notifications/", include("xuncha.notify.urls")),
    path("exports/", include("xuncha.exports.urls")),
    path("", include("xuncha.inspections.urls")),
    path("", include("xuncha.intake.urls")),
    path("triage/", include("xuncha.triage.urls")),
    path("recipient/", include("xuncha.triage.urls_recipient")),
    path("", include("xuncha.fieldwork.urls")),
    path("", include("xuncha.surveys.urls")),
    path("", include("xuncha.rectification.urls")),
    path("", include("xuncha.aftercare.urls")),
    path("", include("xuncha.reporting.urls")),
    path("", include("xuncha.replies.urls")),
    path("", include("xuncha.archive.urls")),
    path("dashboard/", include("xuncha.dashboard.urls")),
    path("find/", include("xuncha.finder.urls")),
    path("todo/", include("xuncha.todo.urls")),
    path("exchange/", include("xuncha.exchange.urls")),
    path("p/", include("xuncha.portal.urls")),
    path("p/", include("xuncha.aftercare.urls_public")),
    path("api/v1/", api.urls),
]

handler500 = "xuncha.web.server_error"
