"""Login, logout, the profile and password pages, and the sysadmin's account pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from xuncha.errors import Invalid, NotFound
from xuncha.web import form_submit

from . import passwords, services, throttle, totp
from .forms import LoginForm, PasswordChangeForm, RoleAssignForm, TotpForm, UserCreateForm
from .http import AuthedRequest
from .models import RoleAssignment, User
from .selectors import role_assignments, user_list
from .sessions import session_keep_after_password_change, session_list, sessions_end_others


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_login_check(request=request, **form.cleaned_data)
        except services.LoginError as exc:
            form.add_error(None, str(exc))
        else:
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = ""
            if user.totp_enabled:
                request.session[PENDING_KEY] = {"user": user.pk, "next": next_url}
                return redirect("accounts:login_totp")
            login(request, user)
            response = redirect(next_url or "home")
            throttle.remember_device(request=request, response=response, username=user.username)
            return response
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


PENDING_KEY = "xuncha_pending_login"


def login_totp(request: HttpRequest) -> HttpResponse:
    """Second step of the login for accounts with a TOTP authenticator."""
    pending = request.session.get(PENDING_KEY) or {}
    user = User.objects.filter(pk=pending.get("user") or 0, is_active=True).first()
    if user is None:
        return redirect("accounts:login")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = throttle.wait_for(username=user.username, request=request)
        if wait is not None:
            form.add_error("code", wait.message)
            return render(request, "accounts/login_totp.html", {"form": form})
        if totp.totp_verify(user=user, code=form.cleaned_data["code"], request=request):
            del request.session[PENDING_KEY]
            services.user_login_success(user=user, request=request)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            response = redirect(pending.get("next") or "home")
            throttle.remember_device(request=request, response=response, username=user.username)
            return response
        services.user_login_failure(user=user, request=request)
        form.add_error("code", "动态口令错误或已使用过，请输入验证器上新的6位数字。")
    return render(request, "accounts/login_totp.html", {"form": form})


@login_required
def totp_setup(request: AuthedRequest) -> HttpResponse:
    """Enrol an authenticator app (scan the QR code, confirm with a code)."""
    user = request.user
    if user.totp_enabled:
        return render(request, "accounts/totp_setup.html", {"enabled": True})
    secret = request.session.get("xuncha_totp_secret") or totp.totp_new_secret()
    request.session["xuncha_totp_secret"] = secret
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp.totp_enable(user=user, secret=secret, code=form.cleaned_data["code"], request=request):
            del request.session["xuncha_totp_secret"]
            messages.success(request, "已启用动态口令，今后登录时需输入验证器上的6位数字。")
            return redirect("home")
        form.add_error("code", "动态口令不正确，请确认手机时间准确后重试。")
    uri = totp.totp_uri(user, secret)
    return render(request, "accounts/totp_setup.html", {"form": form, "secret": secret, "qr": totp.totp_qr_data_uri(uri)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "已退出登录。")
    return redirect("accounts:login")


@login_required
def users(request: AuthedRequest) -> HttpResponse:
    items = user_list(user=request.user)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST":
        user = form_submit(form, lambda data: services.user_create(actor=request.user, request=request, **data))
        if user is not None:
            messages.success(request, f"已创建账号 {user.username}，请分配角色。")
            return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/users.html", {"users": items, "form": form})


@login_required
def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    target = user_list(user=request.user).filter(pk=pk).first()
    if target is None:
        raise NotFound
    form = RoleAssignForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "assign")
        if action == "totp_reset":
            totp.totp_reset(actor=request.user, user=target, request=request)
            messages.success(request, "已重置动态口令，该用户下次登录后需重新绑定。")
            return redirect("accounts:user", pk=target.pk)
        if action == "unlock":
            services.user_unlock(actor=request.user, user=target, request=request)
            messages.success(request, "已清除该账号的登录失败计数，各处的等待随即解除。")
            return redirect("accounts:user", pk=target.pk)
        if action in ("activate", "deactivate"):
            try:
                services.user_set_active(actor=request.user, user=target, active=action == "activate", request=request)
            except Invalid as exc:
                messages.error(request, exc.messages[0])
            return redirect("accounts:user", pk=target.pk)
        if action == "revoke":
            assignment_id = request.POST.get("assignment", "")
            assignment = RoleAssignment.objects.filter(pk=int(assignment_id), user=target).first() if assignment_id.isdigit() else None
            if assignment is None:
                raise NotFound
            services.role_revoke(actor=request.user, assignment=assignment, request=request)
            messages.success(request, "已撤销角色。")
            return redirect("accounts:user", pk=target.pk)
        if form_submit(form, lambda data: services.role_assign(actor=request.user, user=target, request=request, **data)) is not None:
            messages.success(request, "已分配角色。")
            return redirect("accounts:user", pk=target.pk)
    return render(request, "accounts/user_detail.html", {"target": target, "form": form})


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    """个人设置: who I am, my roles and their scopes, my second factor, this session."""
    sessions = session_list(request, request.user)
    return render(request, "accounts/profile.html", {
        "assignments": role_assignments(request.user), "sessions": sessions, "others": sum(not s.current for s in sessions),
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
    })


@require_POST
@login_required
def end_other_sessions(request: AuthedRequest) -> HttpResponse:
    count = sessions_end_others(actor=request.user, request=request)
    messages.success(request, f"已退出其他 {count} 个会话。" if count else "没有其他会话。")
    return redirect("accounts:profile")


@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    forced = request.user.must_change_password
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST":

        def change(data: dict[str, Any]) -> bool:
            passwords.password_change(actor=request.user, old_password=data["old_password"],
                                      new_password=data["new_password"], request=request)
            return True

        if form_submit(form, change):
            # The other sessions of the account end (their password hash no longer matches); this one stays.
            session_keep_after_password_change(request, request.user)
            messages.success(request, "密码已修改。其他设备上的登录已退出。")
            return redirect("home" if forced else "accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})


@login_required
def user_password_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    """The sysadmin resets a password: a confirmation first, then the one-time password, shown once."""
    target = user_list(user=request.user).filter(pk=pk).first()
    if target is None:
        raise NotFound
    context: dict[str, object] = {"target": target}
    if request.method == "POST":
        try:
            context["one_time_password"] = passwords.password_reset(actor=request.user, user=target, request=request)
        except Invalid as exc:
            context["error"] = exc.messages[0]
    response = render(request, "accounts/password_reset.html", context)
    response["Cache-Control"] = "no-store"
    return response
