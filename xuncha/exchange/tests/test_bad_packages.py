"""A bad package (wrong key, tampered, truncated, zip bomb, wrong version, not addressed to us) is refused
with a Chinese message, and nothing changes."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from xuncha.core.sm import sm3_hex, sm3_hmac_hex
from xuncha.errors import Invalid
from xuncha.exchange import package as package_module
from xuncha.exchange.keys import load_config
from xuncha.exchange.models import ExchangeRef, PackageImport
from xuncha.exchange.package import MANIFEST, SIGNATURE, canonical_json
from xuncha.exchange.services import inspection_export, package_upload
from xuncha.inspections.models import Inspection, Office

pytestmark = pytest.mark.django_db


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buffer.getvalue()


def _resigned(members: dict[str, bytes], change: Callable[[dict[str, Any]], None]) -> bytes:
    """The package with its manifest changed and signed again with the right key (a forger with the key,
    or a future version)."""
    manifest = json.loads(members[MANIFEST])
    change(manifest)
    raw = canonical_json(manifest)
    peer = load_config().peer("cjlu")
    return _zip({**members, MANIFEST: raw, SIGNATURE: sm3_hmac_hex(peer.mac_key, raw).encode()})


@pytest.fixture
def exported(demo: dict[str, Any], as_deployment: Any) -> bytes:
    data, _, _ = inspection_export(actor=demo["users"]["office"], inspection_id=demo["seed000"].pk, peer="prov")
    as_deployment("prov")
    return data


def _refused(demo: dict[str, Any], data: bytes, message: str) -> None:
    counts = (PackageImport.objects.count(), ExchangeRef.objects.count(), Inspection.objects.count())
    with pytest.raises(Invalid, match=message):
        package_upload(actor=demo["users"]["office"], office_id=Office.objects.get(parent=None).pk, content=data)
    assert (PackageImport.objects.count(), ExchangeRef.objects.count(), Inspection.objects.count()) == counts


def test_a_good_package_is_accepted(demo: dict[str, Any], exported: bytes) -> None:
    record = package_upload(actor=demo["users"]["office"], office_id=Office.objects.get(parent=None).pk, content=exported)
    assert record.state == "pending" and record.summary["inspection"]["title"] == demo["seed000"].title


def test_wrong_key(demo: dict[str, Any], exported: bytes, as_deployment: Any) -> None:
    as_deployment("prov", secret="ab" * 32)
    _refused(demo, exported, "交换密钥与本部署为“cjlu”配置的不同")


def test_tampered_member(demo: dict[str, Any], exported: bytes) -> None:
    members = _members(exported)
    name = next(n for n in members if n.startswith("rows/"))
    body = bytearray(members[name])
    body[20] ^= 1
    _refused(demo, _zip({**members, name: bytes(body)}), "与清单不符（被篡改或损坏）")


def test_tampered_manifest(demo: dict[str, Any], exported: bytes) -> None:
    members = _members(exported)
    manifest = json.loads(members[MANIFEST])
    manifest["created_at"] = "2020-01-01T00:00:00+00:00"
    _refused(demo, _zip({**members, MANIFEST: canonical_json(manifest)}), "签名不符")


def test_swapped_member_under_a_forged_manifest(demo: dict[str, Any], exported: bytes) -> None:
    """Even with a manifest matching the swapped bytes, a member moved to another name does not decrypt."""
    members = _members(exported)
    rows = sorted(n for n in members if n.startswith("rows/"))
    a, b = rows[0], rows[1]
    swapped = {**members, a: members[b], b: members[a]}

    def fix(manifest: dict[str, Any]) -> None:
        for m in manifest["members"]:
            if m["name"] in (a, b):
                m["size"], m["sm3"] = len(swapped[m["name"]]), sm3_hex(swapped[m["name"]])
    _refused(demo, _resigned(swapped, fix), "解密校验失败")


def test_extra_member(demo: dict[str, Any], exported: bytes) -> None:
    _refused(demo, _zip({**_members(exported), "rows/evil.json.enc": b"x"}), "清单之外的条目")


def test_truncated(demo: dict[str, Any], exported: bytes) -> None:
    _refused(demo, exported[: len(exported) // 2], "不完整")
    _refused(demo, b"", "不完整")
    _refused(demo, b"PK\x03\x04 not really a zip", "不完整")


def test_wrong_version(demo: dict[str, Any], exported: bytes) -> None:
    _refused(demo, _resigned(_members(exported), lambda m: m.update(version=2)), "格式版本为 2，本系统只能导入版本 1")


def test_not_ours(demo: dict[str, Any], exported: bytes) -> None:
    _refused(demo, _resigned(_members(exported), lambda m: m.update(destination="city")), "是发给“city”的")
    _refused(demo, _zip({"hello.txt": b"hi"}), "缺少清单或签名")


def test_zip_bomb(demo: dict[str, Any], exported: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    # A member that inflates beyond the limit is stopped while inflating (the limit is lowered here so
    # that a small package shows it).
    monkeypatch.setattr(package_module, "MAX_JSON_BYTES", 64)
    _refused(demo, exported, "压缩炸弹")


def test_zip_bomb_in_the_container(demo: dict[str, Any], exported: bytes) -> None:
    """A container entry that inflates to far more than the signed size is read no further than it."""
    members = _members(exported)
    bomb = b"\0" * (20 * 1024 * 1024)
    _refused(demo, _zip({**members, MANIFEST: bomb}), "清单无法读取|清单过大")
