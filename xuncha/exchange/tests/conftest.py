"""Two deployments in one test database: the sender "cjlu" and the receiver "prov", sharing one exchange
key; `as_deployment("prov")` switches which one this process is (its exchange key file, and optionally a
fresh identity key ring of its own)."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SECRET = secrets.token_hex(32)


def _write(path: Path, deployment: str, peer: str, secret: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"deployment": deployment, "peers": {peer: {"name": f"{peer} 巡察办", "key": secret}}}, f)


@pytest.fixture
def as_deployment(settings: Any, tmp_path: Path) -> Callable[..., None]:
    from xuncha.keys import key_ring

    def switch(code: str, *, secret: str = SECRET, fresh_identity_key: bool = False) -> None:
        peer = "prov" if code == "cjlu" else "cjlu"
        path = tmp_path / f"exchange-{code}-{secret[:6]}.key"
        _write(path, code, peer, secret)
        settings.EXCHANGE_KEY_FILE = path
        if fresh_identity_key:
            from xuncha.core.crypto import create_key_file

            settings.KEY_FILE = tmp_path / f"identity-{code}.key"
            create_key_file(settings.KEY_FILE)
            key_ring.cache_clear()

    switch("cjlu")
    return switch
