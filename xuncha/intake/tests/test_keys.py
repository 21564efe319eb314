import datetime as dt

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
