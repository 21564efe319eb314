"""The public page of the rectification (整改公开) on the inspection's public site: the latest published
version, exactly its snapshot (no account; 404 until the office publishes)."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import public_publication


def rectification(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    publication = public_publication(public_id)
    if publication is None:
        raise Http404
    return render(request, "aftercare/public.html", {"publication": publication, "content": publication.content,
                                                     "inspection": publication.inspection})
