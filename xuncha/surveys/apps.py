from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def _survey_evidence(actor: Any, inspection_id: int, object_id: int) -> Any:
    """A survey's results as evidence of a finding: only a published survey of the same inspection that
    the actor may read."""
    from django.urls import reverse

    from xuncha.fieldwork.evidence import EvidenceRef

    from .models import Survey
    from .selectors import survey_list

    survey = survey_list(user=actor).filter(pk=object_id, inspection_id=inspection_id, state=Survey.State.PUBLISHED).first()
    if survey is None:
        return None
    return EvidenceRef(kind="survey", id=survey.pk, label=f"测评结果：{survey.title}",
                       url=reverse("surveys:results", args=[survey.pk]))


def _sealed_rows() -> int:
    """Batches whose slips are still sealed, and codes (keyed hashes): both need the key file."""
    from django.db.utils import DatabaseError

    from .models import Code

    try:
        return Code.objects.count()
    except DatabaseError:  # not migrated yet
        return 0


class SurveysConfig(AppConfig):
    name = "xuncha.surveys"
    label = "surveys"
    verbose_name = "民主测评与问卷"

    def ready(self) -> None:
        from xuncha.fieldwork.evidence import register
        from xuncha.keys import register_sealed_data_probe

        register("survey", "测评结果", _survey_evidence)
        register_sealed_data_probe(_sealed_rows)
