"""Forms seen in the third batch of real announcements (issue 16, texts 077-183), with snippets written here.

The conventions are those of tests/corpus/announcements_real/README.md.
"""

from __future__ import annotations

import datetime as dt

from xuncha.core.announcement import parse_announcement


def _round(text: str) -> str | None:
    round_name: str | None = parse_announcement(text)["inspections"][0]["round"]
    return round_name


def test_round_with_its_year_place_or_organisation_before_the_committee() -> None:
    assert _round("2015年某某省委第四轮第二批巡视对省林业厅党组开展巡视。") == "2015年某某省委第四轮第二批巡视"
    assert _round("经中央批准，2015年中央第一轮巡视将对某某集团公司开展专项巡视。") == "2015年中央第一轮巡视"
    assert _round("2014年某某省委巡视组第一轮巡视将对省财政厅党组开展巡视。") == "2014年某某省委巡视组第一轮巡视"
    assert _round("根据市城市管理局党组第三轮巡察工作安排，第一巡察组对市政设施中心党总支开展巡察。") == \
        "市城市管理局党组第三轮巡察"
    assert _round("地委第六巡察组对某某乡党委开展常规巡察。根据地委第三轮巡察工作安排。") == "地委第三轮巡察"
    # A date before the term is no term ("2017-08-26 九届…"), a verb before the committee is no place.
    assert _round("2017-08-26 九届省委第二轮巡视对某某市开展巡视。") == "九届省委第二轮巡视"
    assert _round("某某镇召开县委第六轮巡察动员会，县委第二巡察组对某某镇党委开展巡察。") == "县委第六轮巡察"
    assert _round("根据十四届县委第五轮巡察工作部署，县委第一巡察组对县林业局党组开展巡察。") == "十四届县委第五轮巡察"


def _targets(text: str) -> list[str]:
    return [t for i in parse_announcement(text)["inspections"] for t in i["targets"]]


def test_the_persons_inspected_are_not_a_target() -> None:
    text = ("自3月19日起，市委5个巡察组陆续进驻东安县北山镇、南河镇，西平县柳林乡、马庄乡，进行专项巡察。"
            "巡察对象为被巡察单位党组织领导班子及其成员和其他副科级以上领导干部。")
    assert "被巡察单位党组织领导班子及其成员和其他副科级以上领导干部" not in _targets(text)


def test_towns_and_departments_after_a_county_carry_the_county() -> None:
    text = ("市委5个巡察组陆续进驻东安县北山镇、南河镇，西平县柳林乡、人和办事处，青河县产业集聚区、教体局，"
            "进行专项巡察。")
    assert _targets(text) == ["东安县北山镇", "东安县南河镇", "西平县柳林乡", "西平县人和办事处", "青河县产业集聚区",
                              "青河县教体局"]
    # Districts after a city and a city's department before other departments stay as written.
    assert _targets("省委巡视组对某某市甲区、乙区开展常规巡视。") == ["某某市甲区", "乙区"]
    assert _targets("对某某市生态环境局某分局、应急管理局开展常规巡察。") == ["某某市生态环境局某分局", "应急管理局"]


def test_a_day_by_which_entry_was_complete_is_no_start() -> None:
    text = ("截至9月22日，十四届县委第五轮巡察4个巡察组已完成进驻。"
            "十四届县委第五轮巡察对县水利局、县医保局开展常规巡察。")
    inspection = parse_announcement(text, dt.date(2023, 9, 25))["inspections"][0]
    assert inspection["start_date"] is None
    entered = parse_announcement("9月22日，县委第一巡察组进驻县水利局党组开展常规巡察。", dt.date(2023, 9, 25))
    assert entered["inspections"][0]["start_date"] == "2023-09-22"


