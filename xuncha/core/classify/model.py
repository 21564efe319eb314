"""The learned model and the final proposal.

Model (format 3): TF-IDF over character 1–3-grams of the normalised text (:func:`.lexicon.normalize`), beside a
small block of *evidence features* (per discipline: the lexicon's score and how many distinct phrases of that
discipline's articles of the regulation occur, as 1 − ½ⁿ; per focus: the lexicon's score), then one logistic regression
per code (one-vs-rest) for the six disciplines and the four focuses. The regression learns how far to trust the
regulation's and the lexicon's phrases, from real texts.

Scores are probabilities: the regressions are fitted without class re-weighting, so that a score of 0.7 means
about 7 in 10 (``bench/classify.py`` prints the calibration). Each code has its own decision threshold, chosen
by cross-validation on the *training* data only (the F1-best threshold of out-of-fold probabilities, within
[0.2, 0.6]); a code with fewer than :data:`MIN_POSITIVES` positive (or negative) examples gets no classifier.

"None" is a real answer: a text whose probabilities stay under every threshold gets no discipline, and the
scope proposal then says 不属于 once the team confirms it.

Where the model has nothing to say (no model yet, or no classifier for a code) the lexicon decides as before
(:data:`.lexicon.THRESHOLD`). Evidence and the article: see :func:`explain`.

Files: :meth:`Model.save` writes a joblib pickle with a format number, the model id, the training-set make-up,
the creation time and the scikit-learn version. Loading unpickles, so load only files this system wrote (keep
them outside any upload directory). Format-1 files (no evidence features, no thresholds) and format-2 files (a 0/1
article indicator instead of the 1 − ½ⁿ count) still load and are scored with the features they were trained on.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .codes import DISCIPLINES, FOCUSES
from .lexicon import THRESHOLD as LEXICON_THRESHOLD
from .lexicon import lexicon_classify, normalize
from .regulations import best_article, find_articles

MODEL_FORMAT = 3
LOADABLE_FORMATS = (1, 2, 3)
MIN_TRAINING_REPORTS = 30
MIN_POSITIVES = 5
DEFAULT_THRESHOLD = 0.5
THRESHOLD_RANGE = (0.2, 0.6)
EVIDENCE_WEIGHT = 1.0
C = 30.0
GATE = True
NGRAMS = (1, 3)
FOLDS = 4
KINDS: dict[str, tuple[str, ...]] = {"disciplines": DISCIPLINES, "focuses": FOCUSES}
_WHITESPACE = re.compile(r"\s\s+")  # as scikit-learn's char analyzer

Labels = Mapping[str, Sequence[str]]  # {"disciplines": [...], "focuses": [...]}
Prediction = dict[str, dict[str, float]]  # {"disciplines": {code: p}, "focuses": {code: p}}
Result = dict[str, list[dict[str, Any]]]


def evidence_features(texts: Sequence[str], lexicons: Sequence[Result] | None = None, *,
                      article_counts: bool = True) -> Any:
    """The dense evidence block: 6 lexicon discipline scores, 6 article scores, 4 lexicon focus scores.

    Article score of a discipline: 1 − ½ⁿ for n distinct phrases of its articles in the text (``article_counts``,
    format 3; chosen by dev CV over a 0/1 indicator: repeated-fold macro-F1 0.776 → 0.793), else 0/1 (format 2)."""
    import numpy as np

    rows = np.zeros((len(texts), 2 * len(DISCIPLINES) + len(FOCUSES)))
    for i, text in enumerate(texts):
        lex = lexicons[i] if lexicons is not None else lexicon_classify(text)
        for e in lex["disciplines"]:
            rows[i, DISCIPLINES.index(e["code"])] = e["score"]
        for e in lex["focuses"]:
            rows[i, 2 * len(DISCIPLINES) + FOCUSES.index(e["code"])] = e["score"]
        found: dict[str, set[str]] = {}
        for hit in find_articles(normalize(text)):
            found.setdefault(hit.article.discipline, set()).add(hit.phrase)
        for code, phrases in found.items():
            rows[i, len(DISCIPLINES) + DISCIPLINES.index(code)] = 1.0 - 0.5 ** len(phrases) if article_counts else 1.0
    return rows


@dataclass
class Model:
    model_id: str
    n_train: int
    created: str
    vectorizer: Any = None
    classifiers: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind → code → fitted classifier
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)  # kind → code → decision threshold
    evidence: bool = True  # format 2: the evidence block follows the n-grams
    article_counts: bool = True  # format 3: article scores 1 − ½ⁿ (format 2: 0/1)
    make_up: dict[str, int] = field(default_factory=dict)  # e.g. {"real": 2900, "confirmed": 120}

    @property
    def is_trained(self) -> bool:
        return self.vectorizer is not None and any(self.classifiers.values())

    def codes(self, kind: str) -> list[str]:
        return list(self.classifiers.get(kind, {}))

    def threshold(self, kind: str, code: str) -> float:
        return self.thresholds.get(kind, {}).get(code, DEFAULT_THRESHOLD)

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

    def features(self, texts: Sequence[str], lexicons: Sequence[Result] | None = None) -> Any:
        from scipy.sparse import csr_matrix, hstack

        grams = self.vectorizer.transform(list(texts))
        if not self.evidence:
            return grams
        block = evidence_features(texts, lexicons, article_counts=self.article_counts)
        return hstack([grams, csr_matrix(EVIDENCE_WEIGHT * block)], format="csr")

    def _row(self, text: str) -> tuple[Any, Any]:
        """The text's TF-IDF row as (column indices, values), computed directly: the same numbers as
        ``vectorizer.transform([text])`` (char n-grams of the normalised text, 1 + log tf, idf, l2 norm) in a
        fraction of scikit-learn's per-call overhead, which dominates for one short text."""
        import numpy as np

        cache = self.__dict__.setdefault("_row_cache", {})
        if text in cache:
            row: tuple[Any, Any] = cache[text]
            return row
        vocabulary = self.vectorizer.vocabulary_
        doc = _WHITESPACE.sub(" ", normalize(text))
        low, high = self.vectorizer.ngram_range
        grams = Counter(doc[i:i + n] for n in range(low, high + 1) for i in range(len(doc) - n + 1))
        counts: dict[int, int] = {}
        for gram, k in grams.items():
            j = vocabulary.get(gram)
            if j is not None:
                counts[j] = k
        indices = np.fromiter(counts, dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = ((1.0 + np.log(tf)) if self.vectorizer.sublinear_tf else tf) * self.vectorizer.idf_[indices]
        norm = float(np.sqrt((values * values).sum()))
        if norm > 0:
            values = values / norm
        if len(cache) > 64:
            cache.clear()
        cache[text] = (indices, values)
        return indices, values

    def predict_many(self, texts: Sequence[str], lexicons: Sequence[Result] | None = None) -> list[Prediction]:
        """Probabilities per code; ``lexicons``: the texts' :func:`.lexicon.lexicon_classify` results if at hand."""
        import numpy as np

        results: list[Prediction] = [{kind: {} for kind in KINDS} for _ in texts]
        if not self.is_trained or not texts:
            return results
        if len(texts) == 1:
            indices, values = self._row(texts[0])
            extra = (evidence_features(texts, lexicons, article_counts=self.article_counts)[0] * EVIDENCE_WEIGHT
                     if self.evidence else None)
            n_grams = len(self.vectorizer.vocabulary_)
            for kind in self.classifiers:
                codes, weights, bias = self._stacked(kind)
                if not codes:
                    continue
                z = weights[:, indices] @ values + bias
                if extra is not None:
                    z = z + weights[:, n_grams:] @ extra
                results[0][kind] = {code: round(float(p), 4) for code, p in zip(codes, 1.0 / (1.0 + np.exp(-z)), strict=True)}
            return results
        matrix = self.features(texts, lexicons)
        for kind in self.classifiers:
            codes, weights, bias = self._stacked(kind)
            if not codes:
                continue
            # Same as each LogisticRegression's predict_proba(...)[:, 1], without per-call input validation.
            probs = 1.0 / (1.0 + np.exp(-(matrix @ weights.T + bias)))
            for row, values in zip(results, probs, strict=True):
                row[kind] = {code: round(float(p), 4) for code, p in zip(codes, values, strict=True)}
        return results

    def predict(self, text: str, lexicon: Result | None = None) -> Prediction:
        """{"disciplines": {code: probability}, "focuses": {...}}; empty dicts where the model has no classifier."""
        return self.predict_many([text], [lexicon] if lexicon is not None else None)[0]

    def ngram_evidence(self, text: str, kind: str, code: str, limit: int = 3) -> list[str]:
        """The passages of ``text`` that push ``code`` up most: the strongest n-grams, merged where they touch."""
        import numpy as np

        classifier = self.classifiers.get(kind, {}).get(code)
        if classifier is None or self.vectorizer is None:
            return []
        norm = normalize(text)
        indices, values = self._row(text)
        contrib = values * classifier.coef_[0][indices]
        inverse = self.__dict__.get("_inverse")
        if inverse is None:
            inverse = self.__dict__["_inverse"] = {v: k for k, v in self.vectorizer.vocabulary_.items()}
        order = np.argsort(-contrib)
        weight_at = [0.0] * len(norm)
        for k in order[:12]:
            if contrib[k] <= 0:
                break
            gram = inverse[int(indices[k])]
            if len(gram) < 2 or gram.strip() != gram:
                continue
            start = norm.find(gram)
            while start >= 0:
                for i in range(start, start + len(gram)):
                    weight_at[i] += float(contrib[k])
                start = norm.find(gram, start + 1)
        spans: list[tuple[float, int, int]] = []
        i = 0
        while i < len(norm):
            if weight_at[i] <= 0:
                i += 1
                continue
            j = i
            while j < len(norm) and weight_at[j] > 0:
                j += 1
            if j - i >= 2:
                spans.append((sum(weight_at[i:j]), i, j))
            i = j
        spans.sort(reverse=True)
        return [text[s:e] for _, s, e in spans[:limit]]

    def metadata(self) -> dict[str, Any]:
        return {"model_id": self.model_id, "n_train": self.n_train, "created": self.created, "make_up": self.make_up,
                "codes": {kind: self.codes(kind) for kind in KINDS}, "thresholds": self.thresholds}

    def save(self, path: str | Path) -> Path:
        import joblib
        import sklearn

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"format": MODEL_FORMAT, "model_id": self.model_id, "n_train": self.n_train,
                   "created": self.created, "sklearn": sklearn.__version__, "make_up": self.make_up,
                   "vectorizer": self.vectorizer, "classifiers": self.classifiers, "thresholds": self.thresholds}
        tmp = path.with_name(path.name + ".tmp")
        joblib.dump(payload, tmp, compress=3)
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Model:
        import joblib

        payload = joblib.load(Path(path))
        if not isinstance(payload, dict) or payload.get("format") not in LOADABLE_FORMATS:
            raise ValueError(f"not a classification model of format {LOADABLE_FORMATS}: {path}")
        return cls(model_id=payload["model_id"], n_train=payload["n_train"], created=payload["created"],
                   vectorizer=payload["vectorizer"], classifiers=payload["classifiers"],
                   thresholds=payload.get("thresholds", {}), evidence=payload["format"] >= 2,
                   article_counts=payload["format"] >= 3,
                   make_up=payload.get("make_up", {}))


