"""The key ring of this installation (loaded once per process from settings.KEY_FILE), for every app
that seals or opens data: identities, raw mail, receipt codes."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from xuncha.core.crypto import KeyRing, load_key_ring


@lru_cache(maxsize=1)
def key_ring() -> KeyRing:
    return load_key_ring(settings.KEY_FILE)
