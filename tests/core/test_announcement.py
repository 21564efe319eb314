"""Unit tests of the announcement parser (pure Python, no Django)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from xuncha.core.announcement import clean_text, parse_announcement
from xuncha.core.announcement.channels import normalize_phone
from xuncha.core.announcement.dates import cn_number, default_add_working_days, find_durations
from xuncha.core.announcement.hours import find_hours

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "announcements"
SEEDS = Path("/work/shared/seeds")
CORPUS_FILES = sorted(CORPUS.glob("*.txt"))


def _strip(result: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for inspection in result["inspections"]:
        item = {k: v for k, v in inspection.items() if k != "sources"}
        item["channels"] = [{k: v for k, v in c.items() if k != "source"} for c in inspection["channels"]]
        out.append(item)
    return out


def _one(text: str, published: dt.date | None = None) -> dict[str, Any]:
    result = parse_announcement(text, published)
    assert len(result["inspections"]) == 1
    inspection: dict[str, Any] = result["inspections"][0]
    return inspection


# --- corpus ------------------------------------------------------------------------------------


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS_FILES) >= 22
    assert all(p.with_suffix(".json").exists() for p in CORPUS_FILES)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.stem)
def test_corpus_announcement(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    result = parse_announcement(path.read_text(encoding="utf-8"))
    assert _strip(result) == expected["inspections"]


@pytest.mark.skipif(not SEEDS.exists(), reason="shared seeds not mounted")
@pytest.mark.parametrize("name", ["000_ecd2721415505345.txt", "001_595cd17377021b4d.txt"])
def test_seeds_are_copied_verbatim(name: str) -> None:
    copies = {"000": "000_seed_cjlu_elevated.txt", "001": "001_seed_fcgvtc_regular.txt"}
    assert (CORPUS / copies[name[:3]]).read_bytes() == (SEEDS / name).read_bytes()


# --- seeds: the facts of docs/architecture.md §5 ---------------------------------------------------------------


def test_seed_000_facts() -> None:
    insp = _one((CORPUS / "000_seed_cjlu_elevated.txt").read_text(encoding="utf-8"))
    assert insp["kind"] == "elevated"
    assert insp["team"] == "省委教育工委提级巡察二组"
    assert insp["targets"] == ["中国计量大学机电工程学院党委"]
    assert (insp["start_date"], insp["end_date"], insp["working_days"]) == ("2024-09-25", "2024-10-18", 15)
    assert insp["duration_text"] == "15个工作日左右"
    assert (insp["intake_start"], insp["intake_end"]) == ("2024-09-25", "2024-10-18")
    phone, email, post, box1, box2 = insp["channels"]
    assert phone["value"] == "0571-86837284"
    assert phone["hours"] == [
        {"days": "workdays", "start": "08:30", "end": "11:30"},
        {"days": "workdays", "start": "13:30", "end": "16:30"},
    ]
    assert all(not c["hours"] for c in (email, post, box1, box2))
    assert email["value"] == "tjxcz2@zjedu.gov.cn"
    assert (post["value"], post["postcode"]) == ("浙江省杭州市拱墅区文晖路321号省委教育工委1914室", "310014")
    assert [b["location"] for b in (box1, box2)] == [
        "中国计量大学(下沙校区)西区仰仪南楼一楼西侧楼梯口",
        "中国计量大学(下沙校区)西区仰仪中楼一楼西侧楼梯口",
    ]
    assert box1["value"] is None
    assert "0571-86837284" in phone["source"]


def test_seed_001_facts() -> None:
    insp = _one((CORPUS / "001_seed_fcgvtc_regular.txt").read_text(encoding="utf-8"))
    assert (insp["round"], insp["kind"]) == ("七届市委第六轮常规巡察", "regular")
    assert insp["team"] == "市委第五巡察组"
    assert insp["targets"] == ["防城港职业技术学院党委"]
    assert (insp["start_date"], insp["end_date"], insp["duration_text"]) == ("2024-03-06", "2024-06-21", "3个半月")
    assert (insp["intake_start"], insp["intake_end"]) == ("2024-03-06", "2024-06-14")
    kinds = [c["kind"] for c in insp["channels"]]
    assert kinds == ["phone", "post"] + ["letterbox"] * 5
    assert insp["channels"][0]["hours"] == [
        {"days": "workdays", "start": "08:30", "end": "12:00"},
        {"days": "workdays", "start": "15:00", "end": "18:00"},
    ]
    assert insp["channels"][1]["value"] == "防城港市邮政5号专用信箱"
    assert insp["channels"][1]["postcode"] is None
    assert insp["scope"].startswith("巡察组主要受理反映港职院党组织领导班子")
    assert insp["sources"]["intake_end"].startswith("巡察组受理信访时间为")


# --- clean-up ------------------------------------------------------------------------------------


def test_clean_drops_pinyin_keeps_real_parentheses() -> None:
    raw = "根據(jù)規(guī)定(以下簡稱港職院)(郵(yóu)編310014)(下沙校區(qū))們(men)"
    assert clean_text(raw) == "根据规定(以下简称港职院)(邮编310014)(下沙校区)们"


def test_clean_keeps_latin_in_parentheses_that_is_not_pinyin() -> None:
    assert clean_text("登录网上巡察平台(APP)或(www.example.cn)") == "登录网上巡察平台(APP)或(www.example.cn)"


@pytest.mark.parametrize("trad,simp", [
    ("郵編", "邮编"), ("簡稱", "简称"), ("樓", "楼"), ("號", "号"), ("處", "处"), ("戶", "户"),
    ("聯繫", "联系"), ("有著落", "有着落"), ("著力", "着力"), ("顯著", "显著"), ("著名", "著名"),
])
def test_clean_traditional_to_simplified(trad: str, simp: str) -> None:
    assert clean_text(trad) == simp


def test_clean_fullwidth_and_punctuation_policy() -> None:
    raw = "電話:（０７７１）１２３４５６７,時間：上午８：３０—１２：００ ，下午2:30～5:30。"
    assert clean_text(raw) == "电话：(0771)1234567，时间：上午8:30-12:00，下午2:30-5:30。"


def test_clean_spaces() -> None:
    assert clean_text("至2024年6月14 日。電話 0571 86837284 ，郵箱") == "至2024年6月14日。电话0571 86837284，邮箱"


def test_clean_separates_table_cells() -> None:
    assert clean_text("巡视组\t被巡视单位\n| 省委第三巡视组 | 省自然资源厅党组 |\n|---|---|") == (
        "巡视组，被巡视单位\n省委第三巡视组，省自然资源厅党组")


def test_clean_keeps_date_range_dash() -> None:
    assert clean_text("(2024年3月6日—6月21日)") == "(2024年3月6日—6月21日)"


# --- phones ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw,expected", [
    ("(0771)1234567", "0771-1234567"),
    ("0771-1234567", "0771-1234567"),
    ("0571 86837284", "0571-86837284"),
    ("057186837284", "0571-86837284"),
    ("01062345678", "010-62345678"),
    ("188-7700-9155", "18877009155"),
    ("18877009155", "18877009155"),
])
def test_normalize_phone(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


def test_several_phones_joined_and_sms() -> None:
    insp = _one("县委第一巡察组对县林业局党组开展巡察。巡察期间设立电话：0771－1234567、13812345678或0771 7654321，"
                "专门短信号码：13987654321。")
    values = [(c["kind"], c["value"]) for c in insp["channels"]]
    assert values == [("phone", "0771-1234567"), ("phone", "13812345678"), ("phone", "0771-7654321"),
                      ("sms", "13987654321")]


def test_phone_that_accepts_sms() -> None:
    insp = _one("县委第一巡察组对县林业局党组开展巡察。举报手机：13812345678（可接收短信）。")
    assert [c["kind"] for c in insp["channels"]] == ["phone", "sms"]


def test_supervision_phone_is_not_a_channel() -> None:
    insp = _one("市委第一巡察组对市统计局党组开展巡察，值班电话：0771-2800001。"
                "对巡察组工作人员违反纪律的，可拨打市委巡察办监督电话：0771-2800000。")
    assert [c["value"] for c in insp["channels"]] == ["0771-2800001"]
    assert insp["supervision_phones"] == ["0771-2800000"]


def test_fax_is_not_a_channel() -> None:
    insp = _one("市委第一巡察组对市统计局党组开展巡察，值班电话：0771-2800001，传真：0771-2800009。")
    assert [c["value"] for c in insp["channels"]] == ["0771-2800001"]


# --- post, letterbox, visit, online -----------------------------------------------------------


@pytest.mark.parametrize("tail,postcode", [
    ("（邮编：530021）", "530021"), ("(邮政编码530021)", "530021"), ("（530021）", "530021"),
    ("，邮编：530021", "530021"), ("", None),
])
def test_postcode_forms(tail: str, postcode: str | None) -> None:
    insp = _one(f"县委第一巡察组对县林业局党组开展巡察。来信请寄：南宁市青秀区民族大道1号县委巡察办{tail}。")
    post = [c for c in insp["channels"] if c["kind"] == "post"]
    assert post and post[0]["value"] == "南宁市青秀区民族大道1号县委巡察办"
    assert post[0]["postcode"] == postcode


def test_letterboxes_before_keyword_with_count_mismatch_warns() -> None:
    result = parse_announcement("县委第一巡察组对县林业局党组开展巡察，在林业局大门口和林业局一楼大厅等3处设置意见箱。")
    boxes = [c["location"] for c in result["inspections"][0]["channels"]]
    assert boxes == ["林业局大门口", "林业局一楼大厅"]
    assert any("意见箱" in w or "信箱数量" in w for w in result["warnings"])


def test_letterbox_list_does_not_split_names_with_he() -> None:
    insp = _one("县委第二巡察组对县住房和城乡建设局党组开展巡察，在县住房和城乡建设局二楼走廊设置意见箱。")
    assert [c["location"] for c in insp["channels"]] == ["县住房和城乡建设局二楼走廊"]


def test_visit_room_and_hours() -> None:
    insp = _one("县委第一巡察组对县林业局党组开展巡察。值班电话：0771-1234567，来访接待室设在县林业局三楼301室，"
                "接待时间为每天9:00-11:00。")
    phone, visit = insp["channels"]
    assert visit["location"] == "县林业局三楼301室"
    assert visit["hours"] == [{"days": "everyday", "start": "09:00", "end": "11:00"}]
    assert phone["hours"] == []


def test_online_channel() -> None:
    insp = _one("县委第一巡察组对县林业局党组开展巡察。也可通过“码上巡察”微信小程序或扫描二维码反映问题。")
    assert insp["channels"] == [{"kind": "online", "value": "码上巡察", "postcode": None, "location": None,
                                 "hours": [], "source": "也可通过“码上巡察”微信小程序或扫描二维码反映问题。"}]


# --- hours ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,days,ranges", [
    ("工作日上午8:30-11:30，下午13:30-16:30", "workdays", [("08:30", "11:30"), ("13:30", "16:30")]),
    ("上午8:30—12:00，下午2:30-5:30", None, [("08:30", "12:00"), ("14:30", "17:30")]),
    ("每天8时30分至17时30分", "everyday", [("08:30", "17:30")]),
    ("工作日9点-17点", "workdays", [("09:00", "17:00")]),
    ("周一至周五上午8:00至下午5:30", "workdays", [("08:00", "17:30")]),
])
def test_hours_forms(text: str, days: str | None, ranges: list[tuple[str, str]]) -> None:
    groups = find_hours(clean_text(text))
    assert len(groups) == 1
    assert groups[0].days == days
    assert groups[0].ranges == ranges


def test_phone_numbers_are_not_hours() -> None:
    assert find_hours("电话0771-1234567，2024年3月6日—6月21日") == []


def test_hours_without_days_warn() -> None:
    # One span without days: every day (tests/corpus/announcements_real/README.md, rule 6), with a warning.
    result = parse_announcement("县委第一巡察组对县林业局党组开展巡察。值班电话：0771-1234567，受理时间为8:00-12:00。")
    assert result["inspections"][0]["channels"][0]["hours"][0]["days"] == "everyday"
    assert "受理时间未注明适用于工作日还是每天，按每天处理" in result["warnings"]


def test_office_hours_without_days_are_workdays() -> None:
    result = parse_announcement("县委第一巡察组对县林业局党组开展巡察。值班电话：0771-1234567，"
                                "受理时间为上午8:30-12:00，下午2:30-5:30。")
    assert {h["days"] for h in result["inspections"][0]["channels"][0]["hours"]} == {"workdays"}
    assert "受理时间未注明适用于工作日还是每天，按工作日处理" in result["warnings"]


def test_holiday_pause_and_postmark() -> None:
    insp = _one("县委第一巡察组对县林业局党组开展巡察。电话：0771-1234567（工作日9:00-17:00，节假日不受理来电），"
                "来信以邮戳时间为准。")
    assert insp["holiday_calls_paused"] is True
    assert insp["postmark_counts"] is True


# --- dates and durations ---------------------------------------------------------------------------


def test_cn_numbers() -> None:
    assert [cn_number(t) for t in ("15", "十五", "二十一", "两", "十", "二〇二四")] == [15, 15, 21, 2, 10, 2024]


@pytest.mark.parametrize("text,unit,amount,half,approx", [
    ("用15个工作日左右进行", "workday", 15, False, True),
    ("为期30天", "day", 30, False, False),
    ("工作3个半月", "month", 3, True, False),
    ("约1个月", "month", 1, False, True),
    ("4周左右", "week", 4, False, True),
    ("一个半月", "month", 1, True, False),
])
def test_durations(text: str, unit: str, amount: int, half: bool, approx: bool) -> None:
    (d,) = find_durations(text)
    assert (d.unit, d.amount, d.half, d.approximate) == (unit, amount, half, approx)


def test_time_limit_is_not_a_duration() -> None:
    assert find_durations("在15个工作日内答复") == []


def test_working_days_calendar() -> None:
    assert default_add_working_days(dt.date(2024, 9, 25), 15) == dt.date(2024, 10, 18)
    # A year the package does not cover falls back to Monday-Friday.
    assert default_add_working_days(dt.date(2099, 3, 2), 5) == dt.date(2099, 3, 6)


def test_custom_working_day_function_is_used() -> None:
    calls: list[tuple[dt.date, int]] = []

    def plus(start: dt.date, n: int) -> dt.date:
        calls.append((start, n))
        return start + dt.timedelta(days=n)

    result = parse_announcement("县委第一巡察组从2024年5月6日开始对县林业局党组开展为期10个工作日的巡察。",
                                add_working_days=plus)
    assert calls == [(dt.date(2024, 5, 6), 10)]
    assert result["inspections"][0]["end_date"] == "2024-05-16"


def test_months_duration_end_date_is_computed_with_warning() -> None:
    result = parse_announcement("县委第一巡察组从2024年3月6日开始对县林业局党组开展为期2个月的巡察。")
    assert result["inspections"][0]["end_date"] == "2024-05-05"
    assert any("推算" in w for w in result["warnings"])


def test_explicit_end_date_wins_over_duration() -> None:
    insp = _one("县委第一巡察组对县林业局党组开展巡察，时间约1个月，即3月4日至4月3日。", dt.date(2024, 3, 1))
    assert (insp["start_date"], insp["end_date"]) == ("2024-03-04", "2024-04-03")


def test_today_means_publication_date() -> None:
    insp = _one("县委第一巡察组自即日起对县林业局党组开展巡察，信访受理截至5月31日。", dt.date(2024, 5, 6))
    assert insp["start_date"] == "2024-05-06"
    assert insp["intake_end"] == "2024-05-31"


def test_today_without_publication_date_is_unknown() -> None:
    result = parse_announcement("县委第一巡察组自即日起对县林业局党组开展巡察。")
    assert result["inspections"][0]["start_date"] is None
    assert "未找到巡察开始日期" in result["warnings"]


def test_dates_without_year_take_the_publication_year() -> None:
    insp = _one("县委第一巡察组于3月12日进驻县林业局党组开展巡察，巡察时间为3月12日至4月30日。", dt.date(2025, 3, 10))
    assert (insp["start_date"], insp["end_date"]) == ("2025-03-12", "2025-04-30")


def test_nothing_is_invented() -> None:
    result = parse_announcement("为推动全面从严治党向基层延伸，近日召开巡察工作会议。")
    insp = result["inspections"][0]
    assert insp["team"] is None and insp["start_date"] is None and insp["channels"] == []
    for warning in ("未找到巡察组", "未找到巡察开始日期", "未能确定结束日期", "未找到受理渠道"):
        assert warning in result["warnings"]


# --- several teams ---------------------------------------------------------------------------------


def test_each_team_gets_its_own_channels_and_common_ones() -> None:
    text = ("根据县委统一部署，第一巡察组巡察县教育局党组，第二巡察组巡察县卫生健康局党组。"
            "巡察时间为2024年4月8日至5月10日，来信请寄：容县城南路8号县委巡察办（537500）。\n"
            "第一巡察组：值班电话0775-5310001；第二巡察组：值班电话0775-5310002。")
    result = parse_announcement(text)
    first, second = result["inspections"]
    assert (first["team"], first["targets"]) == ("第一巡察组", ["县教育局党组"])
    assert (second["team"], second["targets"]) == ("第二巡察组", ["县卫生健康局党组"])
    assert [c["value"] for c in first["channels"]] == ["容县城南路8号县委巡察办", "0775-5310001"]
    assert [c["value"] for c in second["channels"]] == ["容县城南路8号县委巡察办", "0775-5310002"]
    assert first["start_date"] == second["start_date"] == "2024-04-08"


def test_round_and_kinds() -> None:
    insp = _one("根据十四届县委第三轮巡察工作部署，县委第一巡察组对县林业局党组开展巡察“回头看”。")
    assert insp["round"] == "十四届县委第三轮巡察"
    assert insp["kind"] == "followup"


# --- facts shared by several teams, tables, headlines (held-out error classes) ----------------------


def test_period_after_a_list_of_teams_applies_to_all() -> None:
    result = parse_announcement("县委第一巡察组巡察县教育局党组；县委第二巡察组巡察县卫健局党组；县委第三巡察组巡察县民政局党组。"
                                "巡察时间为2024年4月14日至6月13日。")
    assert [(i["start_date"], i["end_date"]) for i in result["inspections"]] == [("2024-04-14", "2024-06-13")] * 3


def test_period_stated_for_both_teams_with_jun() -> None:
    result = parse_announcement("市委第一巡察组进驻市水利局党组。\n市委第二巡察组进驻市林业局党组。\n"
                                "两个巡察组巡察时间均为2024年4月21日至5月30日。")
    assert [i["end_date"] for i in result["inspections"]] == ["2024-05-30", "2024-05-30"]


def test_jun_clause_after_second_team_is_common_but_its_phone_is_not() -> None:
    result = parse_announcement("县委第一巡察组对县水利局党组开展巡察，县委第二巡察组对县财政局党组开展巡察。"
                                "县委第一巡察组值班电话：0745-2731001，县委第二巡察组值班电话：0745-2731002，"
                                "受理时间均为工作日8:00-12:00。")
    first, second = result["inspections"]
    assert [c["value"] for c in first["channels"]] == ["0745-2731001"]
    assert [c["value"] for c in second["channels"]] == ["0745-2731002"]
    assert first["channels"][0]["hours"] == second["channels"][0]["hours"] != []


def test_shared_visit_room_for_every_team() -> None:
    result = parse_announcement("市委第一巡察组进驻市水利局党组，市委第二巡察组进驻市林业局党组。\n"
                                "两个巡察组共用来访接待室，设在行政楼207室，接待时间为工作日下午3:00-5:30。")
    for insp in result["inspections"]:
        assert insp["channels"] == [{"kind": "visit", "value": None, "postcode": None, "location": "行政楼207室",
                                     "hours": [{"days": "workdays", "start": "15:00", "end": "17:30"}],
                                     "source": "两个巡察组共用来访接待室，设在行政楼207室，接待时间为工作日下午3:00-5:30。"}]


@pytest.mark.parametrize("joiner", ["或", "、", "和"])
def test_hours_in_brackets_apply_to_every_joined_number(joiner: str) -> None:
    insp = _one(f"县委第一巡察组对县农业局党组开展巡察。举报电话：0746-6221880{joiner}13907461234"
                "（工作日8时至12时、14时30分至18时）。")
    hours = [{"days": "workdays", "start": "08:00", "end": "12:00"}, {"days": "workdays", "start": "14:30", "end": "18:00"}]
    assert [(c["value"], c["hours"]) for c in insp["channels"]] == [("0746-6221880", hours), ("13907461234", hours)]


def test_hours_in_brackets_do_not_reach_a_number_of_another_clause() -> None:
    insp = _one("县委第一巡察组对县农业局党组开展巡察。短信：13907461234，举报电话：0746-6221880（工作日8:00-12:00）。")
    assert [(c["kind"], bool(c["hours"])) for c in insp["channels"]] == [("sms", False), ("phone", True)]


@pytest.mark.parametrize("text", [
    "巡视组：省委第三巡视组\n被巡视单位：省自然资源厅党组\n巡视组：省委第四巡视组\n被巡视单位：省林业局党组",
    "被巡视单位：省自然资源厅党组\n巡视组：省委第三巡视组\n被巡视单位：省林业局党组\n巡视组：省委第四巡视组",
    "巡视组\t被巡视单位\n省委第三巡视组\t省自然资源厅党组\n省委第四巡视组\t省林业局党组",
    "| 巡视组 | 被巡视单位 |\n|---|---|\n| 省委第三巡视组 | 省自然资源厅党组 |\n| 省委第四巡视组 | 省林业局党组 |",
])
def test_table_layouts(text: str) -> None:
    result = parse_announcement(text)
    assert [(i["team"], i["targets"]) for i in result["inspections"]] == [
        ("省委第三巡视组", ["省自然资源厅党组"]), ("省委第四巡视组", ["省林业局党组"])]


def test_table_record_lines_belong_to_their_team() -> None:
    result = parse_announcement("巡视组：省委第三巡视组\n值班电话：0791-86211301\n\n巡视组：省委第四巡视组\n值班电话：0791-86211302")
    assert [[c["value"] for c in i["channels"]] for i in result["inspections"]] == [["0791-86211301"], ["0791-86211302"]]


def test_label_followed_by_a_comma_is_not_prose() -> None:
    insp = _one("县委第一巡察组对县林业局党组开展巡察。被巡察单位，要自觉接受监督。")
    assert insp["targets"] == ["县林业局党组"]


@pytest.mark.parametrize("committee", ["镇党委", "校党委"])
def test_colon_then_list_and_short_names_of_later_teams(committee: str) -> None:
    result = parse_announcement(f"{committee}第一巡察组：巡察石门村党支部、龙湾村党支部；第二巡察组：巡察大塘村党支部、新屋村党支部。")
    assert [(i["team"], i["targets"]) for i in result["inspections"]] == [
        (f"{committee}第一巡察组", ["石门村党支部", "龙湾村党支部"]),
        (f"{committee}第二巡察组", ["大塘村党支部", "新屋村党支部"]),
    ]


def test_short_names_keep_no_prefix_when_committees_differ() -> None:
    result = parse_announcement("市委第一巡察组巡察市财政局党组；县委第二巡察组巡察县审计局党组；第三巡察组巡察县统计局党组。")
    assert [i["team"] for i in result["inspections"]] == ["市委第一巡察组", "县委第二巡察组", "第三巡察组"]


def test_headline_count_gives_way_to_named_targets() -> None:
    insp = _one("关于市委第六巡察组对3个社区党组织开展提级巡察的公告\n"
                "市委第六巡察组对东阳社区党委、西门社区党委开展提级巡察。")
    assert insp["targets"] == ["东阳社区党委", "西门社区党委"]


def test_headline_notice_word_is_not_part_of_the_target() -> None:
    insp = _one("关于县委第一巡察组进驻县城市投资发展有限公司党委的公告")
    assert insp["targets"] == ["县城市投资发展有限公司党委"]


def test_letterboxes_share_a_suffix() -> None:
    insp = _one("市委第六巡察组对东阳社区党委开展巡察。在东阳社区、西门社区、南桥社区党群服务中心门口各设置一个意见箱。")
    assert [c["location"] for c in insp["channels"]] == [
        "东阳社区党群服务中心门口", "西门社区党群服务中心门口", "南桥社区党群服务中心门口"]


def test_complete_letterbox_places_get_no_suffix() -> None:
    insp = _one("县委第一巡察组对县林业局党组开展巡察，在林业局大门口、林业局二楼会议室门口各设置一个意见箱。")
    assert [c["location"] for c in insp["channels"]] == ["林业局大门口", "林业局二楼会议室门口"]


def test_letterbox_in_every_village_for_every_team() -> None:
    result = parse_announcement("镇党委第一巡察组巡察石门村党支部；第二巡察组巡察大塘村党支部。\n各村村委会均设置巡察意见箱。")
    for insp in result["inspections"]:
        assert [(c["kind"], c["location"]) for c in insp["channels"]] == [("letterbox", "各村村委会")]


def test_letterbox_after_colon() -> None:
    insp = _one("县委第一巡察组对县林业局党组开展巡察。\n意见箱：县林业局一楼大厅、二楼走廊。")
    assert [c["location"] for c in insp["channels"]] == ["县林业局一楼大厅", "县林业局二楼走廊"]


def test_visit_in_a_numbered_list() -> None:
    insp = _one("市委第八巡察组对市城投集团党委开展巡察。\n1.来访接待：市城投集团总部大楼12楼1206室（工作日上午9:00-11:30）")
    (visit,) = insp["channels"]
    assert (visit["kind"], visit["location"]) == ("visit", "市城投集团总部大楼12楼1206室")
    assert visit["hours"] == [{"days": "workdays", "start": "09:00", "end": "11:30"}]


def test_named_platform_without_url() -> None:
    insp = _one("市委第八巡察组对市城投集团党委开展巡察。也可通过“码上监督”平台扫码反映。")
    assert [(c["kind"], c["value"]) for c in insp["channels"]] == [("online", "码上监督")]


def test_kind_is_decided_per_team() -> None:
    result = parse_announcement("县委第一巡察组对县水利局党组开展常规巡察，县委第二巡察组对县财政局党组开展巡察“回头看”。")
    assert [i["kind"] for i in result["inspections"]] == ["regular", "followup"]