def test_the_days_a_website_reported_are_no_period() -> None:
    text = ("8月2日-3日，省纪委网站陆续公布省委第二轮巡视进驻情况。省委巡视组对甲市、乙市开展巡视。")
    inspection = parse_announcement(text, dt.date(2017, 8, 5))["inspections"][0]
    assert (inspection["start_date"], inspection["end_date"]) == (None, None)
    # A period after which the channels are made public stays one.
    kept = parse_announcement("县委第一巡察组于3月5日至4月5日对县林业局党组开展巡察，现对外公布联系方式。",
                              dt.date(2024, 3, 1))["inspections"][0]
    assert (kept["start_date"], kept["end_date"]) == ("2024-03-05", "2024-04-05")


def _by_team(text: str) -> list[tuple[str | None, list[str]]]:
    return [(i["team"], i["targets"]) for i in parse_announcement(text)["inspections"]]


def test_teams_named_by_the_category_of_units_they_inspect() -> None:
    text = ("从4月下旬开始，省委县(市、区)巡视组对甲县、乙县等2个县，省委企业巡视组对某某集团有限公司开展巡视。"
            "日前，3个巡视组已进驻巡视。")
    assert _by_team(text) == [("省委县(市、区)巡视组", ["甲县", "乙县"]), ("省委企业巡视组", ["某某集团有限公司"])]
    # Counted teams without a name still give no team.
    assert _by_team("市委5个巡察组对市林业局党组、市水利局党组开展常规巡察。") == [
        (None, ["市林业局党组", "市水利局党组"])]


def test_a_team_s_enumeration_goes_on_after_a_comma() -> None:
    text = "省委省直部门巡视组对省委宣传部、省信访局，省档案局党组、省总工会党组开展巡视。"
    assert _by_team(text) == [("省委省直部门巡视组", ["省委宣传部", "省信访局", "省档案局党组", "省总工会党组"])]


def test_the_opening_meeting_s_day_is_the_start_of_a_report_that_gives_no_period() -> None:
    text = "3月16日，市委第三巡察组巡察市交通局党组工作动员会召开。会上，巡察组组长作了动员讲话。"
    result = parse_announcement(text, dt.date(2022, 3, 21))
    assert result["inspections"][0]["start_date"] == "2022-03-16"
    assert any("动员会日期" in w for w in result["warnings"])
    # When the text gives the inspection's own period, the meeting's day is not taken.
    announced = text + "市委第三巡察组将对市交通局党组开展为期4周左右的常规巡察。"
    assert parse_announcement(announced, dt.date(2022, 3, 21))["inspections"][0]["start_date"] is None


def test_flexible_inspection_said_with_shi_and_quotes() -> None:
    text = "省委第七巡视组：对某某集团控股有限公司党委开展“机动式”巡视。"
    assert parse_announcement(text)["inspections"][0]["kind"] == "flexible"
    # "机动式专项巡察" is a special inspection (real corpus rule 2).
    assert parse_announcement("市委第一巡察组对市林业局党组进行机动式专项巡察。")["inspections"][0]["kind"] == "special"


def test_the_kind_named_for_the_targets_kind_of_unit() -> None:
    text = ("本轮巡视对2个省辖市和14个县(区)开展常规巡视；对1个省直单位和1所省属高校开展专项巡视。\n"
            "省委第一巡视组：巡视甲市、乙县。\n省委第二巡视组：巡视省林业厅党组、某某大学党委。")
    kinds = [(i["targets"], i["kind"]) for i in parse_announcement(text)["inspections"]]
    assert kinds == [(["甲市", "乙县"], "regular"), (["省林业厅党组", "某某大学党委"], "special")]


def test_a_target_ends_before_the_meeting_and_clauses_are_no_targets() -> None:
    assert _targets("10月25日上午，区委第一巡察组正式进驻区司法局并召开巡察工作动员会。") == ["区司法局"]
    assert _targets("7月29日，县委第一巡察组进驻县委编办召开巡察工作动员会。") == ["县委编办"]
    remarks = "市委第四巡察组将对某某镇红星村、新岭村开展巡察。会上，市委第四巡察组对某某镇做好巡察工作提出要求。"
    assert _targets(remarks) == ["某某镇红星村", "某某镇新岭村"]
    assert _targets("近日，随着市委第四巡察组进驻被巡察单位并召开了动员会，本轮巡察全面展开。") == []


