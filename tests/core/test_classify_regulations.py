"""The regulation's knowledge base, the real corpus's split by site, and every proposal's article and evidence."""

from __future__ import annotations

import json
from pathlib import Path

from xuncha.core.classify import DISCIPLINES, classify, proposed_codes, train
from xuncha.core.classify import corpus as real
from xuncha.core.classify.evaluate import discipline_scores
from xuncha.core.classify.lexicon import normalize
from xuncha.core.classify.regulations import best_article, chinese_number, find_articles, knowledge_base


def test_article_numbers_are_written_as_in_the_regulation() -> None:
    assert [chinese_number(n) for n in (9, 10, 15, 49, 100, 105, 110, 122, 154)] == [
        "九", "十", "十五", "四十九", "一百", "一百零五", "一百一十", "一百二十二", "一百五十四"]


def test_knowledge_base_covers_the_six_chapters_in_order() -> None:
    kb = knowledge_base()
    numbers = [a.number for a in kb.articles]
    assert len(numbers) == len(set(numbers)) and numbers == sorted(numbers)
    assert set(kb.chapters) == set(DISCIPLINES)
    order = [a.discipline for a in kb.articles]
    assert order == sorted(order, key=DISCIPLINES.index)  # chapters 6 to 11: political … life
    assert all(kb.of(code) for code in DISCIPLINES)
    assert all(a.phrases and a.title for a in kb.articles)
    assert all(a.source for a in kb.articles if a.checked)
    assert numbers[0] >= 49 and numbers[-1] <= 158


def test_article_of_a_phrase_and_the_fallback() -> None:
    text = "在办理低保时优亲厚友，把名额给了亲戚。"
    article, phrases = best_article(normalize(text), "mass")
    assert article.number == 124 and "优亲厚友" in phrases
    assert any(h.article.number == 124 for h in find_articles(normalize(text)))
    # No phrase of the code's articles in the text: still an article of that discipline.
    article, phrases = best_article(normalize("他经常不在岗位。"), "work")
    assert article.discipline == "work" and phrases == []


def test_every_discipline_entry_names_an_article_and_evidence_from_the_text() -> None:
    text = "利用职务便利，在工程项目招投标中为他人谋取利益，收受财物；违规接受管理服务对象宴请。"
    result = classify(text)
    assert result["disciplines"]
    for entry in result["disciplines"]:
        assert entry["article"]["label"].startswith("第") and entry["article"]["label"].endswith("条")
        assert entry["evidence"] and all(p in text for p in entry["evidence"])
    integrity = next(e for e in result["disciplines"] if e["code"] == "integrity")
    assert 94 <= integrity["article"]["number"] <= 121


def _write_corpus(directory: Path) -> None:
    """A small corpus: 8 sites of integrity/mass/none texts."""
    directory.mkdir(parents=True, exist_ok=True)
    samples = {
        "integrity": ["收受管理服务对象所送礼金{}万元，违规接受宴请", "利用职务便利为他人谋取利益，收受购物卡{}张",
                      "违规经商办企业，在{}家公司兼职取酬", "公款吃喝{}次，违规报销个人费用"],
        "mass": ["在发放低保时优亲厚友，克扣群众补贴{}元", "对群众诉求推诿扯皮，吃拿卡要{}次",
                 "违规向村民收取费用{}元，扣留群众款物", "拖欠农民工工资{}个月不解决，态度恶劣"],
        "": ["邻居装修噪音扰民{}天，希望协调", "网购的手机{}天没发货，商家不退款",
             "小区停车位不够，建议增加{}个车位", "和前夫的抚养费纠纷，法院判决后{}个月未执行"],
    }
    for s in range(8):
        site = f"site{s}.example.cn"
        with (directory / f"{site}.jsonl").open("w", encoding="utf-8") as f:
            for code, texts in samples.items():
                for k, t in enumerate(texts):
                    row = {"id": f"{site}-{code}-{k}", "text": t.format(s + k + 2), "disciplines": [code] if code else [],
                           "label_basis": "test", "source_url": f"https://{site}/{k}", "source_site": site,
                           "published": "2024-01-01", "level": "county"}
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        (directory / "broken.jsonl").write_text('{"id": "x", "text": "", "disciplines": []}\nnot json\n'
                                                '{"id": "y", "text": "某某", "disciplines": ["nonsense"]}\n', encoding="utf-8")


def test_corpus_loads_well_formed_rows_and_splits_by_site(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    records = real.load(tmp_path)
    assert len(records) == 8 * 12 and all(r.site.startswith("site") for r in records)
    dev, held, how = real.split(records, tmp_path)
    assert how.startswith("provisional") and len(dev) + len(held) == len(records)
    assert not {r.site for r in dev} & {r.site for r in held}
    development = "".join(f"- `site{s}.example.cn` (12, county)\n" for s in (0, 3, 4, 5, 6))
    (tmp_path / "SPLIT.md").write_text(f"# Split\n\n## Development\n\n{development}\n## Held-out\n\n"
                                       "- `site1.example.cn` (12, city)\n- site2.example.cn\n", encoding="utf-8")
    dev, held, how = real.split(records, tmp_path)
    hashed = {s for s in ("site7.example.cn",) if s in real.split_sites(tmp_path / "none", [s])[0]}
    assert how == "SPLIT.md" and {r.site for r in held} == {"site1.example.cn", "site2.example.cn"} | hashed


def test_model_trained_on_the_corpus_learns_none_and_explains_itself(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    records = real.load(tmp_path)
    development = "".join(f"- `site{s}.example.cn`\n" for s in range(7))
    (tmp_path / "SPLIT.md").write_text(f"## Development\n{development}## Held-out\n- `site7.example.cn`\n", encoding="utf-8")
    dev, held, _ = real.split(records, tmp_path)
    texts, labels, make_up = real.training_set(dev, with_made_up=False)
    model = train(texts, labels, make_up=make_up)
    assert model.is_trained and set(model.thresholds["disciplines"]) == set(model.codes("disciplines"))
    results = [classify(r.text, model) for r in held]
    figures = discipline_scores([r.disciplines for r in held], [proposed_codes(res, "disciplines") for res in results])
    assert figures["none"]["n"] == 4 and figures["none"]["kept"] == 1.0
    assert figures["codes"]["integrity"]["recall"] == 1.0
    for res in results:
        for e in res["disciplines"]:
            if e["proposed"]:
                assert e["article"] and e["evidence"]
    one = model.predict(held[0].text)
    many = model.predict_many([held[0].text, held[1].text])[0]
    assert one == many  # the fast path for one text gives the batch's numbers


def test_the_four_implementations_wording_has_its_own_names_and_cues() -> None:
    from xuncha.core.classify import FOCUS_LABELS, focus_labels

    assert focus_labels("four_focuses") == FOCUS_LABELS
    assert focus_labels("four_implementations")["corruption"] == "落实全面从严治党战略部署情况"
    text = "学院党委履行全面从严治党主体责任不力，坚持社会主义办学方向不够坚定。"
    plain = classify(text)
    worded = classify(text, focus_wording="four_implementations")
    assert {"corruption", "policy"} <= set(proposed_codes(worded, "focuses"))
    corruption = next(e for e in worded["focuses"] if e["code"] == "corruption")
    assert "主体责任" in corruption["evidence"] and all(p in text for p in corruption["evidence"])
    assert proposed_codes(plain, "disciplines") == proposed_codes(worded, "disciplines")
