"""Anti-abuse for the public API, the counterpart of the form's honeypot and stamp: a short proof of work.

GET /api/v1/public/challenge issues a challenge signed with django.core.signing (a random id, the time,
the difficulty). The client finds a nonce such that sha256(challenge + nonce) begins with `difficulty`
zero bits (settings.PUBLIC_API_POW_BITS; about 2**bits hashes, well under a second in a browser at the
default 16) and sends both with its submission (headers X-Challenge and X-Challenge-Nonce). The server
checks the signature, the age (settings.PUBLIC_API_POW_SECONDS), the work, and that the challenge was not
used before: the shared cache remembers each used challenge until it expires, across all processes.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from xuncha.core.counters import hashed

SALT = "xuncha.portal.api-challenge"
HEADER = "X-Challenge"
NONCE_HEADER = "X-Challenge-Nonce"
MAX_NONCE_CHARS = 64


def bits() -> int:
    return max(int(getattr(settings, "PUBLIC_API_POW_BITS", 16)), 0)


def max_age() -> int:
    return max(int(getattr(settings, "PUBLIC_API_POW_SECONDS", 600)), 1)


def issue() -> dict[str, object]:
    difficulty = bits()
    challenge = signing.dumps({"r": secrets.token_hex(16), "t": int(time.time()), "d": difficulty}, salt=SALT, compress=False)
    return {"challenge": challenge, "difficulty": difficulty, "expires_in": max_age(),
            "algorithm": "sha256(challenge + nonce) 的前 difficulty 个二进制位为 0"}


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def solve(challenge: str, difficulty: int) -> str:
    """The first nonce that does the work (for tests, the bench and other clients written in Python)."""
    n = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}{n}".encode()).digest()) < difficulty:
        n += 1
    return str(n)


def verify(challenge: str, nonce: str) -> str:
    """'' when the work is done and the challenge fresh and unused (it is then used up); otherwise a
    Chinese message."""
    if not getattr(settings, "PUBLIC_API_CHALLENGE", True):
        return ""
    if not challenge or not nonce:
        return f"缺少防滥用校验：请先 GET /api/v1/public/challenge 取得挑战，计算后在请求头 {HEADER}、{NONCE_HEADER} 中提交。"
    if len(nonce) > MAX_NONCE_CHARS or len(challenge) > 300:
        return "防滥用校验的格式不正确，请重新取得挑战。"
    try:
        data = signing.loads(challenge, salt=SALT, max_age=max_age())
    except signing.SignatureExpired:
        return "防滥用挑战已过期，请重新取得挑战后再提交。"
    except signing.BadSignature:
        return "防滥用挑战无效，请重新取得挑战后再提交。"
    if not isinstance(data, dict) or not isinstance(data.get("d"), int) or not isinstance(data.get("r"), str):
        return "防滥用挑战无效，请重新取得挑战后再提交。"
    difficulty = max(int(data["d"]), bits())
    if leading_zero_bits(hashlib.sha256(f"{challenge}{nonce}".encode()).digest()) < difficulty:
        return "防滥用校验未通过（计算结果不满足要求），请重新计算后再提交。"
    if not cache.add(f"xc:pow:{hashed('pow', data['r'])}", 1, timeout=max_age() + 60):
        return "该防滥用挑战已使用过，请重新取得挑战后再提交。"
    return ""
