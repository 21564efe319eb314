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

from .codes import DISCIPLINE_LABELS, DISCIPLINES, FOCUS_LABELS, FOCUSES
from .lexicon import THRESHOLD, lexicon_classify, lexicon_spans, normalize, proposed
from .model import MIN_TRAINING_REPORTS, Model, combine, explain, proposed_codes, train


def classify(text: str, model: Model | None = None) -> dict[str, list[dict[str, Any]]]:
    """Lexicon, plus the model when one is trained, combined (:func:`combine`) and explained (:func:`explain`)."""
    lex = lexicon_classify(text)
    trained = model if model is not None and model.is_trained else None
    prediction = trained.predict(text, lex) if trained is not None else None
    result = combine(lex, prediction, thresholds=trained.thresholds if trained is not None else None)
    return explain(text, result, trained)


__all__ = [
    "DISCIPLINES", "DISCIPLINE_LABELS", "FOCUSES", "FOCUS_LABELS", "MIN_TRAINING_REPORTS", "THRESHOLD", "Model",
    "classify", "combine", "explain", "lexicon_classify", "lexicon_spans", "normalize", "proposed", "proposed_codes", "train",
]
