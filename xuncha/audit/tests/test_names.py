"""The audit log in Chinese: every action code the code records has a name; the page and the export show it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from xuncha.audit.models import AuditEvent
from xuncha.audit.names import ACTION_NAMES, GROUP_NAMES, action_name, object_kind_name

SOURCE = Path(__file__).resolve().parents[2]  # the xuncha package
CODE = r'"([a-z_]+\.[a-z_]+)"'

# Codes built at run time (f-strings): each site and the codes it can produce.
DYNAMIC = {
    'action=f"export.{kind}"': {"export.announcement_docx", "export.letterbox_notice_pdf"},
    'action=f"{kind}.view"': {"referral.view", "clue.view"},
    'action=f"{model._meta.model_name}.result"': {"referral.result", "clue.result"},
}


def _sources() -> list[tuple[Path, str]]:
    return [(p, p.read_text(encoding="utf-8")) for p in sorted(SOURCE.rglob("*.py")) if "tests" not in p.parts]


def recorded_codes() -> set[str]:
    """Every action code passed to audit_record(): literals after action=, both arms of a conditional,
    and codes assigned to a variable named action."""
    codes: set[str] = set()
    for _, text in _sources():
        codes.update(re.findall(r'action=' + CODE, text))
        for pair in re.findall(r'action=' + CODE + r' if .*? else ' + CODE, text):
            codes.update(pair)
        codes.update(re.findall(r'action, \w+ = ' + CODE, text))
    for produced in DYNAMIC.values():
        codes |= produced
    return codes


def test_every_recorded_action_has_a_chinese_name() -> None:
    codes = recorded_codes()
    assert len(codes) > 60
    missing = sorted(codes - set(ACTION_NAMES))
    assert missing == [], f"action codes without a Chinese name in xuncha/audit/names.py: {missing}"
    assert all(c.split(".", 1)[0] in GROUP_NAMES for c in ACTION_NAMES)


def test_every_built_action_code_is_known() -> None:
    """A new f-string action code must be listed in DYNAMIC (and named)."""
    sites = {m for _, text in _sources() for m in re.findall(r'action=f"[^"]+"', text)}
    assert sites == set(DYNAMIC)


def test_unknown_codes_show_as_themselves() -> None:
    assert action_name("report.view") == "查看信访件"
    assert action_name("export.announcement_docx") == "导出公告 Word 文档"
    assert action_name("nothing.known") == "nothing.known"
    assert object_kind_name("inspections.inspection") == "巡察任务"
    assert object_kind_name("rectification.notification") == "提醒"
    assert object_kind_name("no.such") == "no.such"
    assert object_kind_name("") == ""


pytestmark = pytest.mark.django_db


def test_the_page_shows_words_and_the_filter_offers_them(clients: Any, demo: dict[str, Any]) -> None:
    html = clients["auditor"].get("/audit/").content.decode()
    assert '<option value="report.view">查看信访件</option>' in html
    assert '<option value="channel.">受理渠道：全部</option>' in html
    assert "对象类型" in html and '<option value="inspections.inspection">巡察任务</option>' in html
    html = clients["auditor"].get("/audit/", {"action": "inspection.create"}).content.decode()
    assert "创建巡察任务" in html and "<code class=\"muted\">inspection.create</code>" in html
    assert "巡察任务 #" in html


def test_an_unknown_filter_value_is_a_plain_chinese_error(clients: Any, demo: dict[str, Any]) -> None:
    html = clients["auditor"].get("/audit/", {"action": "nope", "date_from": "2024-13-40"}).content.decode()
    assert "操作的选项无效，请重新选择。" in html
    assert "起始日期不是有效的日期" in html
    assert f"共 {AuditEvent.objects.count()} 条" in html  # an invalid filter filters nothing


def test_the_export_keeps_the_code_beside_the_words(clients: Any, demo: dict[str, Any]) -> None:
    response = clients["auditor"].get("/audit/export.csv", {"action": "inspection.create"})
    content = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][3:7] == ["操作代码", "操作", "对象类型代码", "对象类型"]
    assert rows[1][3:7] == ["inspection.create", "创建巡察任务", "inspections.inspection", "巡察任务"]