def test_a_count_with_a_bracketed_kind_of_unit_and_a_list_after_zheng_dui() -> None:
    text = "省委第二巡视组已陆续进驻新的“战场”，正对公安县、建始县、某某经济技术开发区等3个县(市、区)开展巡视。"
    assert _targets(text) == ["公安县", "建始县", "某某经济技术开发区"]


def _teams(text: str) -> list[str | None]:
    return [i["team"] for i in parse_announcement(text)["inspections"]]


def test_team_names_with_the_centre_a_prefecture_an_organisation_or_a_place_after_other_words() -> None:
    assert _teams("15日，中央第十二巡视组进驻某某干部学院。") == ["中央第十二巡视组"]
    assert _teams("地委第六巡察组对某某乡党委开展常规巡察。") == ["地委第六巡察组"]
    assert _teams("近日，市城市管理局党组第一巡察组进驻市政设施中心党委。") == ["市城市管理局党组第一巡察组"]
    assert _teams("广西壮族自治区党委第一巡视组进驻某某师范大学。") == ["广西壮族自治区党委第一巡视组"]
    assert _teams("近日，随着临沧市委第四巡察组进驻市农业局，本轮巡察全面展开。") == ["临沧市委第四巡察组"]
    assert _teams("动员会结束后，进行了市委第一巡察组巡察市医院班子见面会。") == ["市委第一巡察组"]
    # Unnumbered: the centre's teams are no team name, a school's committee keeps its own name.
    assert _teams("中央巡视组陆续进驻上述单位。经中央批准，对甲集团公司、乙集团公司开展专项巡视。") == [None]
    assert _teams("学校党委第一巡察组对外国语学院党委开展巡察。") == ["学校党委第一巡察组"]


def test_a_range_of_teams_going_respectively_to_a_list() -> None:
    text = "近日，某某区委第一至第三巡察组分别进驻区农业局、瓦房乡、芒宽乡，并召开了巡察工作动员会。"
    assert [(i["team"], i["targets"]) for i in parse_announcement(text)["inspections"]] == [
        ("某某区委第一巡察组", ["区农业局"]), ("某某区委第二巡察组", ["瓦房乡"]), ("某某区委第三巡察组", ["芒宽乡"])]


def test_lists_of_places_visited_and_of_a_round_s_units() -> None:
    text = "日前，县委第二巡察组先后来到某某镇一致村、冯山社区、群联村召开党组织巡察工作动员会。"
    assert _targets(text) == ["某某镇一致村", "某某镇冯山社区", "某某镇群联村"]
    assert _targets("第一轮巡视的省辖市有：商丘市、漯河市、济源市。") == ["商丘市", "漯河市", "济源市"]
    # The places of the meetings give way to the targets named in the same sentence.
    meetings = "市委第三、四巡察组分别在甲镇、乙开发区召开进驻动员会，对甲镇、乙开发区所辖村(社区)开展常规巡察。"
    assert _targets(meetings) == ["甲镇所辖村(社区)", "乙开发区所辖村(社区)"]


def test_a_city_with_its_named_districts_and_the_kind_of_each_list() -> None:
    text = ("从3月中旬开始对白山市及所辖江源区、抚松县，延边州及所辖延吉市、汪清县开展为期两个半月的常规巡视，"
            "同时对某某集团有限责任公司、某某股份有限公司开展为期1个月的专项巡视。")
    kinds = {t: i["kind"] for i in parse_announcement(text)["inspections"] for t in i["targets"]}
    assert kinds == {"白山市": "regular", "江源区": "regular", "抚松县": "regular", "延边州": "regular",
                     "延吉市": "regular", "汪清县": "regular", "某某集团有限责任公司": "special", "某某股份有限公司": "special"}
    # A town with its villages stays one target.
    assert _targets("县委第一巡察组对甲镇及所辖村开展巡察。") == ["甲镇及所辖村"]


