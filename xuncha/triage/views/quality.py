"""The office's page of classification quality: held-out real texts and recent confirmations."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from xuncha.accounts.http import AuthedRequest
from xuncha.core.classify.regulations import knowledge_base

from ..quality import classifier_quality

WEEK_CHOICES = (4, 8, 13, 26, 52)


@login_required
def quality(request: AuthedRequest) -> HttpResponse:
    raw = request.GET.get("weeks", "")
    weeks = int(raw) if raw.isdigit() and int(raw) in WEEK_CHOICES else settings.CLASSIFIER_QUALITY_WEEKS
    q = classifier_quality(user=request.user, weeks=weeks)
    kb = knowledge_base()
    return render(request, "triage/quality.html", {
        "q": q, "week_choices": WEEK_CHOICES, "regulation": kb.title, "articles": len(kb.articles),
        "checked": sum(1 for a in kb.articles if a.checked),
    })