def _new_id(n_train: int) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"clf-{stamp}-n{n_train}-{uuid.uuid4().hex[:6]}"


def _best_threshold(y: Sequence[int], p: Sequence[float], *, balanced: bool = False) -> float:
    """The F1-best threshold of out-of-fold probabilities (``balanced``: the best mean of the recalls of both
    classes instead, for the gate, whose negative class "none" matters as much as its positive one)."""
    low, high = THRESHOLD_RANGE
    best, best_f1 = DEFAULT_THRESHOLD, -1.0
    steps = int(round((high - low) / 0.025))
    for k in range(steps + 1):
        t = round(low + 0.025 * k, 3)
        tp = sum(1 for yi, pi in zip(y, p, strict=True) if yi and pi >= t)
        fp = sum(1 for yi, pi in zip(y, p, strict=True) if not yi and pi >= t)
        fn = sum(1 for yi, pi in zip(y, p, strict=True) if yi and pi < t)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if balanced:
            tn = sum(1 for yi, pi in zip(y, p, strict=True) if not yi and pi < t)
            f1 = (tp / max(1, tp + fn) + tn / max(1, tn + fp)) / 2
        if f1 > best_f1 + 1e-9:
            best, best_f1 = t, f1
    return best


def train(texts: Sequence[str], labels: Sequence[Labels], *, model_id: str | None = None, c: float = C,
          tune_thresholds: bool = True, evidence: bool = True, make_up: dict[str, int] | None = None,
          weights: Sequence[float] | None = None, gate: bool = GATE) -> Model:
    """Fit a model on labelled texts. With fewer than MIN_TRAINING_REPORTS texts the model is empty.

    ``weights``: a weight per text (e.g. real texts above made-up ones). ``gate``: also fit the "any discipline"
    classifier (kind ``gate``, code ``any``): below its threshold no discipline is proposed ("none")."""
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    n = len(texts)
    model = Model(model_id=model_id or _new_id(n), n_train=n, evidence=evidence, make_up=dict(make_up or {}),
                  created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    if n < MIN_TRAINING_REPORTS:
        return model
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    model.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, preprocessor=normalize,
                                       sublinear_tf=True, min_df=2 if n >= 500 else 1, dtype=np.float32)
    model.vectorizer.fit(list(texts))
    matrix = model.features(texts)
    folds = np.arange(n) % FOLDS
    w = np.asarray(weights, dtype=float) if weights is not None else None
    targets: list[tuple[str, str, Any]] = []
    for kind, codes in KINDS.items():
        for code in codes:
            targets.append((kind, code, np.array([1 if code in (lab.get(kind) or ()) else 0 for lab in labels])))
    if gate:
        targets.append(("gate", "any", np.array([1 if lab.get("disciplines") else 0 for lab in labels])))
    for kind, code, y in targets:
        positives = int(y.sum())
        if positives < MIN_POSITIVES or n - positives < MIN_POSITIVES:
            continue
        clf = LogisticRegression(C=c, solver="liblinear", dual=True, max_iter=2000)
        clf.fit(matrix, y, sample_weight=w)
        model.classifiers.setdefault(kind, {})[code] = clf
        threshold = DEFAULT_THRESHOLD
        if tune_thresholds and positives >= 2 * FOLDS:
            oof = np.zeros(n)
            for f in range(FOLDS):
                fit, held = folds != f, folds == f
                if len(set(y[fit])) < 2:
                    break
                part = LogisticRegression(C=c, solver="liblinear", dual=True, max_iter=2000).fit(
                    matrix[fit], y[fit], sample_weight=w[fit] if w is not None else None)
                oof[held] = part.predict_proba(matrix[held])[:, 1]
            else:
                threshold = _best_threshold(list(y), list(oof))
        model.thresholds.setdefault(kind, {})[code] = threshold
    if not model.classifiers:
        model.vectorizer = None
    return model


