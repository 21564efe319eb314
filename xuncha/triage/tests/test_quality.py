"""Learning from the real corpus (the build command, the held-out figures) and the office's quality page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import PERSONAS, client_for
from xuncha.accounts.models import User
from xuncha.triage import classifier, services
from xuncha.triage.models import ClassifierModel, Triage

pytestmark = pytest.mark.django_db

TEXTS = {
    "integrity": ["收受管理服务对象所送礼金{}万元，违规接受宴请", "利用职务便利为他人谋取利益，收受购物卡{}张",
                  "违规经商办企业，在{}家公司兼职取酬", "公款吃喝{}次，违规报销个人费用"],
    "mass": ["在发放低保时优亲厚友，克扣群众补贴{}元", "对群众诉求推诿扯皮，吃拿卡要{}次",
             "违规向村民收取费用{}元，扣留群众款物", "拖欠农民工工资{}个月不解决，态度恶劣"],
    "": ["邻居装修噪音扰民{}天，希望协调", "网购的手机{}天没发货，商家不退款",
         "小区停车位不够，建议增加{}个车位", "和前夫的抚养费纠纷，法院判决后{}个月未执行"],
}


@pytest.fixture(autouse=True)
def _model_dir(settings: Any, tmp_path: Path) -> None:
    settings.CLASSIFIER_DIR = tmp_path / "models"
    classifier._loaded.clear()


@pytest.fixture
def corpus(settings: Any, tmp_path: Path) -> Path:
    directory = tmp_path / "classify_real"
    directory.mkdir()
    for s in range(6):
        site = f"site{s}.example.cn"
        lines = [json.dumps({"id": f"{site}-{code or 'none'}-{k}", "text": t.format(s + k + 2), "disciplines": [code] if code else [],
                             "source_site": site, "source_url": f"https://{site}/{k}"}, ensure_ascii=False)
                 for code, texts in TEXTS.items() for k, t in enumerate(texts)]
        (directory / f"{site}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    dev = "".join(f"- `site{s}.example.cn`\n" for s in range(5))
    (directory / "SPLIT.md").write_text(f"## Development\n{dev}\n## Held-out\n- `site5.example.cn`\n", encoding="utf-8")
    settings.CLASSIFIER_CORPUS = str(directory)
    return directory


def test_build_command_learns_from_the_corpus_and_measures_the_held_out_part(corpus: Path, register: Any) -> None:
    assert classifier.retrain_due()  # no model yet, a corpus: the hourly job would build one
    call_command("classifier_build", stdout=(out := _Sink()))
    row = ClassifierModel.objects.get()
    assert "已生成模型" in out.text and row.trained_on >= 60
    assert row.metadata["make_up"]["real"] == 60 and row.metadata["make_up"]["confirmed"] == 0
    held = row.metadata["heldout"]
    assert held["n"] == 12 and held["sites"] == 1 and held["split"] == "SPLIT.md"
    assert held["none"] == {"n": 4, "kept": 1.0} and held["grounded"] == 1.0
    assert not classifier.retrain_due()

    report = register("财务处长收受供应商礼金，还违规接受宴请。")
    t = Triage.objects.get(pk=report.pk)
    assert t.model_id == row.model_id
    integrity = next(e for e in t.proposal["disciplines"] if e["code"] == "integrity")
    assert integrity["proposed"] and integrity["article"]["label"].startswith("第") and integrity["evidence"]


def test_build_command_without_anything_to_learn_from_fails_plainly() -> None:
    with pytest.raises(Exception, match="样本不足"):
        call_command("classifier_build", stdout=_Sink())


class _Sink:
    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass


def test_quality_page_shows_held_out_and_confirmation_figures_to_the_office(corpus: Path, register: Any, demo: Any) -> None:
    classifier.classifier_retrain()
    member = User.objects.get(username="member")
    for text, codes in (("校长收受礼金和购物卡。", ["integrity"]), ("食堂乱收费，刁难学生。", ["mass"]),
                        ("邻居装修太吵。", [])):
        report = register(text)
        services.labels_confirm(actor=member, report=report, disciplines=codes, focuses=[])
    page = client_for(User.objects.get(username="office")).get(reverse("triage:quality") + "?weeks=4")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="quality-heldout"' in html and 'id="quality-confirmed"' in html
    assert "廉洁纪律" in html and "巡察组确认了 3 件" in html
    assert "分类质量" in html  # the office's menu links the page


def test_quality_page_without_a_model(demo: Any) -> None:
    page = client_for(User.objects.get(username="office")).get(reverse("triage:quality") + "?weeks=oops")
    assert page.status_code == 200 and 'id="quality-no-model"' in page.content.decode()


@pytest.mark.parametrize("name", [p for p in PERSONAS if p != "office"])
def test_quality_page_is_the_office_s_alone(name: str, demo: Any) -> None:
    assert client_for(User.objects.get(username=name)).get(reverse("triage:quality")).status_code == 404


def test_quality_page_asks_a_visitor_to_log_in(client: Any) -> None:
    response = client.get(reverse("triage:quality"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_report_page_names_the_article_of_each_discipline(register: Any) -> None:
    report = register("财务处长收受供应商购物卡和礼金。")
    html = client_for(User.objects.get(username="member")).get(reverse("triage:report", args=[report.pk])).content.decode()
    assert "依据：《中国共产党纪律处分条例》第九十七条" in html


def test_a_round_worded_as_four_implementations_names_its_focuses_so(register: Any, seed000: Any) -> None:
    from xuncha.errors import Invalid
    from xuncha.inspections.services_master import round_update

    office = User.objects.get(username="office")
    rnd = seed000.round
    fields = {"name": rnd.name, "kind": rnd.kind, "year": rnd.year, "organizer": rnd.organizer, "description": rnd.description}
    with pytest.raises(Invalid):
        round_update(actor=office, round=rnd, focus_wording="nonsense", **fields)
    round_update(actor=office, round=rnd, focus_wording="four_implementations", **fields)
    report = register("学院党委落实全面从严治党主体责任不力，坚持社会主义办学方向不够坚定。")
    assert "corruption" in Triage.objects.get(pk=report.pk).focus_codes
    html = client_for(User.objects.get(username="member")).get(reverse("triage:report", args=[report.pk])).content.decode()
    assert "落实全面从严治党战略部署情况" in html
