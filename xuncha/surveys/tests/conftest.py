from __future__ import annotations

from typing import Any

import pytest

from xuncha.surveys.models import Survey


@pytest.fixture
def surveys(demo: dict[str, Any]) -> dict[str, Survey]:
    """The demo surveys (xuncha.demo.surveys): practice leadership (codes, 60 answers), practice
    questionnaire (open to all), seed 001 closed leadership survey with results."""
    from xuncha.demo.surveys import load_demo_surveys

    leadership, questionnaire, closed = load_demo_surveys([demo["seed000"], demo["seed001"], demo["practice"]])
    return {"leadership": leadership, "questionnaire": questionnaire, "closed": closed}


@pytest.fixture(autouse=True)
def _no_minimum_time(settings: Any) -> None:
    """The public form's minimum time is 0 in tests."""
    settings.PORTAL_FORM_MIN_SECONDS = 0
