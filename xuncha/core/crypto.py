"""Protection of reporter identities: SM4-GCM encryption and SM3-HMAC receipt codes.

Keys live outside the database in a key file (created on first use with mode 0600) or come from the
environment. The key file holds one active key and any number of retired ones, each with an id, so
that keys can be rotated: new data is sealed with the active key, old data is opened with the key
named in its envelope, and `rotate` re-seals old data.

Envelope (text, safe for a CharField/TextField): "sm4gcm:<key id>:<base64(nonce | ciphertext | tag)>".
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .sm import sm3_hmac_hex

PREFIX = "sm4gcm"
NONCE_BYTES = 12
TAG_BYTES = 16


class KeyError_(Exception):
    """A key problem (missing file, unknown key id, damaged data); messages are Chinese."""


@dataclass(frozen=True)
class KeyRing:
    active: str
    keys: dict[str, bytes]  # id -> 16-byte SM4 key
    receipt_key: bytes  # HMAC key for receipt codes (not rotated: codes already given out must keep working)

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyError_(f"缺少编号为 {key_id} 的密钥，无法解密；请从密钥备份中恢复密钥文件。") from None


def _new_key_id() -> str:
    return secrets.token_hex(4)


def create_key_file(path: Path) -> None:
    """Create a new key file of the identity key ring (see `write_new_private_json`)."""
    key_id = _new_key_id()
    write_new_private_json(path, {"active": key_id, "keys": {key_id: secrets.token_hex(16)}, "receipt_key": secrets.token_hex(32)})


def write_new_private_json(path: Path, content: dict[str, object]) -> None:
    """Create a new private JSON file (mode 0600, folder 0700), atomically: it is written under a
    temporary name and linked into place, so a process starting at the same moment sees either no file
    or a complete one. Never overwrites: when another process won the race, its file is kept."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(content, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):  # another process created it first: keep theirs
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def load_key_ring(path: Path, create: bool = True) -> KeyRing:
    if not path.exists():
        if not create:
            raise KeyError_(f"找不到密钥文件 {path}。")
        create_key_file(path)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise KeyError_(f"密钥文件 {path} 的权限为 {oct(mode)}，应为 0600（仅属主可读写）。")
    data = json.loads(path.read_text())
    keys = {k: bytes.fromhex(v) for k, v in data["keys"].items()}
    if data["active"] not in keys or any(len(k) != 16 for k in keys.values()):
        raise KeyError_(f"密钥文件 {path} 内容无效。")
    return KeyRing(active=data["active"], keys=keys, receipt_key=bytes.fromhex(data["receipt_key"]))


def add_active_key(path: Path) -> str:
    """Rotation step 1: add a new key and make it the active one (old keys stay for decryption)."""
    data = json.loads(path.read_text())
    key_id = _new_key_id()
    data["keys"][key_id] = secrets.token_hex(16)
    data["active"] = key_id
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)
    tmp.replace(path)
    return key_id


