"""The public, login-free pages. No third-party request of any kind."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from xuncha.inspections.documents import announcement_text
from xuncha.inspections.selectors import calendar_get, inspection_get_public


def inspection_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    inspection = inspection_get_public(public_id=public_id)
    today = timezone.localdate()
    context = {
        "inspection": inspection,
        "announcement": announcement_text(inspection, calendar_get()),
        "accepting": inspection.intake_open_on(today),
        "not_yet": today < inspection.intake_start,
        "today": today,
    }
    return render(request, "portal/inspection.html", context)
