"""Anti-abuse for the public form without any third-party captcha: a honeypot and a signed stamp.

The stamp is signed with django.core.signing when the form is rendered. A post whose stamp is
missing, tampered with or too old, or that comes sooner than settings.PORTAL_FORM_MIN_SECONDS
(default 3) after the page was rendered, is refused; so is a post that fills the honeypot field,
which people never see.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core import signing

SALT = "xuncha.portal.form-stamp"
STAMP_FIELD = "stamp"
HONEYPOT_FIELD = "homepage"
DEFAULT_MIN_SECONDS = 3.0
MAX_AGE_SECONDS = 24 * 3600


def min_seconds() -> float:
    return float(getattr(settings, "PORTAL_FORM_MIN_SECONDS", DEFAULT_MIN_SECONDS))


def make_stamp(scope: str) -> str:
    return signing.dumps({"s": scope, "t": time.time()}, salt=SALT, compress=False)


def check(data: Mapping[str, Any], scope: str) -> str:
    """'' when the post looks human; otherwise a Chinese message telling the person what to do."""
    if data.get(HONEYPOT_FIELD, ""):
        return "提交未成功：表单中有一项不应填写的内容（可能是浏览器自动填充）。请核对后再次提交。"
    try:
        stamp = signing.loads(data.get(STAMP_FIELD, ""), salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        return "页面打开时间过长，已失效。您填写的内容已保留，请核对后再次提交。"
    except signing.BadSignature:
        return "页面已失效或不完整。您填写的内容已保留，请核对后再次提交。"
    if not isinstance(stamp, dict) or stamp.get("s") != scope or not isinstance(stamp.get("t"), (int, float)):
        return "页面已失效或不完整。您填写的内容已保留，请核对后再次提交。"
    if time.time() - stamp["t"] < min_seconds():
        return "提交太快了。请再核对一遍您填写的内容，然后再次提交。"
    return ""
