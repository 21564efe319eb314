import os
from pathlib import Path

import pytest

from xuncha.core import crypto


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "identity.key"


def test_key_file_is_created_with_mode_0600(key_file: Path) -> None:
    crypto.load_key_ring(key_file)
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_a_readable_key_file_is_refused(key_file: Path) -> None:
    crypto.load_key_ring(key_file)
    os.chmod(key_file, 0o644)
    with pytest.raises(crypto.KeyError_, match="0600"):
        crypto.load_key_ring(key_file)


def test_seal_and_unseal_round_trip(key_file: Path) -> None:
    ring = crypto.load_key_ring(key_file)
    sealed = crypto.seal(ring, "张三 13800138000", context="name")
    assert sealed.startswith("sm4gcm:")
    assert "张三" not in sealed
    assert crypto.unseal(ring, sealed, context="name") == "张三 13800138000"
    # Same plaintext, different nonce.
    assert crypto.seal(ring, "张三", context="name") != crypto.seal(ring, "张三", context="name")


def test_tampering_and_wrong_context_are_detected(key_file: Path) -> None:
    ring = crypto.load_key_ring(key_file)
    sealed = crypto.seal(ring, "机密", context="name")
    with pytest.raises(crypto.KeyError_, match="篡改"):
        crypto.unseal(ring, sealed, context="phone")
    head, blob = sealed.rsplit(":", 1)
    flipped = blob[:-4] + ("AAAA" if blob[-4:] != "AAAA" else "BBBB")
    with pytest.raises(crypto.KeyError_):
        crypto.unseal(ring, f"{head}:{flipped}", context="name")


def test_rotation_keeps_old_data_readable(key_file: Path) -> None:
    ring = crypto.load_key_ring(key_file)
    old = crypto.seal(ring, "旧数据")
    new_id = crypto.add_active_key(key_file)
    ring2 = crypto.load_key_ring(key_file)
    assert ring2.active == new_id != ring.active
    assert crypto.unseal(ring2, old) == "旧数据"
    assert crypto.envelope_key_id(crypto.seal(ring2, "新数据")) == new_id
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_missing_key_id_says_to_restore(key_file: Path, tmp_path: Path) -> None:
    ring = crypto.load_key_ring(key_file)
    other = crypto.load_key_ring(tmp_path / "other.key")
    with pytest.raises(crypto.KeyError_, match="恢复密钥文件"):
        crypto.unseal(other, crypto.seal(ring, "x"))


def test_receipt_codes(key_file: Path) -> None:
    ring = crypto.load_key_ring(key_file)
    code = crypto.new_receipt_code()
    assert len(code) == 16 and code.isdigit()
    assert crypto.receipt_code_hash(ring, code) == crypto.receipt_code_hash(ring, crypto.format_receipt_code(code))
    assert len({crypto.new_receipt_code() for _ in range(200)}) == 200


def test_masks() -> None:
    assert crypto.mask_name("张三丰") == "张**"
    assert crypto.mask_phone("138-0013-8000") == "138****8000"