def combine(lexicon_result: Result, model_result: Prediction | None = None, *,
            thresholds: dict[str, dict[str, float]] | None = None) -> Result:
    """The proposal from the lexicon's result and the model's probabilities (rule in the module docstring).

    Returns {"disciplines": [...], "focuses": [...]}, best first; each entry has ``code``, ``score``,
    ``evidence`` (lexicon phrases), ``proposed`` and ``sources`` ({"lexicon": s, "model": p or None}). Codes with
    neither evidence nor a model probability of at least 0.2 are left out.
    """
    out: Result = {}
    gate = (model_result or {}).get("gate", {}).get("any")
    closed = gate is not None and gate < (thresholds or {}).get("gate", {}).get("any", DEFAULT_THRESHOLD)
    for kind, codes in KINDS.items():
        lex = {e["code"]: e for e in lexicon_result.get(kind, [])}
        probs = (model_result or {}).get(kind, {})
        rows: list[dict[str, Any]] = []
        for code in codes:
            entry = lex.get(code)
            s_lex = float(entry["score"]) if entry else 0.0
            evidence = list(entry["evidence"]) if entry else []
            if code in probs:
                score = float(probs[code])
                is_proposed = score >= (thresholds or {}).get(kind, {}).get(code, DEFAULT_THRESHOLD)
                if not evidence and not is_proposed and score < 0.2:
                    continue
            elif entry is None:
                continue
            else:
                score, is_proposed = s_lex, s_lex >= LEXICON_THRESHOLD
            if closed and kind == "disciplines" and code in probs:
                is_proposed = False  # the model finds no discipline in the text at all ("none")
            rows.append({"code": code, "score": round(score, 4), "evidence": evidence, "proposed": is_proposed,
                         "sources": {"lexicon": s_lex, "model": probs.get(code)}})
        rows.sort(key=lambda r: (-r["score"], codes.index(r["code"])))
        out[kind] = rows
    return out


