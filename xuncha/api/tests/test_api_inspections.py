"""GET /api/v1/inspections and /api/v1/inspections/{id}: exactly what each persona may see, in the agreed shape."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PERSONAS
from conftest import VISIBLE_INSPECTIONS as VISIBLE

pytestmark = pytest.mark.django_db

INSPECTION_KEYS = {"id", "round", "kind", "team", "target", "start_date", "end_date", "intake_start", "intake_end", "channels"}
CHANNEL_KEYS = {"id", "kind", "label", "value", "postcode", "location", "hours"}


def test_every_persona_is_covered() -> None:
    assert set(VISIBLE) == set(PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_returns_exactly_the_visible_inspections(clients: Any, demo: dict[str, Any], persona: str) -> None:
    response = clients[persona].get("/api/v1/inspections")
    assert response.status_code == 200
    ids = sorted(i["id"] for i in response.json())
    assert ids == sorted(demo[key].pk for key in VISIBLE[persona])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", ["seed000", "other"])
def test_detail_is_404_when_not_visible(clients: Any, demo: dict[str, Any], persona: str, key: str) -> None:
    response = clients[persona].get(f"/api/v1/inspections/{demo[key].pk}")
    if key in VISIBLE[persona]:
        assert response.status_code == 200
        assert response.json()["id"] == demo[key].pk
    else:
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到。"}


def _by_id(clients: Any, inspection: Any) -> dict[str, Any]:
    (item,) = [i for i in clients["office"].get("/api/v1/inspections").json() if i["id"] == inspection.pk]
    return item


def test_shape(clients: Any, demo: dict[str, Any]) -> None:
    for item in clients["office"].get("/api/v1/inspections").json():
        assert set(item) >= INSPECTION_KEYS
        for channel in item["channels"]:
            assert set(channel) == CHANNEL_KEYS
            for hours in channel["hours"]:
                assert set(hours) == {"days", "start", "end"}


def test_seed000(clients: Any, demo: dict[str, Any]) -> None:
    seed000 = demo["seed000"]
    item = _by_id(clients, seed000)
    assert item == clients["office"].get(f"/api/v1/inspections/{seed000.pk}").json()
    assert {k: item[k] for k in ("round", "kind", "team", "target", "start_date", "end_date", "intake_start", "intake_end")} == {
        "round": "省委教育工委2024年提级巡察", "kind": "elevated", "team": "省委教育工委提级巡察二组",
        "target": "中国计量大学机电工程学院党委", "start_date": "2024-09-25", "end_date": "2024-10-18",
        "intake_start": "2024-09-25", "intake_end": "2024-10-18",
    }
    channels = item["channels"]
    assert len(channels) == 5
    phone, email, post, box1, box2 = channels
    assert {k: v for k, v in phone.items() if k != "id"} == {
        "kind": "phone", "label": "专门举报电话", "value": "0571-86837284", "postcode": None, "location": None,
        "hours": [{"days": "workdays", "start": "08:30", "end": "11:30"}, {"days": "workdays", "start": "13:30", "end": "16:30"}],
    }
    assert (email["kind"], email["value"], email["postcode"], email["location"], email["hours"]) == (
        "email", "tjxcz2@zjedu.gov.cn", None, None, [])
    assert (post["kind"], post["postcode"], post["location"]) == ("post", "310014", None)
    assert post["value"] == "浙江省杭州市拱墅区文晖路321号省委教育工委1914室"
    for box, building in ((box1, "仰仪南楼"), (box2, "仰仪中楼")):
        assert (box["kind"], box["value"], box["postcode"], box["hours"]) == ("letterbox", None, None, [])
        assert building in box["location"]


def test_seed001(clients: Any, demo: dict[str, Any]) -> None:
    item = _by_id(clients, demo["seed001"])
    assert (item["start_date"], item["end_date"], item["intake_start"], item["intake_end"]) == (
        "2024-03-06", "2024-06-21", "2024-03-06", "2024-06-14")
    assert item["kind"] == "regular"
    assert len(item["channels"]) == 7
    phone = item["channels"][0]
    assert (phone["kind"], phone["value"]) == ("phone", "18877009155")
    assert phone["hours"] == [{"days": "workdays", "start": "08:30", "end": "12:00"}, {"days": "workdays", "start": "15:00", "end": "18:00"}]
    assert [c["kind"] for c in item["channels"]].count("letterbox") == 5
    post = item["channels"][1]
    assert (post["kind"], post["value"], post["postcode"]) == ("post", "防城港市邮政5号专用信箱", None)


def test_unknown_id_is_404(clients: Any, demo: dict[str, Any]) -> None:
    response = clients["office"].get("/api/v1/inspections/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


def test_list_is_not_n_plus_one(clients: Any, demo: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(12):
        assert len(clients["office"].get("/api/v1/inspections").json()) == 4
