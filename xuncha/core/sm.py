"""Chinese commercial cryptography (GM/T): SM3 hashes and HMACs via `cryptography`."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes, hmac


def sm3_hex(data: bytes) -> str:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def sm3_hmac_hex(key: bytes, data: bytes) -> str:
    h = hmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize().hex()
