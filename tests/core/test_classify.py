"""The classification core: lexicon, learned model, combination, and the labelled corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xuncha.core.classify import (
    DISCIPLINES,
    FOCUSES,
    MIN_TRAINING_REPORTS,
    Model,
    classify,
    combine,
    lexicon_classify,
    lexicon_spans,
    proposed,
    proposed_codes,
    train,
)
from xuncha.core.classify.lexicon import parse_disciplines_md, split_units

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "reports" / "eval.jsonl"
SHARED_MD = Path(__file__).resolve().parents[3] / "shared" / "domain" / "disciplines.md"
SUBJECTS = {"leadership", "subordinate_head", "key_post", "other", "unsure"}


def _rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_gift_is_integrity_with_evidence_and_span() -> None:
    text = "学院院长去年收受礼品，还让供应商报销他的餐费。"
    result = lexicon_classify(text)
    top = result["disciplines"][0]
    assert top["code"] == "integrity"
    assert top["score"] >= 0.5
    assert "收受礼品" in top["evidence"]
    start = text.index("收受礼品")
    assert (start, start + 4, "integrity") in lexicon_spans(text)
    assert "corruption" in proposed(result["focuses"])


def test_traditional_characters_keep_original_evidence_and_offsets() -> None:
    text = "後勤處長收受禮金"
    result = lexicon_classify(text)
    assert result["disciplines"][0]["code"] == "integrity"
    # The longest phrase wins: 收受礼金 (article 97 of the knowledge base), shown as the text writes it.
    assert "收受禮金" in result["disciplines"][0]["evidence"]
    spans = lexicon_spans(text)
    assert any(text[s:e] == "收受禮金" and code == "integrity" for s, e, code in spans)


@pytest.mark.parametrize("text", ["", "   ", "今天天气很好，食堂的红烧肉挺好吃的。", "请问图书馆几点开门？"])
def test_irrelevant_text_has_no_discipline(text: str) -> None:
    result = lexicon_classify(text)
    assert proposed(result["disciplines"]) == []
    assert classify(text)["disciplines"] == [] or not proposed_codes(classify(text), "disciplines")


def test_regulation_phrases_split_into_units() -> None:
    assert split_units("收受礼品、礼金、消费卡") == ["收受礼品", "礼金", "消费卡"]
    assert split_units("伪造、销毁、转移、隐匿证据") == ["伪造证据", "销毁证据", "转移证据", "隐匿证据"]
    units = parse_disciplines_md()
    assert set(units) == set(DISCIPLINES)
    assert all(units[code] for code in DISCIPLINES)
    assert "吃拿卡要" in units["mass"] and "泄露试题" in units["work"]


def test_lexicon_file_is_the_shared_one() -> None:
    copy = Path(__file__).resolve().parents[2] / "xuncha" / "core" / "classify" / "disciplines.md"
    if SHARED_MD.exists():
        assert copy.read_bytes() == SHARED_MD.read_bytes()


def _training_set(n: int) -> tuple[list[str], list[dict[str, Any]]]:
    rows = [r for r in _rows() if r["split"] == "train"][:n]
    return [r["text"] for r in rows], [{"disciplines": r["disciplines"], "focuses": r["focuses"]} for r in rows]


def test_train_predict_save_load_round_trip(tmp_path: Path) -> None:
    texts, labels = _training_set(200)
    model = train(texts, labels, model_id="test-model")
    assert model.is_trained and model.n_train == 200 and model.model_id == "test-model"
    assert set(model.codes("disciplines")) == set(DISCIPLINES)
    text = "财务处长收了供应商的购物卡和红包，还用公车接送孩子。"
    prediction = model.predict(text)
    assert set(prediction["disciplines"]) == set(DISCIPLINES)
    assert all(0.0 <= p <= 1.0 for p in prediction["disciplines"].values())
    assert prediction["disciplines"]["integrity"] > 0.5

    path = model.save(tmp_path / "models" / "clf.joblib")
    loaded = Model.load(path)
    assert loaded.model_id == "test-model" and loaded.n_train == 200
    assert loaded.predict(text) == prediction
    final = classify(text, loaded)
    assert proposed_codes(final, "disciplines")[0] == "integrity"
    assert "红包" in final["disciplines"][0]["evidence"]
    assert final["disciplines"][0]["sources"]["model"] is not None


def test_load_rejects_foreign_file(tmp_path: Path) -> None:
    import joblib

    path = tmp_path / "other.joblib"
    joblib.dump({"something": "else"}, path)
    with pytest.raises(ValueError):
        Model.load(path)


def test_too_few_labels_falls_back_to_lexicon() -> None:
    texts, labels = _training_set(MIN_TRAINING_REPORTS - 1)
    model = train(texts, labels)
    assert not model.is_trained
    text = "校长收受礼品，还搞一言堂。"
    assert model.predict(text) == {"disciplines": {}, "focuses": {}}
    final = classify(text, model)
    lex = lexicon_classify(text)
    assert proposed_codes(final, "disciplines") == proposed(lex["disciplines"])
    assert all(e["sources"]["model"] is None for e in final["disciplines"])


def test_rare_class_uses_lexicon_only() -> None:
    texts, labels = _training_set(60)
    labels = [{"disciplines": [d for d in lab["disciplines"] if d != "life"], "focuses": lab["focuses"]} for lab in labels]
    model = train(texts, labels)
    assert model.is_trained and "life" not in model.codes("disciplines")
    final = classify("院长和女学生关系暧昧，还有婚外情。", model)
    life = next(e for e in final["disciplines"] if e["code"] == "life")
    assert life["proposed"] and life["sources"]["model"] is None


def test_combine_rule() -> None:
    lex = {"disciplines": [{"code": "integrity", "score": 0.8, "evidence": ["红包"]}], "focuses": []}
    model = {"disciplines": {"integrity": 0.05, "work": 0.95}, "focuses": {}}
    out = combine(lex, model, thresholds={"disciplines": {"work": 0.6}})
    by_code = {e["code"]: e for e in out["disciplines"]}
    # The model's probability decides (it has seen the lexicon's score as a feature); the phrase stays as evidence.
    assert by_code["integrity"]["score"] == pytest.approx(0.05)
    assert not by_code["integrity"]["proposed"] and by_code["integrity"]["evidence"] == ["红包"]
    assert by_code["work"]["proposed"] and by_code["work"]["evidence"] == []
    assert not combine(lex, model, thresholds={"disciplines": {"work": 0.96}})["disciplines"][0]["proposed"]
    assert combine(lex, None)["disciplines"][0]["proposed"]


def test_eval_corpus_is_well_formed() -> None:
    rows = _rows()
    assert len(rows) >= 300
    assert sum(r["split"] == "eval" for r in rows) >= 120
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["text"] for r in rows}) == len(rows)
    for r in rows:
        assert set(r) == {"id", "text", "disciplines", "focuses", "in_scope_subject", "split"}
        assert 30 <= len(r["text"]) <= 400, r["id"]
        assert set(r["disciplines"]) <= set(DISCIPLINES), r["id"]
        assert set(r["focuses"]) <= set(FOCUSES), r["id"]
        assert r["in_scope_subject"] in SUBJECTS, r["id"]
        assert r["split"] in {"train", "eval"}
    for code in DISCIPLINES:
        assert sum(code in r["disciplines"] for r in rows) >= 25, code
