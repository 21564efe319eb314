"""The key ring of this installation (loaded once per process from settings.KEY_FILE), for every app
that seals or opens data: identities, raw mail, receipt codes.

A key is created only at the first set-up, while the database holds nothing sealed. With sealed data
and no key file (a restore that forgot the key, a wrong KEY_FILE), nothing starts sealing under a new
key: every use refuses with a message saying what to restore, and so does the server at start-up.
Apps that keep sealed data register a probe (`register_sealed_data_probe`) in their AppConfig.ready.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.conf import settings

from xuncha.core.crypto import KeyError_, KeyRing, load_key_ring

_probes: list[Callable[[], int]] = []


def register_sealed_data_probe(probe: Callable[[], int]) -> None:
    """`probe()` counts rows that hold data sealed or hashed with the key (0 when there are none)."""
    if probe not in _probes:
        _probes.append(probe)


def sealed_data_count() -> int:
    return sum(probe() for probe in _probes)


def missing_key_message(count: int) -> str:
    return (f"找不到密钥文件 {settings.KEY_FILE}，而数据库中已有 {count} 条用该密钥加密或签名的数据。"
            "请从备份中恢复密钥文件（或把 KEY_FILE 指向它）后再启动；不会生成新密钥，否则已有的反映人信息和查询码将无法打开。")


@lru_cache(maxsize=1)
def key_ring() -> KeyRing:
    if not settings.KEY_FILE.exists():
        count = sealed_data_count()
        if count:
            raise KeyError_(missing_key_message(count))
    return load_key_ring(settings.KEY_FILE, create=True)


def check_key_at_startup() -> None:
    """Refuse to serve when the key is missing but sealed data exists (called by the WSGI entry point)."""
    if not settings.KEY_FILE.exists():
        count = sealed_data_count()
        if count:
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(missing_key_message(count))
