"""The team's survey pages (build, publish, codes, results, texts) and the public survey page beside the
report form (answer, thank you, 我要反映这个问题 into the report form)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from conftest import client_for
from xuncha.surveys.models import Code, CodeBatch, Response, Survey

pytestmark = pytest.mark.django_db


def _stamp(html: str) -> str:
    match = re.search(r'name="stamp" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_the_team_builds_a_survey_on_pages(demo: dict[str, Any]) -> None:
    practice = demo["practice"]
    member = client_for(demo["users"]["member"])
    page = member.get(f"/inspections/{practice.pk}/surveys/")
    assert page.status_code == 200 and "新建测评" in page.content.decode()
    bad = member.post(f"/inspections/{practice.pk}/surveys/new/", {"template": "blank", "min_group_size": "0"})
    assert bad.status_code == 200 and "不能小于 1" in bad.content.decode()
    made = member.post(f"/inspections/{practice.pk}/surveys/new/", {
        "template": "leadership", "title": "", "intro": "", "codes_required": "on", "min_group_size": "5",
        "persons": "甲某 书记\n乙某 院长"})
    assert made.status_code == 302
    survey = Survey.objects.order_by("-id").first()
    assert survey is not None and survey.title == "领导班子和领导班子成员民主测评"
    detail = member.get(made["Location"]).content.decode()
    assert "甲某 书记" in detail and "请组长（副组长）批准发布" in detail
    edit = member.post(f"/surveys/{survey.pk}/questions/new/", {
        "kind": "single", "text": "是否了解巡察工作", "choices": "了解\n不了解", "required": "on", "flag": "不了解"})
    assert edit.status_code == 302
    assert survey.questions.count() == 6 and survey.questions.get(number=6).flag_values == ["c2"]
    wrong = member.post(f"/surveys/{survey.pk}/questions/6/", {"kind": "single", "text": "x", "choices": "只有一个"})
    assert wrong.status_code == 200 and "至少要有两个选项" in wrong.content.decode()
    assert member.post(f"/surveys/{survey.pk}/questions/6/delete/").status_code == 302
    assert survey.questions.count() == 5
    member.post(f"/surveys/{survey.pk}/publish/")
    survey.refresh_from_db()
    assert survey.is_draft  # a member cannot publish
    leader = client_for(demo["users"]["leader"])
    leader.post(f"/surveys/{survey.pk}/publish/")
    survey.refresh_from_db()
    assert not survey.is_draft
    # issuing and taking the slips write: GETs are refused and change nothing
    assert member.get(f"/surveys/{survey.pk}/codes/").status_code == 405
    assert not CodeBatch.objects.filter(survey=survey).exists()
    detail = member.get(f"/surveys/{survey.pk}/").content.decode()
    assert 'id="codes-form" data-confirm=' in detail
    issued = member.post(f"/surveys/{survey.pk}/codes/", {"group": "teachers", "count": "30"})
    assert issued.status_code == 302 and issued["Location"] == f"/surveys/{survey.pk}/"
    batch = CodeBatch.objects.get(survey=survey)
    assert Code.objects.filter(batch=batch).count() == 30
    assert member.get(f"/surveys/{survey.pk}/codes/{batch.number}/slips.pdf").status_code == 405
    batch.refresh_from_db()
    assert batch.slips_sealed and not batch.slips_printed
    listed = member.get(f"/surveys/{survey.pk}/").content.decode()
    assert f'action="/surveys/{survey.pk}/codes/{batch.number}/slips.pdf"' in listed and "纸条只能下载一次" in listed
    pdf = member.post(f"/surveys/{survey.pk}/codes/{batch.number}/slips.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    again = member.post(f"/surveys/{survey.pk}/codes/{batch.number}/slips.pdf", follow=True)
    assert "已经打印（下载）过" in again.content.decode()


def test_results_and_texts_pages(surveys: dict[str, Survey], demo: dict[str, Any]) -> None:
    survey = surveys["leadership"]
    office = client_for(demo["users"]["office"])
    html = office.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert 'id="dashboard-data"' in html and "chart-q1" in html and "人数不足，不单独显示" in html
    assert "style=" not in html and "<script>" not in html
    texts = office.get(f"/surveys/{survey.pk}/texts/").content.decode()
    assert "text-row" in texts
    found = office.get(f"/surveys/{survey.pk}/texts/", {"q": "食堂"}).content.decode()
    assert "食堂" in found
    none = office.get(f"/surveys/{survey.pk}/texts/", {"q": "不存在的词语"}).content.decode()
    assert "没有符合条件的文字回答" in none


def test_the_public_answers_beside_the_report_form_and_may_report_a_problem(surveys: dict[str, Survey],
                                                                           demo: dict[str, Any]) -> None:
    practice = demo["practice"]
    questionnaire = surveys["questionnaire"]
    client = Client()
    page = client.get(f"/p/{practice.public_id}/").content.decode()
    assert f"/p/{practice.public_id}/surveys/{questionnaire.pk}/" in page and "民主测评和问卷" in page
    assert f"/surveys/{surveys['closed'].pk}/" not in page
    url = f"/p/{practice.public_id}/surveys/{questionnaire.pk}/"
    html = client.get(url).content.decode()
    assert 'data-show-if="q' in html and "不记录姓名" in html
    q = {n: questionnaire.questions.get(number=n).pk for n in range(1, 7)}
    post = {"stamp": _stamp(html), "homepage": "", f"q{q[1]}": "satisfied", f"q{q[2]}": "4", f"q{q[4]}": "exists",
            f"q{q[5]}": "后勤处长收受供应商购物卡。"}
    missing = client.post(url, {**post, f"q{q[1]}": ""})
    assert missing.status_code == 400 and "第 1 题" in missing.content.decode() and "后勤处长收受供应商购物卡" in missing.content.decode()
    before = Response.objects.filter(survey=questionnaire).count()
    done = client.post(url, post)
    assert done.status_code == 302 and done["Location"].endswith("/thanks/")
    assert Response.objects.filter(survey=questionnaire).count() == before + 1
    thanks = client.get(done["Location"]).content.decode()
    assert "感谢您的参与" in thanks and "我要反映这个问题" in thanks and "后勤处长收受供应商购物卡" in thanks
    assert "后勤处长" not in client.get(done["Location"]).content.decode()  # shown once
    moved = client.post(f"/p/{practice.public_id}/report-this/", {"text": "后勤处长收受供应商购物卡。"})
    assert moved.status_code == 302
    form = client.get(moved["Location"]).content.decode()
    assert "后勤处长收受供应商购物卡。</textarea>" in form


def test_a_closed_survey_page_says_so(surveys: dict[str, Survey], demo: dict[str, Any]) -> None:
    closed = surveys["closed"]
    response = Client().get(f"/p/{demo['seed001'].public_id}/surveys/{closed.pk}/")
    assert response.status_code == 410 and "截止" in response.content.decode()
    # Another inspection's page does not show it.
    assert Client().get(f"/p/{demo['practice'].public_id}/surveys/{closed.pk}/").status_code == 404


@pytest.mark.parametrize("name", ["liaison", "recipient", "auditor", "sysadmin", "other_leader", "other_member", "norole"])
def test_outsiders_get_404_on_every_staff_page(surveys: dict[str, Survey], demo: dict[str, Any], name: str) -> None:
    survey = surveys["leadership"]
    client = client_for(demo["users"][name])
    for url in (f"/inspections/{survey.inspection_id}/surveys/", f"/inspections/{survey.inspection_id}/surveys/new/",
                f"/surveys/{survey.pk}/", f"/surveys/{survey.pk}/results/", f"/surveys/{survey.pk}/texts/",
                f"/surveys/{survey.pk}/results.xlsx", f"/surveys/{survey.pk}/report.docx", f"/surveys/{survey.pk}/settings/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/surveys/{survey.pk}/codes/", {"group": "teachers", "count": "3"}).status_code == 404


def test_the_anonymous_visitor_is_sent_to_the_login(surveys: dict[str, Survey]) -> None:
    survey = surveys["leadership"]
    for url in (f"/inspections/{survey.inspection_id}/surveys/", f"/surveys/{survey.pk}/", f"/surveys/{survey.pk}/results/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
