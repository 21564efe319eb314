"""Classification of reports into the six disciplines and the four focuses (pure Python, no Django).

* :func:`lexicon_classify` / :func:`lexicon_spans`: phrases of the regulation (``disciplines.md``, parsed at
  runtime) and everyday phrasings (``phrases.py``), with evidence and character spans for highlighting.
* :func:`train` / :class:`Model`: character n-gram TF-IDF + logistic regression per code, from confirmed labels.
* :func:`combine`: the final proposal; :func:`explain` names the article of the regulation and the evidence of every
  discipline entry; :func:`classify` runs all steps for one text.
* :mod:`.regulations`: the articles of the six discipline chapters of the 纪律处分条例 (2023), the knowledge base.
* :mod:`.corpus`: the real labelled corpus (``tests/corpus/classify_real``) and its split by source site.

Codes: see :mod:`.codes`. ``bench/classify.py`` scores the classifiers on the held-out part of the real corpus.
"""

from __future__ import annotations

from typing import Any

from . import phrases
from .codes import DEFAULT_FOCUS_WORDING, DISCIPLINE_LABELS, DISCIPLINES, FOCUS_LABELS, FOCUS_WORDINGS, FOCUSES, focus_labels
from .lexicon import THRESHOLD, lexicon_classify, lexicon_spans, normalize, proposed
from .model import MIN_TRAINING_REPORTS, Model, combine, explain, proposed_codes, train

WORDING_CUE_SCORE = 0.6


def classify(text: str, model: Model | None = None, *, focus_wording: str = DEFAULT_FOCUS_WORDING) -> dict[str, list[dict[str, Any]]]:
    """Lexicon, plus the model when one is trained, combined (:func:`combine`) and explained (:func:`explain`).

    ``focus_wording``: the round's wording of the four focuses (:data:`.codes.FOCUS_WORDINGS`); under 四个落实
    its own cue phrases (:data:`.phrases.FOCUS_IMPLEMENTATIONS`) also propose a focus, with themselves as evidence.
    """
    lex = lexicon_classify(text)
    trained = model if model is not None and model.is_trained else None
    prediction = trained.predict(text, lex) if trained is not None else None
    result = combine(lex, prediction, thresholds=trained.thresholds if trained is not None else None)
    if focus_wording == "four_implementations":
        _wording_cues(text, result, phrases.FOCUS_IMPLEMENTATIONS)
    return explain(text, result, trained)


def _wording_cues(text: str, result: dict[str, list[dict[str, Any]]], cues: dict[str, str]) -> None:
    norm = normalize(text)
    rows = {e["code"]: e for e in result["focuses"]}
    for code, block in cues.items():
        found = []
        for phrase in phrases.parse_words(block):
            at = norm.find(normalize(phrase))
            if at >= 0:
                found.append(text[at:at + len(phrase)])
        if not found:
            continue
        entry = rows.get(code)
        if entry is None:
            entry = rows[code] = {"code": code, "score": 0.0, "evidence": [], "proposed": False,
                                  "sources": {"lexicon": 0.0, "model": None}}
            result["focuses"].append(entry)
        entry["evidence"] = list(dict.fromkeys([*entry["evidence"], *found]))
        entry["score"] = max(entry["score"], WORDING_CUE_SCORE)
        entry["proposed"] = True
    result["focuses"].sort(key=lambda r: (-r["score"], FOCUSES.index(r["code"])))


__all__ = [
    "DEFAULT_FOCUS_WORDING", "DISCIPLINES", "DISCIPLINE_LABELS", "FOCUSES", "FOCUS_LABELS", "FOCUS_WORDINGS",
    "MIN_TRAINING_REPORTS", "THRESHOLD", "Model", "classify", "combine", "explain", "focus_labels", "lexicon_classify",
    "lexicon_spans", "normalize", "proposed", "proposed_codes", "train",
]
