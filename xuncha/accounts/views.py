"""Login, logout and the sysadmin's account pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from xuncha.inspections.views import attach_error

from . import services
from .forms import LoginForm, RoleAssignForm, UserCreateForm
from .models import RoleAssignment
from .selectors import user_list


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_login_check(request=request, **form.cleaned_data)
        except services.LoginError as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user)
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = ""
            return redirect(next_url or "home")
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "已退出登录。")
    return redirect("accounts:login")


@login_required
def users(request: HttpRequest) -> HttpResponse:
    items = user_list(user=request.user)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, f"已创建账号 {user.username}，请分配角色。")
            return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/users.html", {"users": items, "form": form})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = user_list(user=request.user).filter(pk=pk).first()
    if target is None:
        raise Http404
    form = RoleAssignForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "assign")
        if action == "unlock":
            services.user_unlock(actor=request.user, user=target, request=request)
            messages.success(request, "已解锁。")
            return redirect("accounts:user", pk=target.pk)
        if action in ("activate", "deactivate"):
            try:
                services.user_set_active(actor=request.user, user=target, active=action == "activate", request=request)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            return redirect("accounts:user", pk=target.pk)
        if action == "revoke":
            assignment = RoleAssignment.objects.filter(pk=request.POST.get("assignment") or 0, user=target).first()
            if assignment is None:
                raise Http404
            services.role_revoke(actor=request.user, assignment=assignment, request=request)
            messages.success(request, "已撤销角色。")
            return redirect("accounts:user", pk=target.pk)
        if form.is_valid():
            try:
                services.role_assign(actor=request.user, user=target, request=request, **form.cleaned_data)
            except ValidationError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, "已分配角色。")
                return redirect("accounts:user", pk=target.pk)
    return render(request, "accounts/user_detail.html", {"target": target, "form": form})
