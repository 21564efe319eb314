"""A request body given as JSON or, for operations that take files (registering a report with its scans,
POST /api/v1/inspections/{id}/reports), as multipart/form-data: the form's fields are read as the JSON
body's fields (`subjects` and `reporter` as JSON text), its files stay in request.FILES.

    def create(request, payload: Annotated[StaffReportIn, FormOrJsonBody(...)]) -> ...
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.params import models

JSON_FIELDS = ("subjects", "reporter")


class FormOrJsonBodyModel(models.BodyModel):
    @classmethod
    def get_request_data(cls, request: HttpRequest, api: Any, path_params: dict[str, Any]) -> dict[str, Any] | None:
        # The form was read already (the site's input checks read request.POST): its raw body is gone.
        if request.content_type == "multipart/form-data":
            data = form_body(request)
            varname = getattr(cls, "__read_from_single_attr__", None)
            return {varname: data} if varname else data
        return super().get_request_data(request, api, path_params)


class FormOrJsonBody(models.Body):  # type: ignore[misc]  # ninja's Param classes are untyped
    _model = FormOrJsonBodyModel

    @classmethod
    def _param_source(cls) -> str:
        return "body"  # documented and validated as the JSON body (the form is described by openapi_extra)


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
