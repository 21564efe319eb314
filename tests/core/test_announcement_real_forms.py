"""Forms seen in real published announcements (issue 16), one class per test, with snippets written here.

The conventions are those of tests/corpus/announcements_real/README.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xuncha.core.announcement import clean_text, parse_announcement
from xuncha.core.announcement.hours import find_hours


def _channels(result: dict[str, Any], index: int = 0) -> list[tuple[Any, ...]]:
    return [(c["kind"], c["value"], c["location"]) for c in result["inspections"][index]["channels"]]


# --- targets enumerated in prose --------------------------------------------------------------


def test_unassigned_list_gives_every_target_and_no_team() -> None:
    text = ("根据县委统一部署，县委4个巡察组于2024年5月6日起，对县水务局、县文旅局、县图书馆等3个单位党组织"
            "开展常规巡察。巡察组主要受理反映被巡察党组织领导班子问题的来信来电来访。")
    result = parse_announcement(text)
    (inspection,) = result["inspections"]
    assert inspection["team"] is None
    assert inspection["targets"] == ["县水务局", "县文旅局", "县图书馆"]
    assert inspection["kind"] == "regular"


def test_list_with_two_kinds_gives_one_inspection_per_kind() -> None:
    text = ("县委2个巡察组于2024年5月6日起，对县气象局、县档案馆等2个党组织开展常规巡察，"
            "对县供销社、县粮食局2个党组织开展巡察“回头看”。")
    result = parse_announcement(text)
    assert [(i["kind"], i["targets"]) for i in result["inspections"]] == [
        ("regular", ["县气象局", "县档案馆"]),
        ("followup", ["县供销社", "县粮食局"]),
    ]


def test_list_keeps_parenthesised_notes_and_towns_of_villages() -> None:
    text = "区委3个巡察组对东山镇甲村、乙村，南湖街道丙社区、区委党校(行政学院)开展专项巡察。"
    (inspection,) = parse_announcement(text)["inspections"]
    assert inspection["targets"] == ["东山镇甲村", "东山镇乙村", "南湖街道丙社区", "区委党校(行政学院)"]


def test_list_of_duties_is_not_a_list_of_targets() -> None:
    text = "县委第一巡察组对县林业局党组开展巡察。巡察组将对政治纪律、组织纪律、廉洁纪律执行情况进行监督。"
    (inspection,) = parse_announcement(text)["inspections"]
    assert inspection["targets"] == ["县林业局党组"]


def test_post_box_addressee_is_not_a_team() -> None:
    text = ("近日，区委专项巡察组完成进驻，对区人民医院、区中医院开展专项巡察。"
            "专门邮政信箱：某市邮政88号专用信箱第二巡察组收。")
    (inspection,) = parse_announcement(text)["inspections"]
    assert inspection["team"] == "区委专项巡察组"


# --- tables of several teams flattened into text ------------------------------------------------------


def test_pipe_table_with_a_column_per_team() -> None:
    text = ("区委两个巡察组从8月1日开始开展专项巡察。\n"
            "组 别 | 区委巡察一组 | 区委巡察二组 |\n"
            "被巡察单位 | 东山镇甲村、乙村 | 西湖镇丙村 |\n"
            "专门值班电话 | 13900000001 (工作日8:00-18:00) | 13900000002 (工作日8:00-18:00) |\n")
    result = parse_announcement(text, dt.date(2024, 8, 1))
    assert [(i["team"], i["targets"]) for i in result["inspections"]] == [
        ("区委巡察一组", ["东山镇甲村", "东山镇乙村"]),
        ("区委巡察二组", ["西湖镇丙村"]),
    ]
    assert [c["value"] for c in result["inspections"][1]["channels"]] == ["13900000002"]


def test_stacked_records_one_per_team() -> None:
    text = ("市委巡察组对以下单位开展巡察。\n市委巡察一组\n组长：张三\n被巡察单位\n甲街道、乙集团党委\n"
            "专门值班电话\n13900000011\n市委巡察二组\n组长：李四\n被巡察单位\n丙街道\n专门值班电话\n13900000012\n")
    result = parse_announcement(text)
    assert [(i["team"], i["targets"], [c["value"] for c in i["channels"]]) for i in result["inspections"]] == [
        ("市委巡察一组", ["甲街道", "乙集团党委"], ["13900000011"]),
        ("市委巡察二组", ["丙街道"], ["13900000012"]),
    ]


# --- rounds ------------------------------------------------------------------------------------


def test_round_of_the_centre_and_of_a_named_county() -> None:
    assert parse_announcement("二十届中央第九轮巡视将对某部党组开展常规巡视。")["inspections"][0]["round"] == \
        "二十届中央第九轮巡视"
    county = parse_announcement("十三届某某县委第十轮巡察对县统计局党组开展常规巡察。")
    assert county["inspections"][0]["round"] == "十三届某某县委第十轮巡察"


# --- hours --------------------------------------------------------------------------------------


def test_hours_forms() -> None:
    def ranges(text: str) -> list[tuple[str, str]]:
        return [r for g in find_hours(clean_text(text)) for r in g.ranges]

    assert ranges("接听时间为工作日早8点至晚6点") == [("08:00", "18:00")]
    assert ranges("受理时间为8∶00 至18∶00") == [("08:00", "18:00")]
    assert ranges("上午9:00至下午5:00") == [("09:00", "17:00")]
    assert ranges("9时至17时") == [("09:00", "17:00")]
    assert ranges("8:30—12:00") == [("08:30", "12:00")]
    assert ranges("8:30～12:00") == [("08:30", "12:00")]


def test_one_span_without_days_is_every_day() -> None:
    result = parse_announcement("市委第一巡察组对市林业局党组开展巡察。值班电话：13900000021，每天受理电话的时间为8∶00至18∶00。")
    assert result["inspections"][0]["channels"][0]["hours"] == [{"days": "everyday", "start": "08:00", "end": "18:00"}]


# --- phones -------------------------------------------------------------------------------------


def test_sms_only_mobile() -> None:
    result = parse_announcement("省委巡视组对某区开展专项巡视。固定电话(0532-12345678)、手机(13900000031，只收短信)。")
    assert _channels(result) == [("phone", "0532-12345678", None), ("sms", "13900000031", None)]


def test_phone_that_also_takes_sms_hours_only_for_calls() -> None:
    result = parse_announcement("区委巡察组对区人民医院开展巡察。值班电话：13900000041(可接收短信，接听时间为工作日9:00-17:00)。")
    channels = result["inspections"][0]["channels"]
    assert [(c["kind"], bool(c["hours"])) for c in channels] == [("phone", True), ("sms", False)]


def test_calls_and_sms_hours_said_together() -> None:
    result = parse_announcement("区委第一巡察组对区文联开展巡察。举报电话：13900000051，接听和收短信时间为工作日早8点至晚6点。")
    channels = result["inspections"][0]["channels"]
    assert [(c["kind"], c["hours"]) for c in channels] == [
        ("phone", [{"days": "workdays", "start": "08:00", "end": "18:00"}]),
        ("sms", [{"days": "workdays", "start": "08:00", "end": "18:00"}]),
    ]


# --- posts, letterboxes, visit points ------------------------------------------------------------------


def test_list_of_channel_names_is_not_a_post_address() -> None:
    result = parse_announcement("县委第一巡察组对县农业局开展巡察，设专门值班电话、邮政信箱、电子信箱和网上举报平台。")
    assert not [c for c in result["inspections"][0]["channels"] if c["kind"] == "post"]


def test_visit_points() -> None:
    offices = parse_announcement("市委第三巡察组对市委办公室开展巡察。巡察组办公地点设在市委办公室202、213办公室。")
    assert ("visit", None, "市委办公室202、213办公室") in _channels(offices)
    reception = parse_announcement("党委第二巡察组对外语学院党委开展巡察。行政楼409室设置了群众来访接待点。")
    assert ("visit", None, "行政楼409室") in _channels(reception)
    accepted = parse_announcement("市委第四巡察组对市医院党委开展巡察。来访受理：某区某路1号行政楼102办公室；")
    assert ("visit", None, "某区某路1号行政楼102办公室") in _channels(accepted)
    beside = parse_announcement("区委第一巡察组对区人大机关开展巡察，在区人大设有举报信箱和信访接待室。")
    assert ("visit", None, "区人大") in _channels(beside) and ("letterbox", None, "区人大") in _channels(beside)


def test_letterbox_places_without_counts_or_numbering() -> None:
    result = parse_announcement("省委巡视组对某区开展巡视，在甲路1号门口、乙公园南门东侧2个地方设置了举报信箱。")
    assert [c["location"] for c in result["inspections"][0]["channels"] if c["kind"] == "letterbox"] == [
        "甲路1号门口", "乙公园南门东侧"]


def test_team_sentence_with_targets_of_two_kinds() -> None:
    text = "区委第三巡察组于2025年8月14日至10月17日对区教育局党组开展常规巡察，对市二中、市三中等中学开展“校园餐”专项巡察。"
    result = parse_announcement(text)
    assert [(i["team"], i["kind"], i["targets"]) for i in result["inspections"]] == [
        ("区委第三巡察组", "regular", ["区教育局党组"]),
        ("区委第三巡察组", "special", ["市二中", "市三中"]),
    ]


def test_sms_number_named_by_its_keyword() -> None:
    result = parse_announcement("市委第三巡察组对某镇开展巡察。设专门值班电话：0512-12345678；接收短信手机号码为13900000061。")
    assert _channels(result) == [("phone", "0512-12345678", None), ("sms", "13900000061", None)]


def test_letterbox_between_two_buildings_and_visit_hours_by_接访() -> None:
    result = parse_announcement("党委第二巡察组对外语学院党委开展巡察。在甲校区第一教学楼和第二行政楼之间设置巡察意见箱，"
                                "行政楼409室设置了群众来访接待点。巡察组工作日受理、接访电话时间为：上午9:00-12:00。")
    channels = result["inspections"][0]["channels"]
    assert [(c["kind"], c["location"], bool(c["hours"])) for c in channels] == [
        ("letterbox", "甲校区第一教学楼和第二行政楼之间", False),
        ("visit", "行政楼409室", True),
    ]


def test_no_intake_period_without_any_channel() -> None:
    (inspection,) = parse_announcement("市委第一巡察组于2022年3月21日进驻市林业局党组开展常规巡察。")["inspections"]
    assert inspection["start_date"] == "2022-03-21"
    assert (inspection["intake_start"], inspection["intake_end"]) == (None, None)


def test_news_site_tip_off_lines_are_not_channels() -> None:
    result = parse_announcement("市委第一巡察组对市林业局党组开展巡察，值班电话：0771-1234567。\n"
                                "爆料热线：(852) 3600 3600 电邮：news@example.com\n")
    assert _channels(result) == [("phone", "0771-1234567", None)]


def test_date_glitch_is_flagged_not_guessed() -> None:
    result = parse_announcement("区委第一巡察组于2025年1021日进驻区卫健局开展巡察。")
    assert result["inspections"][0]["start_date"] is None
    assert "日期“2025年1021日”有误，未采用，请核对原文" in result["warnings"]


def test_numbered_letterbox_places_and_other_visit_words() -> None:
    result = parse_announcement("区委第一巡察组对区卫健局开展巡察。意见箱设置地点：1.甲楼大厅；2.乙楼门口；3.丙院门口。"
                                "接访地点：区政府大院5号楼。")
    assert _channels(result) == [("letterbox", None, "甲楼大厅"), ("letterbox", None, "乙楼门口"),
                                 ("letterbox", None, "丙院门口"), ("visit", None, "区政府大院5号楼")]


def test_a_line_per_team_with_its_targets_after_a_colon() -> None:
    text = ("县委2个巡察组于2024年4月8日至5月31日开展常规巡察。\n县委第一巡察组：县财政局党组、县税务局党委。\n"
            "县委第二巡察组：县教育局党组。\n各巡察组值班电话受理时间为工作日8:00-12:00。")
    result = parse_announcement(text)
    assert [(i["team"], i["targets"]) for i in result["inspections"]] == [
        ("县委第一巡察组", ["县财政局党组", "县税务局党委"]), ("县委第二巡察组", ["县教育局党组"])]


def test_table_of_cells_set_apart_by_wide_spaces() -> None:
    assert clean_text("巡察组　　被巡察单位　　联系电话\n县委第一巡察组　　县财政局党组　　0771-1111111") == \
        "巡察组，被巡察单位，联系电话\n县委第一巡察组，县财政局党组，0771-1111111"
    result = parse_announcement("巡察组　　被巡察单位　　联系电话\n县委第一巡察组　　县财政局党组、县税务局党委　　0771-1111111\n"
                                "县委第二巡察组　　县教育局党组　　0771-2222222")
    assert [(i["team"], i["targets"], [c["value"] for c in i["channels"]]) for i in result["inspections"]] == [
        ("县委第一巡察组", ["县财政局党组", "县税务局党委"], ["0771-1111111"]),
        ("县委第二巡察组", ["县教育局党组"], ["0771-2222222"]),
    ]


def test_kind_is_what_the_team_does_not_its_name() -> None:
    (inspection,) = parse_announcement("区委提级巡察组对某镇党委开展专项巡察。")["inspections"]
    assert inspection["kind"] == "special"
    (cross,) = parse_announcement("区委提级交叉巡察组对某镇党委开展专项巡察。")["inspections"]
    assert (cross["team"], cross["kind"], cross["targets"]) == ("区委提级交叉巡察组", "special", ["某镇党委"])


def test_whole_groups_stay_one_target() -> None:
    (inspection,) = parse_announcement("市委2个巡察组对全市18个乡镇、4个街道、某片区、20个行业扶贫部门开展专项巡察。")["inspections"]
    assert inspection["targets"] == ["全市18个乡镇", "4个街道", "某片区", "20个行业扶贫部门"]


def test_letterboxes_in_several_offices_said_once_are_one_location() -> None:
    result = parse_announcement("县委第一巡察组对县林业局党组开展巡察，在县林业局、县苗圃、县林场等办公场所设置意见箱。")
    assert _channels(result) == [("letterbox", None, "县林业局、县苗圃、县林场等办公场所")]


def test_teams_and_targets_paired_respectively() -> None:
    text = ("市委第一巡察组、第二巡察组分别于3月6日进驻市财政局党组、市教育局党组开展常规巡察。"
            "第一巡察组值班电话：0771-1111111；第二巡察组值班电话：0771-2222222。")
    result = parse_announcement(text, dt.date(2024, 3, 7))
    assert [(i["team"], i["targets"], i["start_date"], [c["value"] for c in i["channels"]])
            for i in result["inspections"]] == [
        ("市委第一巡察组", ["市财政局党组"], "2024-03-06", ["0771-1111111"]),
        ("市委第二巡察组", ["市教育局党组"], "2024-03-06", ["0771-2222222"]),
    ]
    assert not any("未找到被巡察党组织" in w or "未找到巡察开始日期" in w for w in result["warnings"])


def test_intake_deadline_said_with_前() -> None:
    result = parse_announcement("市委第一巡察组对市林业局党组开展巡察。干部群众可在5月31日前向巡察组来信反映问题，"
                                "值班电话：0771-1234567。", dt.date(2024, 4, 1))
    assert result["inspections"][0]["intake_end"] == "2024-05-31"


# --- second round (issue 16, texts 067-076) ------------------------------------------------------


def test_one_splitter_for_lists_keeps_includes_out_and_drops_vague_rest() -> None:
    from xuncha.core.announcement.names import split_names

    assert split_names("高新区(含区商务局、区财政局)") == ["高新区"]
    assert split_names("甲区农业农村委员会(甲区乡村振兴局)党组及其他涉及到的相关单位或部门") == [
        "甲区农业农村委员会(甲区乡村振兴局)党组"]
    assert split_names("市委党校及市公安局、司法局等3个部门") == ["市委党校", "市公安局", "司法局"]
    assert split_names("县住房和城乡建设局、县委党校") == ["县住房和城乡建设局", "县委党校"]
    assert split_names("甲镇、乙镇及所辖村(社区)") == ["甲镇及所辖村(社区)", "乙镇及所辖村(社区)"]


def test_team_named_with_its_place_and_not_by_its_signature() -> None:
    text = ("3月4日，江山区委巡察二组巡察区法院党组工作动员会召开。区委巡察二组巡察时间为期40天左右，"
            "主要受理反映区法院领导班子问题的来信。\n巡察组专门值班电话：13912345678。\n中共某市江山区委巡察二组\n")
    (inspection,) = parse_announcement(text, dt.date(2024, 3, 4))["inspections"]
    assert inspection["team"] == "江山区委巡察二组"
    assert inspection["targets"] == ["区法院党组"]
    assert inspection["duration_text"] == "40天左右"


def test_elevated_cross_inspection_and_sms_only_number() -> None:
    text = ("根据安排，某市委第五巡察组对某县人民法院党组开展为期3个月的提级交叉巡察，联系电话：0716-1234567，"
            "17720000000(用于接收举报短信)；同时在县人民法院及派出法庭、诉讼服务中心办公场所门口设置意见箱。")
    (inspection,) = parse_announcement(text, dt.date(2024, 9, 20))["inspections"]
    assert inspection["kind"] == "elevated"
    assert _channels({"inspections": [inspection]}) == [
        ("phone", "0716-1234567", None), ("sms", "17720000000", None),
        ("letterbox", None, "县人民法院及派出法庭、诉讼服务中心办公场所门口")]


def test_letter_address_words_and_counted_places() -> None:
    text = ("区委巡察三组自2024年12月19日起对区政府办进行巡察。信访件函寄地址：某市某路8号六楼(邮编200000)。"
            "同时在巡察驻点(某路165号)、区政府办(某路98号)等2个地址设置举报信箱。意见箱设置地址：区法院一楼入口处左侧。")
    (inspection,) = parse_announcement(text)["inspections"]
    assert [(c["kind"], c["value"], c["postcode"], c["location"]) for c in inspection["channels"]] == [
        ("post", "某市某路8号六楼", "200000", None),
        ("letterbox", None, None, "巡察驻点(某路165号)"),
        ("letterbox", None, None, "区政府办(某路98号)"),
        ("letterbox", None, None, "区法院一楼入口处左侧"),
    ]


def test_channels_given_per_area_go_to_that_area_only() -> None:
    text = ("东山区、西湖区的主要负责人均表示，坚决拥护省委对本区开展专项巡视的决定。\n"
            "干部群众可通过固定电话(0532-1234567)向巡视组反映问题。\n"
            "在东山区，巡视组移动电话：15800000001；在东山区政府门口设置了举报信箱。\n"
            "在西湖区，巡视组移动电话：15800000002；在西湖区法院门口设置了举报信箱。\n")
    inspections = parse_announcement(text)["inspections"]
    assert [(i["targets"], [c["value"] or c["location"] for c in i["channels"]]) for i in inspections] == [
        (["东山区"], ["0532-1234567", "15800000001", "东山区政府门口"]),
        (["西湖区"], ["0532-1234567", "15800000002", "西湖区法院门口"]),
    ]


def test_combined_team_names_give_one_team_each() -> None:
    from xuncha.core.announcement.teams import find_teams

    assert [t.name for t in find_teams("近日，市委第三、四巡察组分别进驻。")] == ["市委第三巡察组", "市委第四巡察组"]
    assert [t.name for t in find_teams("县委第二、第三、第四巡察组于5月10日进驻。")] == [
        "县委第二巡察组", "县委第三巡察组", "县委第四巡察组"]


def test_counted_places_with_their_villages_and_a_stop_before_entry() -> None:
    text = "7月3日，县委3个巡察组分别完成对甲镇、乙乡共2个乡镇及所辖19个村党组织的巡察进驻。"
    (inspection,) = parse_announcement(text)["inspections"]
    assert inspection["targets"] == ["甲镇及所辖村", "乙乡及所辖村"]
    text = "党委第二巡察组巡察外国语学院党委进驻时间为3月18日—4月10日。"
    (inspection,) = parse_announcement(text, dt.date(2026, 3, 18))["inspections"]
    assert inspection["targets"] == ["外国语学院党委"]


def test_one_target_with_an_unnumbered_team_or_the_round_only() -> None:
    text = "根据学校党委统一部署，自即日起至11月30日，学校党委巡察组对外国语学院党委开展巡察。\n党委第二巡察组\n"
    (inspection,) = parse_announcement(text, dt.date(2022, 11, 9))["inspections"]
    assert inspection["targets"] == ["外国语学院党委"]
    text = "十一届区委第七轮巡察对区卫生健康局党委(区老龄办)开展常规巡察，延伸巡察3个下属事业单位。"
    (inspection,) = parse_announcement(text)["inspections"]
    assert (inspection["targets"], inspection["kind"]) == (["区卫生健康局党委(区老龄办)"], "regular")


def test_table_flattened_to_one_cell_per_line() -> None:
    text = ("巡察期间设置专门值班电话、电子邮箱和信访意见箱。\n进驻一览表\n组别\n巡察单位\n值班电话\n信访意见箱位置\n电子邮箱\n"
            "县委第一巡察组\n县农业局\n18908160001\n第三行政中心六楼\n电梯口\nxcz1@163.com\n"
            "县委第二巡察组\n县水务局\n18908160002\n第一行政中心二楼楼梯口\nxcz2@163.com\n")
    result = parse_announcement(text)
    assert [(i["team"], i["targets"], [c["value"] or c["location"] for c in i["channels"]])
            for i in result["inspections"]] == [
        ("县委第一巡察组", ["县农业局"], ["第三行政中心六楼电梯口", "18908160001", "xcz1@163.com"]),
        ("县委第二巡察组", ["县水务局"], ["第一行政中心二楼楼梯口", "18908160002", "xcz2@163.com"]),
    ]


def test_rows_of_cells_set_apart_by_plain_spaces() -> None:
    text = "县委第一巡察组 县农业局 18908160001 xcz1@163.com\n县委第二巡察组 县水务局、县林业局 18908160002 xcz2@163.com\n"
    result = parse_announcement(text)
    assert [(i["team"], i["targets"], [c["value"] for c in i["channels"]]) for i in result["inspections"]] == [
        ("县委第一巡察组", ["县农业局"], ["18908160001", "xcz1@163.com"]),
        ("县委第二巡察组", ["县水务局", "县林业局"], ["18908160002", "xcz2@163.com"]),
    ]


def test_number_on_a_glued_team_row_is_the_teams_phone() -> None:
    text = ("县委第一巡察组组长张三县农业局党组0553-1111111某县1号信箱xcz1@163.com\n"
            "县委第二巡察组组长李四县水务局党组0553-2222222某县2号信箱xcz2@163.com\n")
    result = parse_announcement(text)
    assert [[c["value"] for c in i["channels"] if c["kind"] == "phone"] for i in result["inspections"]] == [
        ["0553-1111111"], ["0553-2222222"]]


def test_combined_teams_respectively_and_numbers_marked_for_a_target() -> None:
    text = "县委第一、第二巡察组3月5日起分别进驻县财政局党组、县民政局党组开展巡察。"
    result = parse_announcement(text, dt.date(2024, 3, 5))
    assert [(i["team"], i["targets"]) for i in result["inspections"]] == [
        ("县委第一巡察组", ["县财政局党组"]), ("县委第二巡察组", ["县民政局党组"])]
    text = "县委巡察组对城关镇及所辖村、东关镇及所辖村开展常规巡察。联系电话：0553-1234567(城关镇)、0553-7654321(东关镇)。"
    result = parse_announcement(text)
    assert [(i["targets"], [c["value"] for c in i["channels"]]) for i in result["inspections"]] == [
        (["城关镇及所辖村"], ["0553-1234567"]), (["东关镇及所辖村"], ["0553-7654321"])]


def test_pinyin_noise_in_other_brackets() -> None:
    assert clean_text("區[qū]委第一巡察組【zǔ】") == "区委第一巡察组"
    assert clean_text("见附表[1]，通知【急】") == "见附表[1]，通知【急】"


def test_numbered_items_under_a_team_belong_to_it_and_a_range_keeps_its_year() -> None:
    text = ("根据县委统一安排，县委第五、第六巡察组于2021年4月1日至6月30日对县档案馆等6个单位开展巡察。\n"
            "(一)县委第五巡察组巡察县档案馆、县气象局、县供销社。\n1.举报电子邮箱：abc5@163.com；\n"
            "2.举报电话：0553-1111115 13900000005；\n"
            "(二)县委第六巡察组巡察县总工会、团县委、县妇联。\n1.举报电子邮箱：abc6@163.com；\n2.举报电话：0553-1111116。\n")
    result = parse_announcement(text, dt.date(2024, 5, 6))
    assert [(i["targets"], i["end_date"], [c["value"] for c in i["channels"]]) for i in result["inspections"]] == [
        (["县档案馆", "县气象局", "县供销社"], "2021-06-30", ["abc5@163.com", "0553-1111115", "13900000005"]),
        (["县总工会", "团县委", "县妇联"], "2021-06-30", ["abc6@163.com", "0553-1111116"]),
    ]


def test_label_lines_under_a_team_heading_belong_to_it() -> None:
    text = ("县委2个巡察组于2024年4月8日进驻。\n县委第一巡察组：\n被巡察单位：县财政局党组\n联系电话：0553-1111111\n"
            "县委第二巡察组：\n被巡察单位：县教育局党组\n联系电话：0553-2222222\n")
    result = parse_announcement(text)
    assert [(i["targets"], [c["value"] for c in i["channels"]]) for i in result["inspections"]] == [
        (["县财政局党组"], ["0553-1111111"]), (["县教育局党组"], ["0553-2222222"])]


# --- third round: whole error classes, snippets written here ---------------------------------------


def _posts(text: str) -> list[tuple[Any, ...]]:
    channels = parse_announcement(text)["inspections"][0]["channels"]
    return [(c["value"], c["postcode"]) for c in channels if c["kind"] == "post"]


def test_post_forms_with_bare_keys_and_the_addressee_after_a_comma() -> None:
    head = "县委第一巡察组对县档案馆党支部开展巡察。"
    assert _posts(head + "如来信，请寄某县某路9号某局203室，县委第一巡察组收，邮编530100。") == [
        ("某县某路9号某局203室，县委第一巡察组收", "530100")]
    assert _posts(head + "来信可寄至：某县邮政局B-7信箱。") == [("某县邮政局B-7信箱", None)]
    assert _posts(head + "信件可寄到某县第5号邮政信箱（邮编：530100）。") == [("某县第5号邮政信箱", "530100")]
    assert _posts(head + "邮箱：某县6号邮政信箱(邮政编码：530100)。") == [("某县6号邮政信箱", "530100")]
    assert _posts(head + "地址：某县某路9号档案馆四楼 邮编：530100。") == [("某县某路9号档案馆四楼", "530100")]
    # Not posts: an email box, an office address without a postcode, a letterbox said after a post key.
    assert _posts(head + "电子邮箱：xcz1@example.com。办公地址：某县某路9号，邮编530100。") == []
    assert _posts(head + "设立专门信箱：在档案馆一楼门口设置联系信箱。") == []


def test_sms_only_forms_and_local_numbers_in_a_list() -> None:
    head = "市委第二巡察组对市气象局党组开展巡察。"
    assert _channels(parse_announcement(head + "手机：13900000071（仅限短信）。")) == [("sms", "13900000071", None)]
    assert _channels(parse_announcement(head + "值班电话0512-1234567，短信举报号码13900000072。")) == [
        ("phone", "0512-1234567", None), ("sms", "13900000072", None)]
    result = parse_announcement(head + "举报电话：0512-1234567、7654321。")
    assert _channels(result) == [("phone", "0512-1234567", None), ("phone", "7654321", None)]
    assert "电话号码7654321未注明区号" in result["warnings"]


def test_clauses_are_not_targets_and_places_share_their_villages() -> None:
    said = parse_announcement("区委第二巡察组对外公布了联系方式。区委第二巡察组巡察干部参加会议。")
    assert said["inspections"][0]["targets"] == []
    listed = parse_announcement("市委第五、六巡察组分别在甲镇、乙开发区召开进驻动员会，对甲镇、乙开发区所辖村(社区)开展常规巡察。")
    assert [t for i in listed["inspections"] for t in i["targets"]] == ["甲镇所辖村(社区)", "乙开发区所辖村(社区)"]
    joined = parse_announcement("市委巡察组对丙片区和丁林场开展专项巡察，对戊局、己局开展常规巡察。")
    assert [t for i in joined["inspections"] for t in i["targets"]] == ["丙片区", "丁林场", "戊局", "己局"]
    covered = parse_announcement("中央巡视组实现了对31个省区市和新疆生产建设兵团、55家企业全覆盖。")
    assert covered["inspections"][0]["targets"] == []


def test_table_rows_with_a_leader_column_spaced_or_glued() -> None:
    spaced = ("县委第十轮巡察于2024年4月8日起开展常规巡察。\n组别 组长 被巡察单位 联系电话 邮政信箱\n"
              "县委第一巡察组 张三 县司法局党组 0553-1111111 某县A1号信箱\n"
              "县委第二巡察组 李四 县商务局党组、县统计局党组 0553-2222222 某县A2号信箱\n")
    glued = ("县委第十轮巡察于2024年4月8日起开展常规巡察。\n县委第一巡察组组长张三县司法局党组0553-1111111xc1@163.com\n"
             "县委第二巡察组组长李四县商务局党组、县统计局党组0553-2222222xc2@163.com\n")
    for text, last in ((spaced, ("post", "某县A2号信箱", None)), (glued, ("email", "xc2@163.com", None))):
        result = parse_announcement(text)
        assert [(i["team"], i["targets"]) for i in result["inspections"]] == [
            ("县委第一巡察组", ["县司法局党组"]), ("县委第二巡察组", ["县商务局党组", "县统计局党组"])]
        assert _channels(result, 1) == [("phone", "0553-2222222", None), last]


def test_team_rows_with_the_leader_in_a_clause_or_the_number_on_the_next_line() -> None:
    clause = ("市委第五轮巡察于2024年4月8日起开展常规巡察。\n市委第一巡察组：组长张三，巡察市审计局党组，联系电话：0553-1111111。\n"
              "市委第二巡察组：组长李四，巡察市民政局党组，联系电话：0553-2222222。\n")
    broken = ("市委第五轮巡察于2024年4月8日起开展常规巡察。\n市委第一巡察组 市审计局党组\n0553-1111111\n"
              "市委第二巡察组 市民政局党组\n0553-2222222\n")
    for text in (clause, broken):
        result = parse_announcement(text)
        assert [(i["team"], i["targets"], [c["value"] for c in i["channels"]]) for i in result["inspections"]] == [
            ("市委第一巡察组", ["市审计局党组"], ["0553-1111111"]),
            ("市委第二巡察组", ["市民政局党组"], ["0553-2222222"]),
        ]


def test_entry_said_after_the_meeting_and_a_date_without_its_day_flagged() -> None:
    day = dt.date(2024, 4, 1)
    for text in ("3月5日，县委第一巡察组巡察县档案馆党支部动员会召开，标志着巡察组正式进驻。",
                 "3月5日，县委第一巡察组巡察县档案馆党支部动员会召开。会后，巡察组正式进驻开展工作。"):
        assert parse_announcement(text, day)["inspections"][0]["start_date"] == "2024-03-05"
    glitch = parse_announcement("县委第一巡察组于3月5进驻县档案馆党支部开展常规巡察。", day)
    assert glitch["inspections"][0]["start_date"] is None
    assert "日期“3月5”有误，未采用，请核对原文" in glitch["warnings"]


def test_hours_in_chinese_numerals_early_late_dashes_slashes_and_office_hours() -> None:
    def ranges(text: str) -> list[tuple[str, str]]:
        return [r for g in find_hours(clean_text(text)) for r in g.ranges]

    assert ranges("上午八点至十二点，下午两点半至五点半") == [("08:00", "12:00"), ("14:30", "17:30")]
    assert ranges("九时三十分至十一时") == [("09:30", "11:00")]
    assert ranges("早8:00—晚8:00") == [("08:00", "20:00")]
    groups = find_hours(clean_text("8:00-12:00/14:30-17:30"))
    assert [g.ranges for g in groups] == [[("08:00", "12:00"), ("14:30", "17:30")]]
    head = "县委第一巡察组对县档案馆党支部开展巡察。"
    said_first = parse_announcement(head + "巡察组每天受理群众来电来信来访，值班电话：0553-1234567、0553-7654321，"
                                    "受理电话时间为上午8:30-12:00，下午14:30-17:30。")
    assert {h["days"] for c in said_first["inspections"][0]["channels"] for h in c["hours"]} == {"everyday"}
    office = parse_announcement(head + "值班电话：0553-1234567，受理时间为正常上班时间。")
    assert office["inspections"][0]["channels"][0]["hours"] == []
    assert "受理时间未注明具体钟点（原文只写“正常上班时间”），未填写" in office["warnings"]


def test_letterbox_lists_after_a_colon_a_count_or_a_placeholder() -> None:
    head = "县委第一巡察组对县档案馆党支部开展巡察。"
    places = ["档案馆一楼大厅", "档案馆二楼走廊"]
    for tail in ("意见箱设置在：1.档案馆一楼大厅；2.档案馆二楼走廊。",
                 "巡察组在以下地点设置了意见箱：1.档案馆一楼大厅；2.档案馆二楼走廊。",
                 "设立巡察意见箱2个，分别位于档案馆一楼大厅、档案馆二楼走廊。"):
        channels = parse_announcement(head + tail)["inspections"][0]["channels"]
        assert [c["location"] for c in channels if c["kind"] == "letterbox"] == places


def test_pinyin_runs_of_any_length_and_capitalised() -> None:
    assert clean_text("共產黨(gòng chǎn dǎng)員") == "共产党员"
    assert clean_text("巡察組（Xún chá zǔ）對") == "巡察组对"
    assert clean_text("港職院(HKIVE)、學院(College of Arts)") == "港职院(HKIVE)、学院(College of Arts)"


def test_team_named_巡察第N组_and_one_more_target_of_another_kind() -> None:
    (inspection,) = parse_announcement("巡察第一组对市档案馆党支部开展常规巡察。")["inspections"]
    assert (inspection["team"], inspection["targets"]) == ("巡察第一组", ["市档案馆党支部"])
    result = parse_announcement("县委第三巡察组对县档案馆党支部开展常规巡察，对县统计局党组开展巡察“回头看”。")
    assert [(i["kind"], i["targets"]) for i in result["inspections"]] == [
        ("regular", ["县档案馆党支部"]), ("followup", ["县统计局党组"])]


def test_team_with_its_targets_after_a_colon_inside_a_sentence() -> None:
    text = "县委3个巡察组开展常规巡察。其中，第一巡察组：县档案馆党支部、县统计局党组；第二巡察组：县医保局党组。"
    result = parse_announcement(text)
    assert [(i["team"], i["targets"]) for i in result["inspections"]] == [
        ("第一巡察组", ["县档案馆党支部", "县统计局党组"]), ("第二巡察组", ["县医保局党组"])]


def test_postcode_written_before_the_address() -> None:
    head = "县委第一巡察组对县档案馆党支部开展巡察。"
    assert _posts(head + "来信请寄：（邮编530100）某县某路9号档案馆转巡察组。") == [("某县某路9号档案馆转巡察组", "530100")]
    assert _posts(head + "邮政信箱：530100某县A1号信箱。") == [("某县A1号信箱", "530100")]


def test_visit_points_said_as_the_teams_office_or_where_it_receives_visitors() -> None:
    head = "县委第一巡察组对县档案馆党支部开展巡察。"
    assert _channels(parse_announcement(head + "巡察组办公室设在档案馆三楼302室。")) == [("visit", None, "档案馆三楼302室")]
    assert _channels(parse_announcement(head + "巡察组在档案馆302室接待来访。")) == [("visit", None, "档案馆302室")]


def test_numbers_marked_by_the_target_named_before_them() -> None:
    text = "县委第一巡察组对县档案馆党支部、县统计局党组开展巡察。档案馆值班电话：0553-1111111；县统计局0553-2222222。"
    result = parse_announcement(text)
    assert [(i["targets"], [c["value"] for c in i["channels"]]) for i in result["inspections"]] == [
        (["县档案馆党支部"], ["0553-1111111"]), (["县统计局党组"], ["0553-2222222"])]
