from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

SEEDS = Path(__file__).resolve().parents[2] / "demo" / "seeds"
SEED_000 = (SEEDS / "000_ecd2721415505345.txt").read_text(encoding="utf-8")
URL = "/api/v1/announcements/parse"

pytestmark = pytest.mark.django_db


def post(client, body: dict):  # type: ignore[no-untyped-def]
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_parse_seed_000(clients: dict) -> None:
    r = post(clients["office"], {"text": SEED_000})
    assert r.status_code == 200
    body = r.json()
    assert "根据省委教育工委统一部署" in body["clean_text"]
    assert "(jù)" not in body["clean_text"]
    (insp,) = body["inspections"]
    assert insp["team"] == "省委教育工委提级巡察二组"
    assert insp["kind"] == "elevated"
    assert insp["targets"] == ["中国计量大学机电工程学院党委"]
    assert (insp["start_date"], insp["end_date"], insp["working_days"]) == ("2024-09-25", "2024-10-18", 15)
    phone = insp["channels"][0]
    assert phone["kind"] == "phone" and phone["value"] == "0571-86837284"
    assert phone["hours"] == [{"days": "workdays", "start": "08:30", "end": "11:30"},
                              {"days": "workdays", "start": "13:30", "end": "16:30"}]
    post_box = next(c for c in insp["channels"] if c["kind"] == "post")
    assert post_box["postcode"] == "310014"
    assert [c["location"] for c in insp["channels"] if c["kind"] == "letterbox"] == [
        "中国计量大学(下沙校区)西区仰仪南楼一楼西侧楼梯口", "中国计量大学(下沙校区)西区仰仪中楼一楼西侧楼梯口"]
    assert insp["supervision_phones"] == []
    assert any("未找到受理范围" in w for w in body["warnings"])


def test_published_date_supplies_the_year(clients: dict) -> None:
    text = "县委第一巡察组将于即日起对县教育局党组开展为期1个月的巡察，举报电话：0771-6212345。"
    body = post(clients["office"], {"text": text, "published": "2025-04-08"}).json()
    assert body["inspections"][0]["start_date"] == "2025-04-08"


def test_empty_text_is_a_400_in_chinese(clients: dict) -> None:
    r = post(clients["office"], {"text": "   "})
    assert r.status_code == 400
    assert r.json()["detail"] == "公告文字为空。"


def test_bad_date_is_a_400_in_chinese(clients: dict) -> None:
    r = post(clients["office"], {"text": SEED_000, "published": "2024-13-01"})
    assert r.status_code == 400
    assert "请求参数有误" in r.json()["detail"]


@pytest.mark.parametrize("persona", ["leader", "member", "liaison", "recipient", "auditor", "sysadmin", "norole"])
def test_only_the_office_may_parse(clients: dict, persona: str) -> None:
    assert post(clients[persona], {"text": SEED_000}).status_code == 404


def test_anonymous_gets_401(clients: dict) -> None:
    assert post(clients["anonymous"], {"text": SEED_000}).status_code == 401


def test_command_prints_the_same_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    call_command("parse_announcement", str(SEEDS / "000_ecd2721415505345.txt"))
    printed = json.loads(capsys.readouterr().out)
    assert printed["inspections"][0]["end_date"] == "2024-10-18"
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF")
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="不支持的文件类型"):
        call_command("parse_announcement", str(bad))
