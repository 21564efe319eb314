"""The learned half of classification: training, the active model, and its measured quality.

A model is trained on the development part of the real corpus (``settings.CLASSIFIER_CORPUS``, by default
``tests/corpus/classify_real``; see ``xuncha.core.classify.corpus``), the made-up corpus and the team's confirmed
labels. It is built by the management command ``classifier_build``, by the hourly job when no model exists yet,
and again (as before) whenever enough labels were confirmed since the last one. Each build scores itself on the
held-out part of the real corpus; the figures are kept in ``ClassifierModel.metadata["heldout"]`` for the
office's quality page.

Files live under CLASSIFIER_DIR (a row per model in ClassifierModel); a model file holds character n-grams of
the texts it learnt from: protect CLASSIFIER_DIR like the database (docs/deploy.md). Files are written by this
code only and loaded with joblib.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction

from xuncha.core.classify import MIN_TRAINING_REPORTS, Model, classify, proposed_codes, train
from xuncha.core.classify import corpus as real
from xuncha.core.classify.evaluate import discipline_scores

from .models import DISCIPLINE_BITS, FOCUS_BITS, ClassifierModel, Triage, from_mask

log = logging.getLogger(__name__)
MAX_TRAINING_REPORTS = 50_000  # the most recent confirmed labels; older ones add little
KEEP_FILES = 3
_loaded: dict[str, Model] = {}


def active_model() -> Model | None:
    """The newest trained model, loaded once per process; None before the first training."""
    row = ClassifierModel.objects.order_by("-created_at", "-id").values_list("model_id", "path").first()
    if row is None:
        return None
    model_id, path = row
    if model_id not in _loaded:
        try:
            model = Model.load(path)
        except (OSError, ValueError) as exc:
            log.warning("classifier model %s cannot be loaded: %s", model_id, exc)
            return None
        _loaded.clear()
        _loaded[model_id] = model
    return _loaded[model_id]


def confirmed_count() -> int:
    return Triage.objects.filter(labels_confirmed=True).count()


def _corpus_dir() -> Path | None:
    configured = str(getattr(settings, "CLASSIFIER_CORPUS", "") or "")
    return Path(configured) if configured else None


def corpus_split() -> tuple[list[real.Record], list[real.Record], str]:
    """(development, held-out, how) of the configured real corpus; empty when none is configured."""
    directory = _corpus_dir()
    if directory is None:
        return [], [], ""
    return real.split(real.load(directory), directory)


def retrain_due() -> bool:
    last = ClassifierModel.objects.order_by("-created_at", "-id").values_list("trained_on", flat=True).first()
    n = confirmed_count()
    if last is None:
        dev, _, _ = corpus_split()
        if dev:  # no model yet but a real corpus: build the first model at once
            return n + len(dev) >= MIN_TRAINING_REPORTS
        last_confirmed = 0
    else:
        last_confirmed = _confirmed_in(last)
    return n >= MIN_TRAINING_REPORTS and n - last_confirmed >= settings.CLASSIFIER_RETRAIN_EVERY


def _confirmed_in(trained_on: int) -> int:
    """How many confirmed labels the newest model learnt from (its metadata; older rows: all it learnt from)."""
    meta = ClassifierModel.objects.order_by("-created_at", "-id").values_list("metadata", flat=True).first() or {}
    confirmed = (meta.get("make_up") or {}).get("confirmed")
    return int(confirmed) if confirmed is not None else trained_on


def evaluate(model: Model, records: list[real.Record]) -> dict[str, Any]:
    """The model's figures on labelled real texts (per discipline P/R/F1, macro-F1, none kept, proposals with
    an article and evidence)."""
    results = [classify(r.text, model) for r in records]
    figures = discipline_scores([r.disciplines for r in records], [proposed_codes(res, "disciplines") for res in results])
    proposals = [e for res in results for e in res["disciplines"] if e["proposed"]]
    grounded = sum(1 for e in proposals if e.get("article") and e.get("evidence"))
    figures["grounded"] = round(grounded / len(proposals), 4) if proposals else None
    figures["sites"] = len({r.site for r in records})
    return figures


def classifier_retrain() -> ClassifierModel | None:
    """Train a model and make it the active one (a background job, or ``manage.py classifier_build``)."""
    rows = (Triage.objects.filter(labels_confirmed=True).order_by("-labels_confirmed_at")
            .values_list("report__content", "disciplines", "focuses")[:MAX_TRAINING_REPORTS])
    dev, held, how = corpus_split()
    texts, labels, make_up = real.training_set(dev, with_made_up=bool(dev), with_articles=bool(dev))
    confirmed = 0
    for content, d, f in rows.iterator(chunk_size=2000):
        texts.append(content)
        labels.append({"disciplines": from_mask(d, DISCIPLINE_BITS), "focuses": from_mask(f, FOCUS_BITS)})
        confirmed += 1
    make_up["confirmed"] = confirmed
    if confirmed + make_up.get("real", 0) < MIN_TRAINING_REPORTS:
        return None
    model = train(texts, labels, make_up=make_up, weights=real.weights(make_up))
    if not model.is_trained:
        return None
    metadata = model.metadata()
    if held:
        metadata["heldout"] = {**evaluate(model, held), "split": how}
    directory = Path(settings.CLASSIFIER_DIR)
    path = model.save(directory / f"{model.model_id}.joblib")
    with transaction.atomic():
        row = ClassifierModel.objects.create(model_id=model.model_id, path=str(path), trained_on=len(texts),
                                             metadata=metadata)
    for old in ClassifierModel.objects.order_by("-created_at", "-id")[KEEP_FILES:]:
        Path(old.path).unlink(missing_ok=True)
        old.delete()
    return row


# Celery ships no type hints: the task is an untyped object with .delay().
@shared_task(name="triage.classifier_retrain_if_due", ignore_result=True)  # type: ignore[untyped-decorator]
def classifier_retrain_if_due() -> str | None:
    """Retrain when enough labels were confirmed since the last model, or build the first model (after a
    confirmation commits, and hourly from Celery beat to catch up); the new model's id, or None."""
    if not retrain_due():
        return None
    row = classifier_retrain()
    return row.model_id if row else None
