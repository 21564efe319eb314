"""Full-text search in Chinese: two-character words on SQLite (FTS5) and PostgreSQL (GIN)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.intake import services
from xuncha.intake.models import Report
from xuncha.intake.search import search_filter

pytestmark = pytest.mark.django_db

TEXTS = [
    "学校食堂饭菜价格上涨，承包商与后勤处长关系密切",
    "招生工作中有人收钱帮忙调剂专业",
    "职称评审打分不公开，评委打招呼",
    "实验室设备采购价格明显高于市场价",
    "副院长長期佔用公車接送子女",  # traditional characters
    "堂兄在学校食品店工作",  # 食 and 堂 present, but not the word 食堂
]


@pytest.fixture
def reports(seed000) -> list[Report]:
    member = User.objects.get(username="member")
    phone = seed000.channels.get(kind="phone")
    out = []
    for i, text in enumerate(TEXTS):
        out.append(services.report_register(actor=member, data=services.ReportInput(
            inspection=seed000, content=text, kind="phone", channel=phone,
            received_at=dt.datetime(2024, 9, 26, 1 + i, tzinfo=dt.UTC),
            subjects=[services.SubjectData(name="周某" if i == 1 else "吴某", post="招生办主任" if i == 1 else "")])).report)
    return out


def found(query: str) -> list[str]:
    return sorted(r.content for r in search_filter(Report.objects.all(), query))


@pytest.mark.parametrize(("word", "index"), [("食堂", 0), ("招生", 1), ("职称", 2), ("采购", 3)])
def test_two_character_words(reports: list[Report], word: str, index: int) -> None:
    assert found(word) == [TEXTS[index]]


def test_longer_phrases_and_several_words(reports: list[Report]) -> None:
    assert found("职称评审") == [TEXTS[2]]
    assert found("食堂 价格") == [TEXTS[0]]
    assert found("价格") == sorted([TEXTS[0], TEXTS[3]])
    assert found("评审职称") == []


def test_simplified_query_finds_traditional_text(reports: list[Report]) -> None:
    assert found("公车") == [TEXTS[4]]
    assert found("長期") == [TEXTS[4]]


def test_subjects_are_searched(reports: list[Report]) -> None:
    assert found("招生办") == [TEXTS[1]]


def test_single_character_falls_back_to_substring(reports: list[Report]) -> None:
    assert found("堂") == sorted([TEXTS[0], TEXTS[5]])


def test_additions_are_indexed(reports: list[Report]) -> None:
    services.report_add_information(report=reports[5], content="补充：还涉及宿舍维修", files=[])
    assert found("宿舍") == [TEXTS[5]]


def test_search_from_the_report_list(clients: dict, reports: list[Report], seed000) -> None:
    url = reverse("intake:reports", args=[seed000.pk])
    page = clients["member"].get(url, {"q": "职称"}).content.decode()
    assert page.count('class="report-row"') == 1
    assert clients["member"].get(url, {"q": "不存在的词语"}).content.decode().count('class="report-row"') == 0