def test_a_round_s_list_is_not_the_one_team_s_the_text_happens_to_name() -> None:
    text = ("近日，随着某某市委第四巡察组进驻被巡察单位，市委第七轮巡察6个巡察组全部完成进驻。"
            "本轮巡察对市委党史研究室、市农业局、市林业局开展常规巡察。")
    assert _by_team(text) == [(None, ["市委党史研究室", "市农业局", "市林业局"])]
    # One team and its own list stays.
    assert _by_team("县委第一巡察组对县农业局、县林业局开展常规巡察。") == [("县委第一巡察组", ["县农业局", "县林业局"])]


def test_the_period_closing_a_sentence_of_several_teams_is_theirs_together() -> None:
    text = ("省委省直部门巡视组对省委宣传部、省信访局开展巡视；省委专项巡视组对某某集团有限责任公司党委开展巡视“回头看”，"
            "巡视时间一个月左右。")
    durations = [(i["team"], i["duration_text"]) for i in parse_announcement(text)["inspections"]]
    assert durations == [("省委省直部门巡视组", "一个月左右"), ("省委专项巡视组", "一个月左右")]


def _kinds_values(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(c["kind"], c["value"], c["location"]) for c in parse_announcement(text)["inspections"][0]["channels"]]


def test_sms_said_after_a_note_on_hours_and_a_list_of_channel_names_is_no_visit_point() -> None:
    head = "区委第二巡察组对区总工会党组开展巡察。"
    assert _kinds_values(head + "设立信访联系电话：17700000001(接听时间为工作日工作时间)，可接收短信。") == [
        ("phone", "17700000001", None), ("sms", "17700000001", None)]
    assert _kinds_values(head + "巡察组张贴了巡察公告，明确了来访地点、通信地址和举报电话。") == []


def test_a_committee_s_teams_before_the_round_s_number_are_the_round_s_name() -> None:
    assert _teams("2014年某某省委巡视组第一轮巡视即将开始，第一轮巡视的省辖市有：商丘市、漯河市。") == [None]


def test_a_list_ends_at_its_count_and_earlier_rounds_are_not_this_round() -> None:
    text = ("市委机动巡察组将对新桥镇、城南园区、江阴-靖江工业园区办事处3家已参与市委第一轮、第二轮巡察的单位，"
            "就工程建设项目情况进行专项巡察。")
    (inspection,) = parse_announcement(text)["inspections"]
    assert inspection["targets"] == ["新桥镇", "城南园区", "江阴-靖江工业园区办事处"]
    assert inspection["round"] is None


def test_a_headline_s_short_list_gives_way_to_the_body_s() -> None:
    text = ("某市：3个巡察组已进驻教育局、科技局、食药监\n"
            "从5月上旬开始，市委巡察组对市教育局、市科技局、市食品药品监督管理局开展巡察，巡察时间一个月左右。")
    assert _targets(text) == ["市教育局", "市科技局", "市食品药品监督管理局"]
    # A headline alone still gives its list.
    assert _targets("某市：3个巡察组已进驻市教育局、市科技局、市民政局") == ["市教育局", "市科技局", "市民政局"]


def test_the_one_named_team_keeps_its_target_and_the_round_s_others_have_no_team() -> None:
    text = ("15日，随着中央第十二巡视组进驻某某干部学院，本轮15个中央巡视组已全部进驻。"
            "经中央批准，本轮巡视对最高人民法院、最高人民检察院等27个单位党组织开展专项巡视，"
            "同时对北京、重庆、广西、甘肃等4个省区市进行“回头看”。")
    found = [(i["team"], i["targets"], i["kind"]) for i in parse_announcement(text)["inspections"]]
    assert found[0][:2] == ("中央第十二巡视组", ["某某干部学院"])
    assert found[1:] == [(None, ["最高人民法院", "最高人民检察院"], "special"), (None, ["北京", "重庆", "广西", "甘肃"], "followup")]


