"""Exchange keys: one shared secret per pair of deployments (settings.EXCHANGE_KEY_FILE), outside the
database like the identity and audit keys. Everything a package needs is derived from it with HMAC-SM3
under distinct labels: the member encryption key (SM4), the manifest signature key, the key that wraps
sealed identities and file keys in transit, and a public fingerprint that names the key in a manifest.

The file (JSON, mode 0600):

    {"deployment": "prov-edu",
     "peers": {"cjlu": {"name": "中国计量大学党委巡察办", "key": "<64 hex digits>"}}}

`manage.py exchange_key new <peer> --name ...` creates a key for a peer and prints it once, to be carried
to the other deployment's administrator out of band (docs/exchange.md); `exchange_key add` records a key
received from a peer; `exchange_key list` shows the fingerprints to compare by telephone.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from xuncha.core.crypto import KeyRing
from xuncha.core.sm import sm3_hmac_hex

PEER_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


class ExchangeKeyError(Exception):
    """A missing or invalid exchange key configuration; the message is Chinese."""


@dataclass(frozen=True)
class PeerKey:
    code: str
    name: str
    secret: bytes

    def _derive(self, label: str) -> bytes:
        return bytes.fromhex(sm3_hmac_hex(self.secret, f"xuncha-exchange:{label}".encode()))

    @property
    def fingerprint(self) -> str:
        return self._derive("id").hex()[:16]

    @property
    def member_key(self) -> bytes:
        return self._derive("members")[:16]

    @property
    def mac_key(self) -> bytes:
        return self._derive("manifest")

    @property
    def transit_key_id(self) -> str:
        return f"xchg{self.fingerprint[:8]}"

    @property
    def transit_key(self) -> bytes:
        return self._derive("transit")[:16]

    def transit_ring(self, local: KeyRing, *, active_transit: bool) -> KeyRing:
        """The local ring plus the transit key: sealing with the transit key (export, active_transit) or
        re-sealing what it sealed under the local active key (import)."""
        keys = {**local.keys, self.transit_key_id: self.transit_key}
        return KeyRing(active=self.transit_key_id if active_transit else local.active, keys=keys, receipt_key=local.receipt_key)


@dataclass(frozen=True)
class ExchangeConfig:
    deployment: str
    peers: dict[str, PeerKey]

    def peer(self, code: str) -> PeerKey:
        try:
            return self.peers[code]
        except KeyError:
            raise ExchangeKeyError(f"本部署没有与“{code}”的交换密钥。请先按文档交换密钥（manage.py exchange_key）。") from None


def _path() -> Path:
    configured = settings.EXCHANGE_KEY_FILE
    return Path(configured) if configured else Path(settings.KEY_FILE).parent / "exchange.key"


def configured() -> bool:
    return _path().exists()


def load_config() -> ExchangeConfig:
    path = _path()
    if not path.exists():
        raise ExchangeKeyError("本部署尚未配置数据交换密钥（EXCHANGE_KEY_FILE），不能导出或导入数据包。")
    if path.stat().st_mode & 0o077:
        raise ExchangeKeyError(f"交换密钥文件 {path} 的权限应为 0600（仅属主可读写）。")
    try:
        data = json.loads(path.read_text())
        deployment = str(data["deployment"])
        peers = {code: PeerKey(code=code, name=str(p.get("name", code)), secret=bytes.fromhex(p["key"]))
                 for code, p in data.get("peers", {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ExchangeKeyError(f"交换密钥文件 {path} 内容无效。") from exc
    if not PEER_CODE.match(deployment) or any(len(p.secret) != 32 or not PEER_CODE.match(p.code) for p in peers.values()):
        raise ExchangeKeyError(f"交换密钥文件 {path} 内容无效。")
    return ExchangeConfig(deployment=deployment, peers=peers)


def _write(data: dict[str, object]) -> None:
    path = _path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
    tmp.replace(path)


def _raw() -> dict[str, object]:
    path = _path()
    return json.loads(path.read_text()) if path.exists() else {}


def set_deployment(code: str) -> None:
    if not PEER_CODE.match(code):
        raise ExchangeKeyError("部署代号只能用小写字母、数字和连字符（至多 32 个字符）。")
    data = _raw()
    data["deployment"] = code
    data.setdefault("peers", {})
    _write(data)


def add_peer(code: str, *, name: str, key_hex: str | None = None) -> PeerKey:
    """Record the key shared with a peer (a new random one when `key_hex` is None); returns it."""
    if not PEER_CODE.match(code):
        raise ExchangeKeyError("对方部署代号只能用小写字母、数字和连字符（至多 32 个字符）。")
    key_hex = key_hex or secrets.token_hex(32)
    try:
        secret = bytes.fromhex(key_hex)
    except ValueError:
        raise ExchangeKeyError("交换密钥应为 64 位十六进制数字。") from None
    if len(secret) != 32:
        raise ExchangeKeyError("交换密钥应为 64 位十六进制数字。")
    data = _raw()
    if "deployment" not in data:
        raise ExchangeKeyError("请先设置本部署的代号（manage.py exchange_key init <代号>）。")
    peers = data.setdefault("peers", {})
    assert isinstance(peers, dict)
    peers[code] = {"name": name or code, "key": secret.hex()}
    _write(data)
    return PeerKey(code=code, name=name or code, secret=secret)