def explain(text: str, result: Result, model: Model | None = None) -> Result:
    """Give every discipline entry the article it rests on and evidence phrases from the text.

    Evidence: the lexicon's phrases, then the phrases of the code's articles found in the text, then (when both
    are missing) the passages the model weighs most for the code. The article: see
    :func:`.regulations.best_article`. Entries gain ``article`` = {"number", "label", "title"}.
    """
    norm = normalize(text)
    hits = find_articles(norm)
    for entry in result.get("disciplines", []):
        code = entry["code"]
        article, phrases = best_article(norm, code, hits)
        evidence: dict[str, None] = dict.fromkeys(entry.get("evidence", []))
        for h in hits:
            if h.article.discipline == code:
                evidence.setdefault(text[h.start:h.end], None)
        if not evidence and model is not None:
            evidence.update(dict.fromkeys(model.ngram_evidence(text, "disciplines", code)))
        if not phrases and evidence:
            # The article may rest on evidence from the lexicon or the model: pick it with that evidence in view.
            article, _ = best_article(normalize("，".join(evidence)) + "，" + norm, code, [])
        entry["evidence"] = list(evidence)
        entry["article"] = article.as_dict()
    for entry in result.get("focuses", []):
        if not entry.get("evidence") and model is not None:
            entry["evidence"] = model.ngram_evidence(text, "focuses", entry["code"])
    return result


def proposed_codes(result: Result, kind: str) -> list[str]:
    """The proposed codes of one kind of a :func:`combine` result."""
    return [e["code"] for e in result.get(kind, []) if e.get("proposed")]
