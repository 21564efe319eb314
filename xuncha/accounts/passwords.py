"""Passwords: a user changes their own; the sysadmin resets one to a one-time password.

A reset (and a new account) marks the account `must_change_password`: the user changes it at the next
login before anything else (middleware.password_change_required). Changing a password ends the
account's other sessions (Django would refuse them anyway: it checks a hash of the password on every
request); the view keeps the current one (sessions.session_keep_after_password_change).
"""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from xuncha.audit.services import audit_record
from xuncha.errors import Invalid, NotAllowed

from . import throttle
from .models import ApiToken, User
from .roles import Role
from .selectors import has_role
from .services import user_login_failure
from .sessions import sessions_end

# No look-alike characters (0/O, 1/l/I): the one-time password is read off a screen and typed.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def _one_time_password(user: User) -> str:
    """Four groups of four letters and digits joined by "-": 19 characters that meet the policy."""
    while True:
        candidate = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
        try:
            validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate


def _policy(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Invalid(exc.messages) from exc


def password_change(*, actor: User, old_password: str, new_password: str, request: HttpRequest | None = None) -> None:
    """The signed-in user changes their own password. A wrong old password counts toward the login
    throttle like a failed login (xuncha.accounts.throttle); while this client must wait, nothing is checked."""
    wait = throttle.wait_for(username=actor.username, request=request)
    if wait is not None:
        raise Invalid(wait.message)
    if not actor.check_password(old_password):
        with transaction.atomic():
            user_login_failure(user=actor, request=request)
            audit_record(actor=actor, action="accounts.password_change_failed", obj=actor,
                         summary=f"{actor.username} 修改密码时原密码错误", request=request)
        raise Invalid("原密码不正确。")
    if new_password == old_password:
        raise Invalid("新密码不能与原密码相同。")
    _policy(new_password, actor)
    with transaction.atomic():
        actor.set_password(new_password)
        actor.must_change_password = False
        actor.failed_logins = 0
        actor.save(update_fields=["password", "must_change_password", "failed_logins"])
        session = getattr(request, "session", None)
        ended = sessions_end(user=actor, keep=session.session_key if session is not None else None)
        audit_record(actor=actor, action="accounts.password_change", obj=actor, summary=f"{actor.username} 修改密码",
                     request=request, data={"sessions_ended": ended})


def password_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> str:
    """The sysadmin sets a random one-time password (returned, to be shown once, never stored in clear
    or audited). The account must change it at the next login; its sessions and API tokens end, and
    its login failure counts are cleared."""
    if not has_role(actor, Role.SYSADMIN):
        raise NotAllowed
    if user.pk == actor.pk:
        raise Invalid("不能重置自己的密码，请在“个人设置”中修改密码。")
    password = _one_time_password(user)
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["password", "must_change_password", "failed_logins", "locked_until"])
        transaction.on_commit(lambda: throttle.forget(username=user.username))
        ApiToken.objects.filter(user=user).delete()
        ended = sessions_end(user=user)
        audit_record(actor=actor, action="accounts.password_reset", obj=user,
                     summary=f"重置 {user.username} 的密码（一次性密码，须在下次登录时修改）", request=request,
                     data={"sessions_ended": ended})
    return password
