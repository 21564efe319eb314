"""Every model that belongs to an inspection is exported or deliberately left out; the commands."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

from xuncha.exchange.keys import load_config
from xuncha.exchange.models import PackageImport
from xuncha.exchange.registry import BY_LABEL, LEFT_OUT
from xuncha.inspections.models import Inspection, Office


def _reaches_inspection(model: type[models.Model], depth: int = 5) -> bool:
    if model is Inspection:
        return True
    if depth == 0:
        return False
    return any(_reaches_inspection(f.related_model, depth - 1) for f in model._meta.concrete_fields  # type: ignore[arg-type]
               if f.is_relation and f.related_model is not model and f.related_model is not None)


def test_every_model_of_an_inspection_is_exported_or_left_out_on_purpose() -> None:
    belonging = {m._meta.label for m in apps.get_models() if m.__module__.startswith("xuncha.")
                 and m._meta.app_label != "exchange" and _reaches_inspection(m)}
    assert belonging - set(BY_LABEL) - LEFT_OUT == set()
    # Rows of the pool and the search index never reach an inspection by a foreign key: listed for the reader.
    assert {label for label in BY_LABEL if label not in belonging} <= {"inspections.ReceivingBody", "inspections.Round",
                                                                        "inspections.TargetOrg", "inspections.Team",
                                                                        "inspections.TeamMember", "inspections.ConflictDeclaration",
                                                                        "inspections.LeadershipMember"}


def test_exchange_key_command(settings: Any, tmp_path: Path) -> None:
    settings.EXCHANGE_KEY_FILE = tmp_path / "exchange.key"
    out = io.StringIO()
    call_command("exchange_key", "init", "prov", stdout=out)
    call_command("exchange_key", "new", "cjlu", "--name", "中国计量大学党委巡察办", stdout=out)
    secret = out.getvalue().splitlines()[2]
    assert len(secret) == 64
    config = load_config()
    assert config.deployment == "prov" and config.peer("cjlu").secret.hex() == secret
    assert (tmp_path / "exchange.key").stat().st_mode & 0o777 == 0o600
    settings.EXCHANGE_KEY_FILE = tmp_path / "other.key"
    call_command("exchange_key", "init", "cjlu", stdout=out)
    call_command("exchange_key", "add", "prov", "--key", secret, stdout=out)
    assert load_config().peer("prov").fingerprint == config.peer("cjlu").fingerprint
    listing = io.StringIO()
    call_command("exchange_key", "list", stdout=listing)
    assert config.peer("cjlu").fingerprint in listing.getvalue()


@pytest.mark.django_db
def test_export_and_import_commands(demo: dict[str, Any], as_deployment: Any, tmp_path: Path) -> None:
    target = tmp_path / "package.zip"
    out = io.StringIO()
    call_command("inspection_export", str(demo["seed001"].pk), "--to", "prov", "--user", "office", "--out", str(target), stdout=out)
    assert "已导出" in out.getvalue() and target.stat().st_size > 0
    as_deployment("prov")
    root = Office.objects.get(parent=None)
    out = io.StringIO()
    call_command("inspection_import", str(target), "--office", str(root.pk), "--user", "office", "--check", stdout=out)
    assert "只做了检查，未导入" in out.getvalue() and "巡察任务" in out.getvalue()
    assert not PackageImport.objects.filter(state="done").exists()
    out = io.StringIO()
    call_command("inspection_import", str(target), "--office", str(root.pk), "--user", "office", stdout=out)
    assert "已导入" in out.getvalue()
    out = io.StringIO()
    call_command("inspection_import", str(target), "--office", str(root.pk), "--user", "office", stdout=out)
    assert "再次导入不会改变任何数据" in out.getvalue()
    assert PackageImport.objects.filter(state="done").count() == 1


def test_demo_exchange_key_is_written_once(settings: Any, tmp_path: Path) -> None:
    from xuncha.demo.exchange import demo_exchange_keys

    settings.EXCHANGE_KEY_FILE = None
    settings.KEY_FILE = tmp_path / "keys" / "identity.key"
    assert demo_exchange_keys() is True
    assert load_config().deployment == "demo" and "cjlu-laptop" in load_config().peers
    assert demo_exchange_keys() is False
