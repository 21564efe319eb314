"""The API's body parser: JSON, and for the one operation that takes files (registering a report with its
scans, POST /api/v1/inspections/{id}/reports) also multipart/form-data: its form fields are read as the
JSON body's fields (`subjects` and `reporter` as JSON text), its files stay in request.FILES."""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

# The operations whose body may come as a form with files.
MULTIPART_PATHS = re.compile(r"^/api/v1/inspections/\d+/reports/?$")
JSON_FIELDS = ("subjects", "reporter")


class FormOrJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type == "multipart/form-data" and MULTIPART_PATHS.match(request.path):
            return form_body(request)
        return super().parse_body(request)


def form_body(request: HttpRequest) -> dict[str, Any]:
    """The form's fields as the JSON body would give them; empty optional fields are left out."""
    body: dict[str, Any] = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if value == "":
            continue
        if key in JSON_FIELDS:
            try:
                body[key] = json.loads(value)
            except ValueError:
                body[key] = value  # reported by the schema as the wrong type, in Chinese
        else:
            body[key] = value
    return body
