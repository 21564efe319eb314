"""Classification of reports into the six disciplines and the four focuses (pure Python, no Django).

* :func:`lexicon_classify` / :func:`lexicon_spans`: phrases of the regulation (``disciplines.md``, parsed at
  runtime) and everyday phrasings (``phrases.py``), with evidence and character spans for highlighting.
* :func:`train` / :class:`Model`: character n-gram TF-IDF + logistic regression per code, from confirmed labels.
* :func:`combine`: the final proposal; :func:`classify` runs both steps for one text.

Codes: see :mod:`.codes`. The evaluation corpus and its labelling guide live in ``tests/corpus/reports``;
``bench/classify.py`` scores both classifiers on it.
"""

from __future__ import annotations

from typing import Any

from .codes import DISCIPLINE_LABELS, DISCIPLINES, FOCUS_LABELS, FOCUSES
from .lexicon import THRESHOLD, lexicon_classify, lexicon_spans, normalize, proposed
from .model import MIN_TRAINING_REPORTS, Model, combine, proposed_codes, train


def classify(text: str, model: Model | None = None) -> dict[str, list[dict[str, Any]]]:
    """Lexicon, plus the model when one is trained; the result of :func:`combine`."""
    lex = lexicon_classify(text)
    prediction = model.predict(text) if model is not None and model.is_trained else None
    return combine(lex, prediction)


__all__ = [
    "DISCIPLINES", "DISCIPLINE_LABELS", "FOCUSES", "FOCUS_LABELS", "MIN_TRAINING_REPORTS", "THRESHOLD", "Model",
    "classify", "combine", "lexicon_classify", "lexicon_spans", "normalize", "proposed", "proposed_codes", "train",
]
