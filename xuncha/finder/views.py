"""The search page behind the top bar's box: one match redirects to its page, several are listed,
none is a "未找到" page with the query kept in the box."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from xuncha.accounts.http import AuthedRequest
from xuncha.errors import NotFound

from .selectors import LIMIT, may_search, search


@login_required
def find_page(request: AuthedRequest) -> HttpResponse:
    if not may_search(request.user):  # no role that reaches case data: the page is not theirs
        raise NotFound
    text = request.GET.get("q", "")
    number, hits = search(user=request.user, text=text, request=request)
    if len(hits) == 1:
        return redirect(hits[0].url)
    return render(request, "finder/results.html", {"q": text.strip(), "number": number, "hits": hits, "limit": LIMIT})
