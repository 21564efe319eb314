"""The learned model and how its output combines with the lexicon's.

Model: TF-IDF over character 1–3-grams of the normalised text (:func:`.lexicon.normalize`), then one
logistic regression per code (one-vs-rest, ``class_weight="balanced"``), for the six disciplines and the four
focuses. Logistic regression gives probabilities directly, so no separate calibration step is needed.

Few labels: below :data:`MIN_TRAINING_REPORTS` confirmed reports :func:`train` returns an *empty* model, and a
code with fewer than :data:`MIN_POSITIVES` positive (or negative) examples gets no classifier. Wherever the model
has nothing to say, :func:`combine` uses the lexicon alone.

Combination rule (:func:`combine`), per code:

* the model has a classifier for the code: ``score = MODEL_WEIGHT × p_model + (1 − MODEL_WEIGHT) × s_lexicon``,
  proposed when ``score >= COMBINED_THRESHOLD``. With the defaults (0.5, 0.45): a code with one strong phrase
  (lexicon 0.8) needs the model at ≥ 0.1, one weak phrase (0.45) needs ≥ 0.45, two strong phrases (0.96) are
  proposed whatever the model says, and the model alone needs ≥ 0.9. The model can thus veto a lone phrase it
  finds implausible and add a code the lexicon missed only when it is very sure.
* otherwise ``score = s_lexicon``, proposed when it reaches :data:`.lexicon.THRESHOLD`.

Evidence (the phrases to highlight) always comes from the lexicon; a code proposed by the model alone has none.

Files: :meth:`Model.save` writes a joblib pickle with a format number, the model id, the training-set size, the
creation time and the scikit-learn version. Loading unpickles, so load only files this system wrote (keep them
outside any upload directory).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .codes import DISCIPLINES, FOCUSES
from .lexicon import THRESHOLD as LEXICON_THRESHOLD
from .lexicon import normalize

MODEL_FORMAT = 1
MIN_TRAINING_REPORTS = 30
MIN_POSITIVES = 5
MODEL_WEIGHT = 0.5
COMBINED_THRESHOLD = 0.45
C = 5.0
KINDS: dict[str, tuple[str, ...]] = {"disciplines": DISCIPLINES, "focuses": FOCUSES}

Labels = dict[str, Sequence[str]]  # {"disciplines": [...], "focuses": [...]}
Prediction = dict[str, dict[str, float]]  # {"disciplines": {code: p}, "focuses": {code: p}}


@dataclass
class Model:
    model_id: str
    n_train: int
    created: str
    vectorizer: Any = None
    classifiers: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind → code → fitted classifier

    @property
    def is_trained(self) -> bool:
        return self.vectorizer is not None and any(self.classifiers.values())

    def codes(self, kind: str) -> list[str]:
        return list(self.classifiers.get(kind, {}))

    def _stacked(self, kind: str) -> tuple[list[str], Any, Any]:
        """The kind's codes, coefficient matrix and intercepts: one sparse product scores every code at once."""
        import numpy as np

        cache = self.__dict__.setdefault("_stack_cache", {})
        if kind not in cache:
            classifiers = self.classifiers.get(kind, {})
            codes = list(classifiers)
            weights = np.vstack([clf.coef_[0] for clf in classifiers.values()]) if codes else None
            bias = np.array([clf.intercept_[0] for clf in classifiers.values()]) if codes else None
            cache[kind] = (codes, weights, bias)
        stacked: tuple[list[str], Any, Any] = cache[kind]
        return stacked

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        import numpy as np

        results: list[Prediction] = [{kind: {} for kind in KINDS} for _ in texts]
        if not self.is_trained or not texts:
            return results
        matrix = self.vectorizer.transform(list(texts))
        for kind in self.classifiers:
            codes, weights, bias = self._stacked(kind)
            if not codes:
                continue
            # Same as each LogisticRegression's predict_proba(...)[:, 1], without per-call input validation.
            probs = 1.0 / (1.0 + np.exp(-(matrix @ weights.T + bias)))
            for row, values in zip(results, probs, strict=True):
                row[kind] = {code: round(float(p), 4) for code, p in zip(codes, values, strict=True)}
        return results

    def predict(self, text: str) -> Prediction:
        """{"disciplines": {code: probability}, "focuses": {...}}; empty dicts where the model has no classifier."""
        return self.predict_many([text])[0]

    def metadata(self) -> dict[str, Any]:
        return {"model_id": self.model_id, "n_train": self.n_train, "created": self.created,
                "codes": {kind: self.codes(kind) for kind in KINDS}}

    def save(self, path: str | Path) -> Path:
        import joblib
        import sklearn

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"format": MODEL_FORMAT, "model_id": self.model_id, "n_train": self.n_train,
                   "created": self.created, "sklearn": sklearn.__version__,
                   "vectorizer": self.vectorizer, "classifiers": self.classifiers}
        tmp = path.with_name(path.name + ".tmp")
        joblib.dump(payload, tmp, compress=3)
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Model:
        import joblib

        payload = joblib.load(Path(path))
        if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a classification model of format {MODEL_FORMAT}: {path}")
        return cls(model_id=payload["model_id"], n_train=payload["n_train"], created=payload["created"],
                   vectorizer=payload["vectorizer"], classifiers=payload["classifiers"])


