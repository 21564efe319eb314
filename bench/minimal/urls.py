"""The product's URLs plus two baseline views served by the same processes (bench/intake.py):

- GET /bench/ping: the smallest Django view, writes nothing (the ceiling of the stack);
- POST /bench/insert: one durable one-row insert of the request body (autocommit, the database's
  synchronous commit), the limit any durable intake can reach on this machine.

The product's patterns are spliced in as they are (not under an include), so the intake API resolves
exactly as it does under xuncha.urls.
"""

from typing import cast

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.csrf import csrf_exempt

from xuncha.urls import urlpatterns as product_urlpatterns

# Created by bench/intake.py after migrating its throwaway database (not a model: no migration).
DURABLE_TABLE = "bench_durable_insert"


def ping(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


@csrf_exempt
def insert(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:  # autocommit: the insert is committed (and synced) before the answer
        cur.execute(f"INSERT INTO {DURABLE_TABLE} (body) VALUES (%s)", [request.body.decode("utf-8", "replace")])  # noqa: S608
    return JsonResponse({"ok": True}, status=201)


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/ping", ping), path("bench/insert", insert), *cast(list[URLPattern | URLResolver], product_urlpatterns),
]
