"""TOTP second factor (RFC 6238) for staff accounts, with replay protection."""

from __future__ import annotations

import base64
import datetime as dt
import io

import pyotp
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from xuncha.audit.services import audit_record
from xuncha.errors import NotAllowed

from .models import User
from .roles import Role
from .selectors import has_role


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=settings.TOTP_ISSUER)


def totp_qr_data_uri(uri: str) -> str:
    import qrcode

    buffer = io.BytesIO()
    qrcode.make(uri, box_size=6, border=2).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _matching_step(secret: str, code: str, last_step: int) -> int | None:
    """The time step the code belongs to (±1 step of drift), if it is valid and newer than last_step."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(dt.datetime.now())
    for step in (now_step - 1, now_step, now_step + 1):
        if step > last_step and pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def totp_verify(*, user: User, code: str, request: HttpRequest | None = None) -> bool:
    """Check a code for an enrolled user; a code is accepted once (no replay)."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        step = _matching_step(locked.totp_secret, code, locked.totp_last_step) if locked.totp_enabled else None
        if step is None:
            audit_record(actor=None, action="auth.totp_failed", obj=locked, summary=f"{locked.username} 动态口令错误", request=request)
            return False
        User.objects.filter(pk=user.pk).update(totp_last_step=step)
        return True


def totp_enable(*, user: User, secret: str, code: str, request: HttpRequest | None = None) -> bool:
    """Enrol: the first code from the authenticator app proves the secret was stored."""
    step = _matching_step(secret, code, 0)
    if step is None:
        return False
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(totp_secret=secret, totp_enabled=True, totp_last_step=step)
        audit_record(actor=user, action="auth.totp_enable", obj=user, summary=f"{user.username} 启用动态口令", request=request)
    user.totp_secret, user.totp_enabled, user.totp_last_step = secret, True, step
    return True


def totp_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """The sysadmin resets a lost authenticator; the user enrols again at next login."""
    if not has_role(actor, Role.SYSADMIN):
        raise NotAllowed
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(totp_secret="", totp_enabled=False, totp_last_step=0)
        audit_record(actor=actor, action="auth.totp_reset", obj=user, summary=f"重置 {user.username} 的动态口令", request=request)