def _new_id(n_train: int) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"clf-{stamp}-n{n_train}-{uuid.uuid4().hex[:6]}"


def train(texts: Sequence[str], labels: Sequence[Labels], *, model_id: str | None = None, c: float = C) -> Model:
    """Fit a model on confirmed labels. With fewer than MIN_TRAINING_REPORTS reports the model is empty."""
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    n = len(texts)
    model = Model(model_id=model_id or _new_id(n), n_train=n,
                  created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    if n < MIN_TRAINING_REPORTS:
        return model
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), preprocessor=normalize,
                                 sublinear_tf=True, min_df=1)
    matrix = vectorizer.fit_transform(list(texts))
    for kind, codes in KINDS.items():
        for code in codes:
            y = [1 if code in (lab.get(kind) or ()) else 0 for lab in labels]
            positives = sum(y)
            if positives < MIN_POSITIVES or n - positives < MIN_POSITIVES:
                continue
            clf = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=1000)
            clf.fit(matrix, y)
            model.classifiers.setdefault(kind, {})[code] = clf
    if model.classifiers:
        model.vectorizer = vectorizer
    return model


def combine(lexicon_result: dict[str, list[dict[str, Any]]], model_result: Prediction | None = None, *,
            model_weight: float = MODEL_WEIGHT, threshold: float = COMBINED_THRESHOLD) -> dict[str, list[dict[str, Any]]]:
    """The final proposal from the lexicon's result and the model's probabilities (rule in the module docstring).

    Returns {"disciplines": [...], "focuses": [...]}, best first; each entry has ``code``, ``score``,
    ``evidence`` (lexicon phrases), ``proposed`` and ``sources`` ({"lexicon": s, "model": p or None}). Codes with
    neither evidence nor a model probability of at least 0.2 are left out.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, codes in KINDS.items():
        lex = {e["code"]: e for e in lexicon_result.get(kind, [])}
        probs = (model_result or {}).get(kind, {})
        rows: list[dict[str, Any]] = []
        for code in codes:
            entry = lex.get(code)
            s_lex = float(entry["score"]) if entry else 0.0
            evidence = list(entry["evidence"]) if entry else []
            if code in probs:
                p = float(probs[code])
                score = model_weight * p + (1.0 - model_weight) * s_lex
                is_proposed = score >= threshold
                if not evidence and p < 0.2:
                    continue
            elif entry is None:
                continue
            else:
                score, is_proposed = s_lex, s_lex >= LEXICON_THRESHOLD
            rows.append({"code": code, "score": round(score, 4), "evidence": evidence, "proposed": is_proposed,
                         "sources": {"lexicon": s_lex, "model": probs.get(code)}})
        rows.sort(key=lambda r: (-r["score"], codes.index(r["code"])))
        out[kind] = rows
    return out


def proposed_codes(result: dict[str, list[dict[str, Any]]], kind: str) -> list[str]:
    """The proposed codes of one kind of a :func:`combine` result."""
    return [e["code"] for e in result.get(kind, []) if e.get("proposed")]
