"""The product's URLs plus GET /bench/ping: the smallest Django view, served by the same processes.

The product's patterns are spliced in as they are (not under an include), so the intake API resolves
exactly as it does under xuncha.urls.
"""

from typing import cast

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path

from xuncha.urls import urlpatterns as product_urlpatterns


def ping(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns: list[URLPattern | URLResolver] = [path("bench/ping", ping), *cast(list[URLPattern | URLResolver], product_urlpatterns)]
