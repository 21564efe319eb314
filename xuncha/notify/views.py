"""提醒: the signed-in user's notifications — the list, opening one (marked read, then its page) and
marking one or all read. Another user's notification is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from xuncha.accounts.http import AuthedRequest
from xuncha.paging import paginate

from . import services
from .selectors import notification_get, notifications_for, unread_count

PAGE_SIZE = 30


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        count = services.notifications_mark_read(actor=request.user, request=request)
        messages.success(request, f"已将{count}条提醒标为已读。" if count else "没有未读提醒。")
        return redirect("notify:index")
    page = paginate(notifications_for(user=request.user), request.GET.get("page"), PAGE_SIZE)
    return render(request, "notify/index.html", {"page": page, "query": "", "unread": unread_count(user=request.user)})


@login_required
@require_POST
def read(request: AuthedRequest, pk: int) -> HttpResponse:
    note = notification_get(user=request.user, pk=pk)
    services.notifications_mark_read(actor=request.user, ids=[note.pk], request=request)
    return redirect("notify:index")


@login_required
@require_POST
def open_(request: AuthedRequest, pk: int) -> HttpResponse:
    note = services.notification_open(actor=request.user, pk=pk, request=request)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None):
        return redirect(note.url)
    return redirect("notify:index")
