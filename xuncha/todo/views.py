"""我的待办: the page every staff user lands on after login."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from xuncha.accounts.http import AuthedRequest

from .selectors import todo_lines


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    return render(request, "todo/index.html", {"lines": todo_lines(user=request.user)})
