"""Score report classification on the held-out part of the real corpus, beside the lexicon and the previous model.

Run from the repository root: ``python bench/classify.py [--corpus DIR] [--dev-cv]``. The corpus is
``tests/corpus/classify_real`` (or ``$CLASSIFY_CORPUS``); it is split by source site (``SPLIT.md``, or a provisional
hash split, see ``xuncha/core/classify/corpus.py``). Nothing here is tuned on the held-out part: every system is
trained on the development part (and the older made-up corpus ``tests/corpus/reports``) only.

Systems, all scored on the same held-out texts in the same run:

1. ``lexicon``: the phrase lexicon alone (a code when its score reaches ``lexicon.THRESHOLD``);
2. ``previous``: the model as it was before issue 18 (TF-IDF char 1–3-grams + class-balanced logistic regression,
   trained on the made-up corpus's ``train`` split, blended 50/50 with the lexicon, proposed at 0.45);
3. ``current``: the shipped classifier (``xuncha.core.classify.classify`` with a model trained like the management
   command ``classifier_build`` trains it: development real texts ×3 + the made-up corpus + the regulation's articles);
4. ``current, real dev only`` and ``current, no evidence features``: the same without one ingredient.

Printed: per-discipline precision/recall/F1 and macro-F1 over the six disciplines, the share of "none" texts left
without a discipline, the share of proposals with an article and evidence, the calibration of the current model's
probabilities, and p50/p95 milliseconds per report (one report at a time, lexicon + model + article + evidence).
``--dev-cv`` adds a 4-fold cross-validation on the development part (the figures used to choose settings).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xuncha.core.classify import DISCIPLINES, classify, lexicon_classify, proposed, proposed_codes  # noqa: E402
from xuncha.core.classify import corpus as real  # noqa: E402
from xuncha.core.classify.evaluate import discipline_scores  # noqa: E402
from xuncha.core.classify.model import Model, train  # noqa: E402

MADE_UP = ROOT / "tests" / "corpus" / "reports" / "eval.jsonl"
Predict = Callable[[str], set[str]]


def made_up_rows() -> list[dict[str, Any]]:
    """The made-up corpus with its ``split`` field (the previous model trained on its ``train`` split)."""
    return [json.loads(line) for line in MADE_UP.read_text(encoding="utf-8").splitlines() if line.strip()]


def fit(dev: Sequence[real.Record], *, with_made_up: bool = True, **kwargs: Any) -> Model:
    """A model trained as the management command ``classifier_build`` trains it (without confirmations)."""
    texts, labels, make_up = real.training_set(dev, with_made_up=with_made_up)
    return train(texts, labels, make_up=make_up, weights=real.weights(make_up), **kwargs)


def previous_system() -> Predict:
    """The classifier before issue 18, rebuilt here so that it can be measured in the same run."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from xuncha.core.classify.lexicon import normalize

    rows = [r for r in made_up_rows() if r["split"] == "train"]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), preprocessor=normalize, sublinear_tf=True)
    matrix = vectorizer.fit_transform([r["text"] for r in rows])
    classifiers = {}
    for code in DISCIPLINES:
        y = [1 if code in r["disciplines"] else 0 for r in rows]
        if 5 <= sum(y) <= len(y) - 5:
            classifiers[code] = LogisticRegression(C=5.0, class_weight="balanced", solver="liblinear").fit(matrix, y)

    def predict(text: str) -> set[str]:
        lex = {e["code"]: e["score"] for e in lexicon_classify(text)["disciplines"]}
        row = vectorizer.transform([text])
        out = set()
        for code in DISCIPLINES:
            s_lex = lex.get(code, 0.0)
            if code in classifiers:
                p = float(classifiers[code].predict_proba(row)[0, 1])
                if 0.5 * p + 0.5 * s_lex >= 0.45 and (s_lex > 0 or p >= 0.2):
                    out.add(code)
            elif s_lex >= 0.5:
                out.add(code)
        return out

    return predict


