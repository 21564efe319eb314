"""Precision, recall and F1 per discipline, macro-F1, and the share of "none" texts left without a discipline."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .codes import DISCIPLINES


def discipline_scores(gold: Sequence[Iterable[str]], pred: Sequence[Iterable[str]]) -> dict[str, Any]:
    """{"codes": {code: {"n", "precision", "recall", "f1"}}, "macro_f1", "none": {"n", "kept"} , "n"}.

    Macro-F1 is the unweighted mean over the disciplines that occur in ``gold`` or ``pred`` (F1 undefined
    otherwise). ``none.kept`` is the share of texts without a gold discipline that got no predicted one.
    """
    gold_sets = [set(g) for g in gold]
    pred_sets = [set(p) for p in pred]
    codes: dict[str, dict[str, float]] = {}
    f1s: list[float] = []
    for code in DISCIPLINES:
        tp = sum(1 for g, p in zip(gold_sets, pred_sets, strict=True) if code in g and code in p)
        fp = sum(1 for g, p in zip(gold_sets, pred_sets, strict=True) if code not in g and code in p)
        fn = sum(1 for g, p in zip(gold_sets, pred_sets, strict=True) if code in g and code not in p)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if tp + fp + fn:
            f1s.append(f1)
        codes[code] = {"n": tp + fn, "predicted": tp + fp, "precision": round(precision, 4), "recall": round(recall, 4),
                       "f1": round(f1, 4)}
    nones = [p for g, p in zip(gold_sets, pred_sets, strict=True) if not g]
    kept = sum(1 for p in nones if not p) / len(nones) if nones else None
    return {"codes": codes, "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else None, "n": len(gold_sets),
            "none": {"n": len(nones), "kept": round(kept, 4) if kept is not None else None}}
