import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command

from xuncha.accounts.models import User
from xuncha.core import crypto
from xuncha.intake import services
from xuncha.intake.models import Report
from xuncha.intake.selectors import reporter_masked
from xuncha.keys import key_ring

pytestmark = pytest.mark.django_db


def test_rotation_reseals_everything_and_identities_stay_readable(seed000, capsys: pytest.CaptureFixture[str]) -> None:
    member = User.objects.get(username="member")
    data = services.ReportInput(inspection=seed000, content="实名来电", kind="phone", channel=seed000.channels.get(kind="phone"),
                                received_at=dt.datetime(2024, 9, 26, 2, tzinfo=dt.UTC),
                                reporter=services.ReporterData(name="刘一手", phone="13811112222"),
                                source={"caller_number_sealed": crypto.seal(key_ring(), "0571-88889999", context="caller_number")},
                                raw_source=b"From: a@example.org\r\n\r\nbody")
    report = services.report_register(actor=member, data=data).report
    old = key_ring().active
    call_command("identity_keys", "rotate")
    assert "重新加密 4 个字段" in capsys.readouterr().out
    report = Report.objects.get(pk=report.pk)
    ring = key_ring()
    assert ring.active != old
    assert {crypto.envelope_key_id(v) for v in report.reporter_sealed.values()} == {ring.active}
    assert crypto.unseal(ring, report.source["caller_number_sealed"], context="caller_number") == "0571-88889999"
    assert reporter_masked(report)["name"] == "刘**"
    with report.raw_source.open("rb") as f:
        blob = f.read()
    assert crypto.unseal_bytes(ring, blob, context="raw_source") == b"From: a@example.org\r\n\r\nbody"
    assert blob.split(b":", 2)[1].decode() == ring.active
    call_command("identity_keys", "status")
    out = capsys.readouterr().out
    assert f"密钥 {ring.active}：3 个加密字段（当前）" in out


def test_a_missing_key_with_sealed_data_is_refused_not_replaced(demo: dict, register: Any, settings: Any, tmp_path: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from xuncha.core.crypto import KeyError_
    from xuncha.keys import check_key_at_startup, key_ring

    register("食堂承包问题", [("赵某", "院长", "leadership")])
    settings.KEY_FILE = tmp_path / "restored-without-key" / "identity.key"
    key_ring.cache_clear()
    with pytest.raises(KeyError_, match="请从备份中恢复密钥文件"):
        key_ring()
    assert not settings.KEY_FILE.exists()  # no new key was made
    with pytest.raises(ImproperlyConfigured, match="找不到密钥文件"):
        check_key_at_startup()
    with pytest.raises(CommandError, match="请从备份中恢复密钥文件"):
        call_command("identity_keys", "status")
    assert not settings.KEY_FILE.exists()
    key_ring.cache_clear()


def test_the_first_set_up_creates_the_key(db: Any, settings: Any, tmp_path: Any) -> None:
    from xuncha.intake.models import Report
    from xuncha.keys import check_key_at_startup, key_ring

    Report.objects.all().delete()
    settings.KEY_FILE = tmp_path / "fresh" / "identity.key"
    key_ring.cache_clear()
    check_key_at_startup()  # nothing sealed yet: fine
    assert key_ring().active and settings.KEY_FILE.exists()
    key_ring.cache_clear()


def test_check_says_whether_the_key_opens_the_stored_data(demo: dict, register: Any, settings: Any, tmp_path: Any) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from xuncha.core.crypto import create_key_file
    from xuncha.intake import services
    from xuncha.keys import key_ring

    register("食堂承包问题", [("赵某", "院长", "leadership")], reporter=services.ReporterData(name="李明华", phone="13912345678"))
    out = io.StringIO()
    call_command("identity_keys", "check", stdout=out)
    assert "密钥检查通过" in out.getvalue()
    wrong = tmp_path / "wrong" / "identity.key"
    create_key_file(wrong)
    settings.KEY_FILE = wrong
    key_ring.cache_clear()
    with pytest.raises(CommandError, match="打不开"):
        call_command("identity_keys", "check")
    key_ring.cache_clear()