def seal(ring: KeyRing, plaintext: str, *, context: str = "") -> str:
    """Encrypt with the active key. `context` (e.g. a field name) is bound as associated data."""
    if plaintext == "":
        return ""
    nonce = secrets.token_bytes(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(ring.key(ring.active)), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    blob = base64.b64encode(nonce + body + encryptor.tag).decode()
    return f"{PREFIX}:{ring.active}:{blob}"


def seal_bytes(ring: KeyRing, data: bytes, *, context: str = "") -> bytes:
    """Binary envelope for files: b"sm4gcm:<key id>:" + nonce | ciphertext | tag."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(ring.key(ring.active)), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    body = encryptor.update(data) + encryptor.finalize()
    return f"{PREFIX}:{ring.active}:".encode() + nonce + body + encryptor.tag


def unseal_bytes(ring: KeyRing, blob: bytes, *, context: str = "") -> bytes:
    try:
        prefix, key_id, raw = blob.split(b":", 2)
    except ValueError:
        raise KeyError_("密文格式无效。") from None
    if prefix.decode(errors="replace") != PREFIX or len(raw) < NONCE_BYTES + TAG_BYTES:
        raise KeyError_("密文格式无效。")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(ring.key(key_id.decode())), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(context.encode())
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise KeyError_("密文校验失败：数据被篡改或密钥不符。") from None


def envelope_key_id(envelope: str) -> str | None:
    if not envelope:
        return None
    return envelope.split(":", 2)[1]


def unseal(ring: KeyRing, envelope: str, *, context: str = "") -> str:
    if envelope == "":
        return ""
    try:
        prefix, key_id, blob = envelope.split(":", 2)
        raw = base64.b64decode(blob)
    except ValueError:
        raise KeyError_("密文格式无效。") from None
    if prefix != PREFIX or len(raw) < NONCE_BYTES + TAG_BYTES:
        raise KeyError_("密文格式无效。")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(ring.key(key_id)), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(context.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag:
        raise KeyError_("密文校验失败：数据被篡改或密钥不符。") from None


def new_receipt_code() -> str:
    """16 random decimal digits."""
    return "".join(secrets.choice("0123456789") for _ in range(16))


def receipt_code_hash(ring: KeyRing, code: str) -> str:
    return sm3_hmac_hex(ring.receipt_key, normalise_receipt_code(code).encode())


def normalise_receipt_code(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def format_receipt_code(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def mask_name(name: str) -> str:
    """张三丰 -> 张**; masking for team members who may not see identities."""
    return (name[:1] + "*" * (len(name) - 1)) if name else ""


def mask_phone(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


# --- Files: envelope encryption ------------------------------------------------------------------------
# A sealed file is FILE_MAGIC | u16 length | wrapped key | nonce | ciphertext | tag. The body is SM4-GCM
# under a random per-file key; the per-file key is sealed (`seal_bytes`) with the key ring's active key and
# kept in the header ("wrapped"). Rotation re-wraps the header only: the body is never re-encrypted.
FILE_MAGIC = b"XSF1"
_FILE_KEY_CONTEXT = "file-key"


def is_sealed_file(blob: bytes) -> bool:
    return blob.startswith(FILE_MAGIC)


def seal_file(ring: KeyRing, data: bytes) -> bytes:
    file_key = secrets.token_bytes(16)
    nonce = secrets.token_bytes(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(file_key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(FILE_MAGIC)
    body = encryptor.update(data) + encryptor.finalize()
    wrapped = seal_bytes(ring, file_key, context=_FILE_KEY_CONTEXT)
    return FILE_MAGIC + len(wrapped).to_bytes(2, "big") + wrapped + nonce + body + encryptor.tag


def _file_parts(blob: bytes) -> tuple[bytes, bytes]:
    """(wrapped key, nonce | ciphertext | tag) of a sealed file."""
    if not is_sealed_file(blob) or len(blob) < len(FILE_MAGIC) + 2:
        raise KeyError_("文件不是加密格式。")
    start = len(FILE_MAGIC) + 2
    length = int.from_bytes(blob[len(FILE_MAGIC):start], "big")
    wrapped, rest = blob[start:start + length], blob[start + length:]
    if len(wrapped) != length or len(rest) < NONCE_BYTES + TAG_BYTES:
        raise KeyError_("加密文件已损坏。")
    return wrapped, rest


def file_key_id(blob: bytes) -> str:
    """The id of the ring key that wraps this sealed file's key."""
    wrapped, _ = _file_parts(blob)
    return wrapped.split(b":", 2)[1].decode(errors="replace")


def open_file(ring: KeyRing, blob: bytes) -> bytes:
    wrapped, rest = _file_parts(blob)
    file_key = unseal_bytes(ring, wrapped, context=_FILE_KEY_CONTEXT)
    nonce, body, tag = rest[:NONCE_BYTES], rest[NONCE_BYTES:-TAG_BYTES], rest[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(file_key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(FILE_MAGIC)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise KeyError_("加密文件校验失败：文件被篡改或已损坏。") from None


def sealed_file_size(blob_size: int, header: bytes) -> int:
    """The plaintext size of a sealed file of `blob_size` bytes whose first bytes are `header`."""
    length = int.from_bytes(header[len(FILE_MAGIC):len(FILE_MAGIC) + 2], "big")
    return blob_size - (len(FILE_MAGIC) + 2 + length + NONCE_BYTES + TAG_BYTES)


def rewrap_file(ring: KeyRing, blob: bytes) -> bytes | None:
    """The file with its key re-wrapped under the active key; None when it already is."""
    wrapped, rest = _file_parts(blob)
    if wrapped.split(b":", 2)[1].decode(errors="replace") == ring.active:
        return None
    file_key = unseal_bytes(ring, wrapped, context=_FILE_KEY_CONTEXT)
    new = seal_bytes(ring, file_key, context=_FILE_KEY_CONTEXT)
    return FILE_MAGIC + len(new).to_bytes(2, "big") + new + rest
