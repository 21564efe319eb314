"""The measured quality of classification, for the office: the active model's figures on the held-out real
texts (computed when it was built) and the proposals' figures against the team's confirmations of the last N
weeks (computed now, from each confirmed report's proposal as it stood and the labels the team confirmed).

Reading is the office's (``Kind.INSPECTION``/``Purpose.WORK`` without an inspection: the planning standing);
anyone else is told the page does not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from xuncha.access import Kind, Purpose, allows
from xuncha.accounts.models import User
from xuncha.core.classify import DISCIPLINE_LABELS, DISCIPLINES
from xuncha.core.classify.evaluate import discipline_scores
from xuncha.errors import NotFound

from .models import DISCIPLINE_BITS, ClassifierModel, Triage, from_mask

MAX_CONFIRMATIONS = 20_000


def can_see_quality(user: User) -> bool:
    return allows(user, Kind.INSPECTION, Purpose.WORK, None)


@dataclass
class Quality:
    model: ClassifierModel | None
    heldout: dict[str, Any] | None
    confirmed: dict[str, Any]
    weeks: int
    since: dt.datetime

    def rows(self, figures: dict[str, Any] | None) -> list[dict[str, Any]]:
        if not figures:
            return []
        return [{"code": code, "label": DISCIPLINE_LABELS[code], **figures["codes"][code]} for code in DISCIPLINES]

    @property
    def heldout_rows(self) -> list[dict[str, Any]]:
        return self.rows(self.heldout)

    @property
    def confirmed_rows(self) -> list[dict[str, Any]]:
        return self.rows(self.confirmed)


def classifier_quality(*, user: User, weeks: int) -> Quality:
    if not can_see_quality(user):
        raise NotFound
    model = ClassifierModel.objects.order_by("-created_at", "-id").first()
    since = timezone.now() - dt.timedelta(weeks=weeks)
    gold: list[list[str]] = []
    pred: list[list[str]] = []
    rows = (Triage.objects.filter(labels_confirmed=True, labels_confirmed_at__gte=since)
            .order_by("-labels_confirmed_at").values_list("disciplines", "proposal")[:MAX_CONFIRMATIONS])
    for mask, proposal in rows.iterator(chunk_size=2000):
        gold.append(from_mask(mask, DISCIPLINE_BITS))
        pred.append([e["code"] for e in (proposal or {}).get("disciplines", []) if e.get("proposed")])
    heldout = (model.metadata or {}).get("heldout") if model is not None else None
    return Quality(model=model, heldout=heldout, confirmed=discipline_scores(gold, pred), weeks=weeks, since=since)