def test_provinces_named_bare_in_a_list() -> None:
    text = "截至目前，已有8个中央巡视组分别进驻甘肃、海南、福建、科技部、中粮集团开展巡视。"
    assert _targets(text) == ["甘肃", "海南", "福建", "科技部", "中粮集团"]


def test_a_day_of_entry_said_with_fenbie_in_the_meeting_s_sentence() -> None:
    text = ("根据校党委统一部署，校党委第二轮巡察的3个巡察组于9月25日分别进驻甲学院党委、乙学院党委和丙学院党委，"
            "通过召开巡察动员会，正式开启了集中驻点巡察工作。")
    starts = {i["start_date"] for i in parse_announcement(text, dt.date(2020, 9, 27))["inspections"]}
    assert starts == {"2020-09-25"}


def test_labelled_parts_of_one_list() -> None:
    text = ("2014年某某省委第一轮巡视即将开始，第一轮巡视的省辖市有：商丘市、漯河市，"
            "省直委厅局：国资委、发改委、财政厅。")
    assert _targets(text) == ["商丘市", "漯河市", "国资委", "发改委", "财政厅"]


def test_teams_entering_one_after_another_give_no_start() -> None:
    text = "自3月19日起，市委5个巡察组陆续进驻东安县北山镇、南河镇，进行专项巡察。"
    result = parse_announcement(text, dt.date(2018, 3, 20))
    assert result["inspections"][0]["start_date"] is None
    assert any("陆续进驻" in w for w in result["warnings"])


def test_two_meeting_places_joined_by_he_after_fenbie_zai() -> None:
    text = "2月16日、17日，某某区委第一巡察组、第二巡察组分别在区国土资源局和洪山乡召开巡察工作动员会。"
    assert [(i["team"], i["targets"]) for i in parse_announcement(text)["inspections"]] == [
        ("某某区委第一巡察组", ["区国土资源局"]), ("某某区委第二巡察组", ["洪山乡"])]


def test_a_duration_said_with_jin() -> None:
    text = "市委第六巡察组对市中医院党委开展巡察。巡察组对市中医院为期近二个月的巡察正式启动。"
    assert parse_announcement(text)["inspections"][0]["duration_text"] == "近二个月"


def test_villages_after_a_town_s_community_committee_carry_the_town() -> None:
    text = "11月8日起，市委第四巡察组将对某某镇社区居委、红卫村、新岭村等3个村(社区)开展巡察工作。"
    assert _targets(text) == ["某某镇社区居委", "某某镇红卫村", "某某镇新岭村"]


def test_the_place_where_the_team_holds_its_opening_meeting() -> None:
    assert _targets("11月9日上午，市委第三巡察组在市教育局召开巡察工作动员会。") == ["市教育局"]
    # A meeting room is no target.
    assert _targets("11月9日上午，市委第三巡察组在三楼会议室召开巡察工作动员会。") == []


def test_a_round_said_before_a_team_of_it() -> None:
    text = "11月11日，七届市委第十二轮第三巡察组巡察某某市第一小学党支部工作动员会召开。"
    assert _round(text) == "七届市委第十二轮"


def test_the_last_unit_of_a_list_after_a_comma() -> None:
    text = "被巡视地区、单位分别是某某市甲区、乙区，省商务厅、省交通运输厅，省信用再担保有限公司。省委巡视组已进驻。"
    assert _targets(text) == ["某某市甲区", "乙区", "省商务厅", "省交通运输厅", "省信用再担保有限公司"]
