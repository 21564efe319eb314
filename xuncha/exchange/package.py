"""The exchange package: a zip holding a signed, versioned manifest and encrypted members
(docs/exchange.md describes the format).

    manifest.json      {"format": "xuncha-exchange", "version": 1, "package_id", "created_at", "origin",
                        "destination", "key": <fingerprint of the exchange key>, "members": [{"name", "size", "sm3"}]}
    manifest.sig       HMAC-SM3(manifest key, the bytes of manifest.json), hex
    summary.json.enc   what the package holds (shown before importing)
    rows/<app.model>.json.enc   the rows of one model
    audit.json.enc     the sender's audit events about those rows
    files/<n>.bin      sealed files as they are at rest (XSF1), their file key re-wrapped under the transit key

A ".enc" member is zlib-compressed JSON encrypted with SM4-GCM under the member key, the package id and
the member name bound as associated data (a member cannot be moved to another name or package). Every
member's size and SM3 are in the signed manifest, so a changed, swapped, added or missing member is
refused. Reading checks everything before anything is returned and never trusts sizes declared inside
the zip: each member is read up to its signed size, and decompression stops at a fixed limit.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import secrets
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from xuncha.core.sm import sm3_hex, sm3_hmac_hex

from .keys import ExchangeConfig, ExchangeKeyError, PeerKey

FORMAT = "xuncha-exchange"
VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MAX_MEMBERS = 200_000
MAX_JSON_BYTES = 256 * 1024 * 1024  # one decompressed JSON member
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024  # everything read out of one package
NONCE = 12


class BadPackage(Exception):
    """A package that cannot be imported; the message (Chinese) says why."""


def canonical_json(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _aad(package_id: str, name: str) -> bytes:
    return f"{FORMAT}:{package_id}:{name}".encode()


class PackageWriter:
    """Builds a package in memory: add members, then `finish()` for the bytes of the zip."""

    def __init__(self, peer: PeerKey, *, origin: str, package_id: str, created_at: dt.datetime) -> None:
        self.peer = peer
        self.origin = origin
        self.package_id = package_id
        self.created_at = created_at
        self._buffer = io.BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_STORED)
        self._members: list[dict[str, Any]] = []

    def _add(self, name: str, data: bytes) -> None:
        self._zip.writestr(name, data)
        self._members.append({"name": name, "size": len(data), "sm3": sm3_hex(data)})

    def add_json(self, name: str, obj: Any) -> None:
        # Key order kept as stored (a JSON field's order is part of "the same data" on SQLite).
        plain = zlib.compress(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode(), 6)
        nonce = secrets.token_bytes(NONCE)
        encryptor = Cipher(algorithms.SM4(self.peer.member_key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(_aad(self.package_id, name))
        body = encryptor.update(plain) + encryptor.finalize()
        self._add(name, nonce + body + encryptor.tag)

    def add_file(self, name: str, sealed: bytes) -> None:
        self._add(name, sealed)

    def finish(self) -> bytes:
        manifest = {
            "format": FORMAT, "version": VERSION, "package_id": self.package_id,
            "created_at": self.created_at.astimezone(dt.UTC).isoformat(), "origin": self.origin,
            "destination": self.peer.code, "key": self.peer.fingerprint, "members": self._members,
        }
        raw = canonical_json(manifest)
        self._zip.writestr(MANIFEST, raw)
        self._zip.writestr(SIGNATURE, sm3_hmac_hex(self.peer.mac_key, raw))
        self._zip.close()
        return self._buffer.getvalue()


@dataclass
class Package:
    """A package that passed every check: its manifest, the peer it came from, and its members."""

    manifest: dict[str, Any]
    peer: PeerKey
    _json: dict[str, Any] = field(default_factory=dict)
    _files: dict[str, bytes] = field(default_factory=dict)

    @property
    def package_id(self) -> str:
        return str(self.manifest["package_id"])

    @property
    def origin(self) -> str:
        return str(self.manifest["origin"])

    def json(self, name: str, default: Any = None) -> Any:
        return self._json.get(name, default)

    def file(self, name: str) -> bytes:
        try:
            return self._files[name]
        except KeyError:
            raise BadPackage(f"数据包缺少文件 {name}（不完整）。") from None

    def names(self, prefix: str) -> list[str]:
        return sorted(n for n in self._json if n.startswith(prefix))


def _read_member(zf: zipfile.ZipFile, name: str, size: int) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise BadPackage(f"数据包缺少 {name}（不完整或被删改）。") from None
    if info.file_size != size:
        raise BadPackage(f"数据包中 {name} 的大小与清单不符（被篡改或损坏）。")
    try:
        with zf.open(info) as f:
            data = f.read(size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
        raise BadPackage(f"数据包中 {name} 无法读出（不完整或已损坏）。") from None
    if len(data) != size:
        raise BadPackage(f"数据包中 {name} 的大小与清单不符（被篡改或损坏）。")
    return data


def _decrypt_json(peer: PeerKey, package_id: str, name: str, blob: bytes) -> Any:
    if len(blob) < NONCE + 16:
        raise BadPackage(f"数据包中 {name} 已损坏。")
    nonce, body, tag = blob[:NONCE], blob[NONCE:-16], blob[-16:]
    decryptor = Cipher(algorithms.SM4(peer.member_key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(_aad(package_id, name))
    try:
        compressed = decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise BadPackage(f"数据包中 {name} 解密校验失败：被篡改，或交换密钥不符。") from None
    inflater = zlib.decompressobj()
    try:
        plain = inflater.decompress(compressed, MAX_JSON_BYTES)
    except zlib.error:
        raise BadPackage(f"数据包中 {name} 已损坏（无法解压）。") from None
    if inflater.unconsumed_tail or not inflater.eof:
        raise BadPackage(f"数据包中 {name} 解压后超过 {MAX_JSON_BYTES // (1024 * 1024)} MB 的上限，已拒绝（可能是压缩炸弹）。")
    try:
        return json.loads(plain)
    except ValueError:
        raise BadPackage(f"数据包中 {name} 不是有效的数据。") from None


def read_package(source: bytes | IO[bytes], config: ExchangeConfig) -> Package:
    """Check a package completely (format, version, addressee, key, signature, every member) and return
    it; raises BadPackage with a Chinese message at the first problem."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise BadPackage("文件不完整，或不是巡察通数据包（无法按 zip 读取）。") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS + 2:
            raise BadPackage(f"数据包中的条目超过 {MAX_MEMBERS} 个，已拒绝。")
        names = {i.filename for i in infos}
        if MANIFEST not in names or SIGNATURE not in names:
            raise BadPackage("数据包缺少清单或签名（manifest.json、manifest.sig），不是巡察通数据包或已损坏。")
        raw = _read_member(zf, MANIFEST, zf.getinfo(MANIFEST).file_size) if zf.getinfo(MANIFEST).file_size <= MAX_MANIFEST_BYTES else b""
        if not raw:
            raise BadPackage("数据包的清单过大或为空，已拒绝。")
        try:
            manifest = json.loads(raw)
            assert isinstance(manifest, dict)
        except (ValueError, AssertionError):
            raise BadPackage("数据包的清单无法读取（不是有效的 JSON），数据包已损坏。") from None
        if manifest.get("format") != FORMAT:
            raise BadPackage("这不是巡察通数据包（清单格式不符）。")
        if manifest.get("version") != VERSION:
            raise BadPackage(f"数据包格式版本为 {manifest.get('version')!s}，本系统只能导入版本 {VERSION}；"
                             "请对方用相同版本的巡察通重新导出。")
        destination, origin = str(manifest.get("destination", "")), str(manifest.get("origin", ""))
        if destination != config.deployment:
            raise BadPackage(f"该数据包是发给“{destination}”的，不是发给本部署（{config.deployment}）的。")
        try:
            peer = config.peer(origin)
        except ExchangeKeyError as exc:
            raise BadPackage(str(exc)) from None
        if manifest.get("key") != peer.fingerprint:
            raise BadPackage(f"数据包所用的交换密钥与本部署为“{origin}”配置的不同（密钥指纹 {manifest.get('key')!s} ≠ "
                             f"{peer.fingerprint}），请与对方核对交换密钥。")
        signature = _read_member(zf, SIGNATURE, zf.getinfo(SIGNATURE).file_size) if zf.getinfo(SIGNATURE).file_size <= 128 else b""
        if not secrets.compare_digest(signature, sm3_hmac_hex(peer.mac_key, raw).encode()):
            raise BadPackage("数据包清单的签名不符：数据包被篡改，或交换密钥不符。未导入任何数据。")
        members = manifest.get("members")
        if not isinstance(members, list) or len(members) > MAX_MEMBERS:
            raise BadPackage("数据包的清单内容无效。")
        listed = {MANIFEST, SIGNATURE} | {str(m.get("name")) for m in members if isinstance(m, dict)}
        if names - listed:
            raise BadPackage(f"数据包含有清单之外的条目（{sorted(names - listed)[0]}），已拒绝。")
        package = Package(manifest=manifest, peer=peer)
        total = 0
        for member in members:
            name, size, digest = str(member.get("name")), member.get("size"), str(member.get("sm3"))
            if not isinstance(size, int) or size < 0:
                raise BadPackage("数据包的清单内容无效。")
            total += size
            if total > MAX_TOTAL_BYTES:
                raise BadPackage(f"数据包内容超过 {MAX_TOTAL_BYTES // (1024 ** 3)} GB 的上限，已拒绝。")
            data = _read_member(zf, name, size)
            if sm3_hex(data) != digest:
                raise BadPackage(f"数据包中 {name} 与清单不符（被篡改或损坏）。未导入任何数据。")
            if name.endswith(".enc"):
                package._json[name] = _decrypt_json(peer, package.package_id, name, data)
            elif name.startswith("files/"):
                package._files[name] = data
            else:
                raise BadPackage(f"数据包含有无法识别的条目 {name}。")
        return package
