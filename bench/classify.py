"""Score the report classifier on the labelled corpus: per-class precision, recall, F1 and macro-F1.

Run from the repository root: ``python bench/classify.py [path/to/eval.jsonl]``. Two systems, both scored on the
``eval`` split only:

1. the lexicon alone (a code is predicted when its score reaches ``lexicon.THRESHOLD``);
2. lexicon + learned model, the model trained on the ``train`` split only, combined by ``model.combine``.

Also prints the training time and the prediction time per report (lexicon alone, and lexicon + model).
Macro-F1 is the unweighted mean over the codes of one kind; a class with no positives and no predictions is
left out of the mean (F1 undefined).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xuncha.core.classify import (  # noqa: E402
    DISCIPLINES,
    FOCUSES,
    combine,
    lexicon_classify,
    proposed,
    proposed_codes,
    train,
)

CORPUS = ROOT / "tests" / "corpus" / "reports" / "eval.jsonl"
KINDS = {"disciplines": DISCIPLINES, "focuses": FOCUSES}


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def scores(gold: list[set[str]], pred: list[set[str]], codes: tuple[str, ...]) -> tuple[list[tuple[str, int, float, float, float]], float]:
    rows = []
    f1s = []
    for code in codes:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if code in g and code in p)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if code not in g and code in p)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if code in g and code not in p)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if tp + fp + fn:
            f1s.append(f1)
        rows.append((code, tp + fn, precision, recall, f1))
    return rows, (sum(f1s) / len(f1s) if f1s else 0.0)


def report(title: str, gold: dict[str, list[set[str]]], pred: dict[str, list[set[str]]]) -> dict[str, float]:
    print(f"\n== {title}")
    macros = {}
    for kind, codes in KINDS.items():
        rows, macro = scores(gold[kind], pred[kind], codes)
        print(f"  {kind:<16} {'n':>4} {'P':>6} {'R':>6} {'F1':>6}")
        for code, support, p, r, f in rows:
            print(f"  {code:<16} {support:>4} {p:>6.3f} {r:>6.3f} {f:>6.3f}")
        print(f"  {'macro-F1':<16} {'':>4} {'':>6} {'':>6} {macro:>6.3f}")
        macros[kind] = macro
    return macros


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else CORPUS
    rows = load(path)
    train_rows = [r for r in rows if r["split"] == "train"]
    eval_rows = [r for r in rows if r["split"] == "eval"]
    texts = [r["text"] for r in eval_rows]
    gold = {kind: [set(r[kind]) for r in eval_rows] for kind in KINDS}
    print(f"corpus {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
          f"{len(rows)} reports, train {len(train_rows)}, eval {len(eval_rows)}")

    lexicon_classify("预热")  # build the phrase table outside the timing
    t0 = time.perf_counter()
    lex_results = [lexicon_classify(t) for t in texts]
    t_lex = time.perf_counter() - t0
    lex_pred = {kind: [set(proposed(res[kind])) for res in lex_results] for kind in KINDS}
    macro_lex = report("lexicon alone (eval split)", gold, lex_pred)

    t0 = time.perf_counter()
    import sklearn.feature_extraction.text  # noqa: F401  (importing scikit-learn takes seconds; time it apart)
    import sklearn.linear_model  # noqa: F401

    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    model = train([r["text"] for r in train_rows], [{k: r[k] for k in KINDS} for r in train_rows])
    t_train = time.perf_counter() - t0
    t0 = time.perf_counter()
    combined = [combine(lexicon_classify(t), model.predict(t)) for t in texts]
    t_comb = time.perf_counter() - t0
    comb_pred = {kind: [set(proposed_codes(res, kind)) for res in combined] for kind in KINDS}
    macro_comb = report(f"lexicon + model trained on train split ({model.model_id})", gold, comb_pred)

    model_only = model.predict_many(texts)
    mod_pred = {kind: [{c for c, p in res[kind].items() if p >= 0.5} for res in model_only] for kind in KINDS}
    macro_mod = report("model alone, p >= 0.5 (for reference)", gold, mod_pred)

    n = len(texts)
    print("\n== summary (macro-F1)")
    print(f"  {'':<22} {'disciplines':>12} {'focuses':>8}")
    for name, m in (("lexicon", macro_lex), ("lexicon + model", macro_comb), ("model alone", macro_mod)):
        print(f"  {name:<22} {m['disciplines']:>12.3f} {m['focuses']:>8.3f}")
    print("\n== time")
    print(f"  importing scikit-learn (once per process): {t_import * 1000:.0f} ms")
    print(f"  training on {len(train_rows)} reports: {t_train * 1000:.0f} ms")
    print(f"  prediction, lexicon alone: {t_lex / n * 1000:.3f} ms/report")
    print(f"  prediction, lexicon + model (one report at a time): {t_comb / n * 1000:.3f} ms/report")
    t0 = time.perf_counter()
    batch = model.predict_many(texts)
    batch_out = [combine(lexicon_classify(t), p) for t, p in zip(texts, batch, strict=True)]
    t_batch = time.perf_counter() - t0
    assert [proposed_codes(r, "disciplines") for r in batch_out] == [proposed_codes(r, "disciplines") for r in combined]
    print(f"  prediction, lexicon + model (batch of {n}): {t_batch / n * 1000:.3f} ms/report")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