def print_table(title: str, records: Sequence[real.Record], pred: list[set[str]]) -> dict[str, float]:
    result = discipline_scores([r.disciplines for r in records], pred)
    print(f"\n== {title}")
    print(f"  {'discipline':<16} {'n':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for code, m in result["codes"].items():
        print(f"  {code:<16} {m['n']:>5} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f}")
    macro = result["macro_f1"] or 0.0
    kept = result["none"]["kept"]
    print(f"  {'macro-F1':<16} {'':>5} {'':>6} {'':>6} {macro:>6.3f}")
    print(f"  none texts without a discipline: {kept if kept is not None else float('nan'):.1%} of {result['none']['n']}")
    return {"macro": macro, "none": kept if kept is not None else float("nan")}


def calibration(probs: list[float], hits: list[int]) -> None:
    print("\n== calibration of the current model's discipline probabilities (held-out, all codes pooled)")
    print(f"  {'bin':<10} {'n':>6} {'mean p':>8} {'observed':>9}")
    ece, total = 0.0, len(probs)
    for lo in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        idx = [i for i, p in enumerate(probs) if lo <= p < lo + 0.1 or (lo == 0.9 and p == 1.0)]
        if not idx:
            continue
        mean_p = sum(probs[i] for i in idx) / len(idx)
        observed = sum(hits[i] for i in idx) / len(idx)
        ece += len(idx) / total * abs(mean_p - observed)
        print(f"  {lo:.1f}–{lo + 0.1:.1f}   {len(idx):>6} {mean_p:>8.3f} {observed:>9.3f}")
    print(f"  expected calibration error: {ece:.3f}")


def site_folds(dev: Sequence[real.Record], *, seed: int = 0, k: int = 4) -> list[set[str]]:
    """``k`` folds of the development sites: by sorted name for seed 0 (the historical folds), shuffled else."""
    import random

    sites = sorted({r.site for r in dev})
    if seed:
        random.Random(seed).shuffle(sites)
    return [set(sites[i::k]) for i in range(k)]


def dev_cv(dev: list[real.Record], *, repeats: int = 1, errors: bool = False, evidence_variant: bool = True) -> None:
    """4-fold cross-validation by site on the development part; ``repeats`` > 1 adds reshuffled site folds and
    prints the mean and spread of macro-F1; ``errors`` prints every misclassified development text (dev only)."""
    print("\n== 4-fold cross-validation on the development part (by site), for choosing settings")
    variants: list[tuple[str, dict[str, Any]]] = [("current", {})]
    if evidence_variant:
        variants.append(("no evidence features", {"evidence": False}))
    for name, kwargs in variants:
        macros: list[float] = []
        for seed in range(repeats):
            pred: list[set[str]] = []
            order: list[real.Record] = []
            for fold in site_folds(dev, seed=seed):
                fit_part = [r for r in dev if r.site not in fold]
                held = [r for r in dev if r.site in fold]
                if not held:
                    continue
                model = fit(fit_part, **kwargs)
                for r in held:
                    pred.append(set(proposed_codes(classify(r.text, model), "disciplines")))
                    order.append(r)
            if seed == 0:
                macros.append(print_table(f"dev CV: {name}", order, pred)["macro"])
                if errors and not kwargs:
                    print_errors(order, pred)
            else:
                macros.append(discipline_scores([r.disciplines for r in order], pred)["macro_f1"] or 0.0)
        if repeats > 1:
            spread = statistics.stdev(macros)
            print(f"  {name}: macro-F1 over {repeats} site-fold shuffles: mean {statistics.mean(macros):.3f} "
                  f"(sd {spread:.3f}; {', '.join(f'{m:.3f}' for m in macros)})")


def print_errors(records: Sequence[real.Record], pred: Sequence[set[str]]) -> None:
    """The development texts the cross-validation got wrong (missed and extra codes), for error analysis."""
    print("\n== dev CV errors (development texts only)")
    for r, p in zip(records, pred, strict=True):
        missed, extra = set(r.disciplines) - p, p - set(r.disciplines)
        if missed or extra:
            print(f"- {r.id} [{r.site}] gold {sorted(r.disciplines) or ['none']} missed {sorted(missed)} "
                  f"extra {sorted(extra)}\n    {r.text[:300]}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--dev-cv", action="store_true")
    parser.add_argument("--dev-cv-only", action="store_true", help="only the development cross-validation")
    parser.add_argument("--repeats", type=int, default=1, help="site-fold shuffles of the dev CV (mean and sd)")
    parser.add_argument("--errors", action="store_true", help="print the dev CV's misclassified development texts")
    parser.add_argument("--no-evidence-variant", action="store_true", help="skip the dev CV without evidence")
    args = parser.parse_args(argv[1:])
    directory = args.corpus or real.corpus_dir()
    records = real.load(directory)
    dev, held, how = real.split(records, directory)
    print(f"corpus {directory}: {len(records)} texts from {len({r.site for r in records})} sites; split: {how}")
    print(f"  development {len(dev)} texts ({len({r.site for r in dev})} sites), "
          f"held-out {len(held)} texts ({len({r.site for r in held})} sites, {sum(r.is_none for r in held)} none)")
    if not held or not dev:
        print("nothing to score yet")
        return 1
    if args.dev_cv_only:
        dev_cv(dev, repeats=args.repeats, errors=args.errors, evidence_variant=not args.no_evidence_variant)
        return 0

    lexicon_classify("预热")
    t0 = time.perf_counter()
    lex_pred = [set(proposed(lexicon_classify(r.text)["disciplines"])) for r in held]
    summary = {"lexicon": print_table("lexicon alone", held, lex_pred)}
    summary["lexicon"]["ms"] = (time.perf_counter() - t0) / len(held) * 1000

    prev = previous_system()
    summary["previous"] = print_table("previous model (made-up train split, 50/50 blend)", held, [prev(r.text) for r in held])

    t0 = time.perf_counter()
    model = fit(dev)
    t_train = time.perf_counter() - t0
    classify(held[0].text, model)  # warm caches outside the timing (once per process in production)
    model.ngram_evidence(held[0].text, "disciplines", model.codes("disciplines")[0])
    results, times = [], []
    for r in held:
        t0 = time.perf_counter()
        results.append(classify(r.text, model))
        times.append((time.perf_counter() - t0) * 1000)
    cur_pred = [set(proposed_codes(res, "disciplines")) for res in results]
    summary["current"] = print_table(f"current (trained on {model.make_up})", held, cur_pred)
    props = [e for res in results for e in res["disciplines"] if e["proposed"]]
    with_both = sum(1 for e in props if e.get("article") and e.get("evidence"))
    print(f"  proposals with an article and evidence: {with_both}/{len(props)} = {with_both / len(props) if props else 1:.1%}")
    print(f"  thresholds: {model.thresholds.get('disciplines', {})}")

    only_real = fit(dev, with_made_up=False)
    summary["real dev only"] = print_table("current, trained on dev real texts only", held,
                                           [set(proposed_codes(classify(r.text, only_real), "disciplines")) for r in held])
    no_ev = fit(dev, evidence=False)
    summary["no evidence features"] = print_table("current, no evidence features", held,
                                                  [set(proposed_codes(classify(r.text, no_ev), "disciplines")) for r in held])

    probs, hits = [], []
    for r, pred in zip(held, model.predict_many([r.text for r in held]), strict=True):
        for code, p in pred["disciplines"].items():
            probs.append(p)
            hits.append(1 if code in r.disciplines else 0)
    calibration(probs, hits)

    print("\n== summary (held-out real texts)")
    print(f"  {'system':<24} {'macro-F1':>9} {'none ok':>8}")
    for name, m in summary.items():
        print(f"  {name:<24} {m['macro']:>9.3f} {m['none']:>8.1%}")
    times.sort()
    print("\n== time")
    print(f"  training on {model.n_train} texts: {t_train:.1f} s")
    print(f"  per report (current, one at a time): p50 {statistics.median(times):.2f} ms, "
          f"p95 {times[int(0.95 * (len(times) - 1))]:.2f} ms; lexicon alone {summary['lexicon']['ms']:.2f} ms")
    if args.dev_cv:
        dev_cv(dev, repeats=args.repeats, errors=args.errors, evidence_variant=not args.no_evidence_variant)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
