"""The learned half of classification: retraining from the team's confirmed labels, and loading the
newest model (files under CLASSIFIER_DIR; a row per model in ClassifierModel).

A model file holds character n-grams of confirmed reports: protect CLASSIFIER_DIR like the database
(docs/deploy.md). Files are written by this code only and loaded with joblib.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import transaction

from xuncha.core.classify import MIN_TRAINING_REPORTS, Model, train

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


def retrain_due() -> bool:
    last = ClassifierModel.objects.order_by("-created_at", "-id").values_list("trained_on", flat=True).first() or 0
    n = confirmed_count()
    return n >= MIN_TRAINING_REPORTS and n - last >= settings.CLASSIFIER_RETRAIN_EVERY


def classifier_retrain() -> ClassifierModel | None:
    """Train a model on the confirmed labels and make it the active one (a background job)."""
    rows = (Triage.objects.filter(labels_confirmed=True).order_by("-labels_confirmed_at")
            .values_list("report__content", "disciplines", "focuses")[:MAX_TRAINING_REPORTS])
    texts: list[str] = []
    labels: list[dict[str, Sequence[str]]] = []
    for content, d, f in rows.iterator(chunk_size=2000):
        texts.append(content)
        labels.append({"disciplines": from_mask(d, DISCIPLINE_BITS), "focuses": from_mask(f, FOCUS_BITS)})
    if len(texts) < MIN_TRAINING_REPORTS:
        return None
    model = train(texts, labels)
    if not model.is_trained:
        return None
    directory = Path(settings.CLASSIFIER_DIR)
    path = model.save(directory / f"{model.model_id}.joblib")
    with transaction.atomic():
        row = ClassifierModel.objects.create(model_id=model.model_id, path=str(path), trained_on=len(texts),
                                             metadata=model.metadata())
    for old in ClassifierModel.objects.order_by("-created_at", "-id")[KEEP_FILES:]:
        Path(old.path).unlink(missing_ok=True)
        old.delete()
    return row


# Celery ships no type hints: the task is an untyped object with .delay().
@shared_task(name="triage.classifier_retrain_if_due", ignore_result=True)  # type: ignore[untyped-decorator]
def classifier_retrain_if_due() -> str | None:
    """Retrain when enough labels were confirmed since the last model (after a confirmation commits, and
    hourly from Celery beat to catch up); the new model's id, or None when nothing was due."""
    if not retrain_due():
        return None
    row = classifier_retrain()
    return row.model_id if row else None
